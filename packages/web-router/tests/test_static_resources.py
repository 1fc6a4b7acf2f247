"""add_static / StaticResource / StaticDef: registration, resolution, url_for, index, symlinks."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest
from router_fakes import make_request
from static_fakes import StaticTree, build_tree, fetch

from aiostrata.web_response import (
    FileResponse,
    HTTPForbidden,
    HTTPNotFound,
    Response,
    StreamResponse,
)
from aiostrata.web_router import (
    RouteTableDef,
    StaticDef,
    StaticResource,
    UrlDispatcher,
    static,
)


@pytest.fixture
def tree(tmp_path: Path) -> StaticTree:
    return build_tree(tmp_path)


def test_add_static_returns_a_resource_with_get_and_head_routes(tree: StaticTree) -> None:
    router = UrlDispatcher()
    resource = router.add_static("/static/", str(tree.root), name="assets")
    assert isinstance(resource, StaticResource)
    assert resource.canonical == "/static"
    assert router["assets"] is resource
    info = resource.get_info()
    assert info["directory"] == tree.root.resolve()
    assert info["prefix"] == "/static"
    assert sorted(info["routes"]) == ["GET", "HEAD"]
    assert len(resource) == 2
    assert {route.method for route in resource} == {"GET", "HEAD"}


def test_a_missing_directory_or_a_file_as_root_is_a_value_error(tree: StaticTree) -> None:
    router = UrlDispatcher()
    with pytest.raises(ValueError, match="does not exist"):
        router.add_static("/s", tree.root / "nope")
    with pytest.raises(ValueError, match="is not a directory"):
        router.add_static("/s", tree.root / "a.txt")
    with pytest.raises(ValueError, match="start with"):
        router.add_static("static", tree.root)


async def test_a_file_under_the_prefix_resolves_with_its_filename(tree: StaticTree) -> None:
    router = UrlDispatcher()
    router.add_static("/static", tree.root)
    match_info = await router.resolve(make_request("GET", "/static/sub/b%2Etxt"))
    assert match_info == {"filename": "sub/b.txt"}
    assert isinstance(await fetch(router, "/static/sub/b.txt"), FileResponse)


async def test_paths_that_only_share_the_prefix_text_do_not_match(tree: StaticTree) -> None:
    router = UrlDispatcher()
    router.add_static("/static", tree.root)
    assert isinstance(await fetch(router, "/staticfiles/a.txt"), HTTPNotFound)


async def test_other_methods_are_405_with_allow(tree: StaticTree) -> None:
    router = UrlDispatcher()
    router.add_static("/static", tree.root)
    response = await fetch(router, "/static/a.txt", method="POST")
    assert response.status == 405
    assert response.headers["Allow"] == "GET,HEAD"


async def test_set_options_route_adds_options(tree: StaticTree) -> None:
    async def preflight(request: object) -> Response:
        return Response(text="options")

    resource = UrlDispatcher().add_static("/static", tree.root)
    resource.set_options_route(preflight)
    assert sorted(resource.get_info()["routes"]) == ["GET", "HEAD", "OPTIONS"]
    with pytest.raises(RuntimeError):
        resource.set_options_route(preflight)


async def test_a_directory_without_show_index_is_403(tree: StaticTree) -> None:
    router = UrlDispatcher()
    router.add_static("/static", tree.root)
    assert isinstance(await fetch(router, "/static/sub"), HTTPForbidden)
    assert isinstance(await fetch(router, "/static"), HTTPForbidden)
    assert isinstance(await fetch(router, "/static/"), HTTPForbidden)


async def test_show_index_lists_sorted_entries_with_links(tree: StaticTree) -> None:
    router = UrlDispatcher()
    router.add_static("/static", tree.root, show_index=True)
    response = await fetch(router, "/static/")
    assert isinstance(response, Response)
    assert response.content_type == "text/html"
    text = response.text or ""
    assert "<title>Index of /</title>" in text
    assert '<li><a href="/static/a.txt">a.txt</a></li>' in text
    assert '<li><a href="/static/sub">sub/</a></li>' in text
    assert text.index("a.txt") < text.index("inner_link.txt") < text.index("sub/")
    sub = await fetch(router, "/static/sub/")
    assert isinstance(sub, Response)
    assert "Index of /sub" in (sub.text or "")


async def test_index_escapes_hostile_file_names(tree: StaticTree) -> None:
    """GHSA-7gpw-8wmc-pm8g. A Linux file name cannot hold '/', so '</script>' itself is
    impossible; these names carry the same markup without it."""
    for name in ("<script>alert(1)<", "<img src=x onerror=alert(1)>.txt", '"><b>&amp;.txt'):
        (tree.root / "sub" / name).write_bytes(b"x")
    router = UrlDispatcher()
    router.add_static("/static", tree.root, show_index=True)
    response = await fetch(router, "/static/sub")
    assert isinstance(response, Response)
    text = response.text or ""
    assert "<script>" not in text
    assert "<img" not in text
    assert "<b>" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;.txt" in text
    assert "&quot;&gt;&lt;b&gt;&amp;amp;.txt" in text
    assert 'href="/static/sub/%3Cimg%20src=x%20onerror=alert(1)%3E.txt"' in text


async def test_symlinks_inside_the_root_are_served_in_both_modes(tree: StaticTree) -> None:
    for follow in (False, True):
        router = UrlDispatcher()
        router.add_static("/static", tree.root, follow_symlinks=follow)
        assert isinstance(await fetch(router, "/static/inner_link.txt"), FileResponse)


async def test_symlinks_leading_out_need_follow_symlinks(tree: StaticTree) -> None:
    closed = UrlDispatcher()
    closed.add_static("/static", tree.root)
    assert isinstance(await fetch(closed, "/static/secret_link.txt"), HTTPNotFound)
    assert isinstance(await fetch(closed, "/static/out_link/secret.txt"), HTTPNotFound)
    opened = UrlDispatcher()
    opened.add_static("/static", tree.root, follow_symlinks=True)
    assert isinstance(await fetch(opened, "/static/secret_link.txt"), FileResponse)
    assert isinstance(await fetch(opened, "/static/out_link/secret.txt"), FileResponse)


async def test_a_symlink_loop_is_404(tree: StaticTree) -> None:
    (tree.root / "loop").symlink_to(tree.root / "loop")
    router = UrlDispatcher()
    router.add_static("/static", tree.root)
    assert isinstance(await fetch(router, "/static/loop"), HTTPNotFound)


def test_url_for_quotes_the_filename(tree: StaticTree) -> None:
    resource = UrlDispatcher().add_static("/static", tree.root)
    assert str(resource.url_for(filename="sub/b.txt")) == "/static/sub/b.txt"
    assert str(resource.url_for("/a b%.txt")) == "/static/a%20b%25.txt"
    assert str(resource.url_for(Path("sub") / "b.txt")) == "/static/sub/b.txt"


def test_url_for_appends_the_content_hash_when_asked(tree: StaticTree) -> None:
    expected = base64.urlsafe_b64encode(hashlib.sha256(b"inside a").digest()).decode()
    resource = UrlDispatcher().add_static("/static", tree.root, append_version=True)
    url = resource.url_for(filename="a.txt")
    assert url.query["v"] == expected
    assert "v" not in resource.url_for(filename="a.txt", append_version=False).query
    assert "v" not in resource.url_for(filename="missing.txt").query
    assert "v" not in resource.url_for(filename="sub").query
    assert "v" not in resource.url_for(filename="../outside/secret.txt").query
    assert "v" not in resource.url_for(filename="secret_link.txt").query


def test_a_root_prefix_serves_everything_and_builds_absolute_urls(tree: StaticTree) -> None:
    resource = UrlDispatcher().add_static("/", tree.root)
    assert resource.canonical == ""
    assert str(resource.url_for(filename="a.txt")) == "/a.txt"


async def test_a_root_prefix_resolves_files(tree: StaticTree) -> None:
    router = UrlDispatcher()
    router.add_static("/", tree.root)
    assert isinstance(await fetch(router, "/sub/b.txt"), FileResponse)


def test_static_defs_register_through_add_routes(tree: StaticTree) -> None:
    table = RouteTableDef()
    table.static("/assets", tree.root, name="assets", show_index=True)
    definition = static("/more", str(tree.root), append_version=True)
    assert isinstance(definition, StaticDef)
    assert definition.prefix == "/more"
    assert definition.kwargs == {"append_version": True}
    assert "StaticDef /more" in repr(definition)
    router = UrlDispatcher()
    routes = router.add_routes([*table, definition])
    assert sorted(route.method for route in routes) == ["GET", "GET", "HEAD", "HEAD"]
    assert isinstance(router["assets"], StaticResource)


def test_response_factory_is_accepted_but_has_no_effect(tree: StaticTree) -> None:
    router = UrlDispatcher()
    router.add_static("/a", tree.root, response_factory=StreamResponse)
    with pytest.warns(DeprecationWarning, match="response_factory"):
        router.add_static("/b", tree.root, response_factory=Response)

"""Sub-applications mounted under a prefix: prefixing, delegation, the app stack, 404/405."""

from __future__ import annotations

import pytest
from router_fakes import FakeApp, make_request, ok, other

from aiostrata.web_response import HTTPMethodNotAllowed, HTTPNotFound
from aiostrata.web_router import DynamicResource, PrefixedSubAppResource


def _mount(parent: FakeApp, prefix: str, sub: FakeApp) -> PrefixedSubAppResource:
    # What Application.add_subapp does on the router side.
    resource = PrefixedSubAppResource(prefix, sub)
    parent.router.register_resource(resource)
    return resource


async def test_sub_app_routes_are_reached_under_the_prefix() -> None:
    root, sub = FakeApp("root"), FakeApp("sub")
    plain = sub.router.add_get("/plain", ok)
    dynamic = sub.router.add_get("/users/{name}", other)
    _mount(root, "/api", sub)
    match_info = await root.router.resolve(make_request("GET", "/api/plain"))
    assert match_info.route is plain
    assert match_info.apps == (sub,)
    assert match_info.current_app is sub
    match_info = await root.router.resolve(make_request("GET", "/api/users/bob"))
    assert match_info.route is dynamic
    assert match_info == {"name": "bob"}


async def test_mounting_prefixes_the_sub_app_resources() -> None:
    root, sub = FakeApp("root"), FakeApp("sub")
    sub.router.add_get("/users/{name}", ok, name="user")
    sub.router.add_get("/plain", ok, name="plain")
    sub.router.add_get("", ok, name="index")
    _mount(root, "/api", sub)
    assert str(sub.router["user"].url_for(name="x")) == "/api/users/x"
    assert str(sub.router["plain"].url_for()) == "/api/plain"
    assert sub.router["index"].canonical == "/api"
    assert (await root.router.resolve(make_request("GET", "/api"))).route.name == "index"


async def test_unknown_path_under_prefix_is_the_sub_apps_404() -> None:
    root, sub = FakeApp("root"), FakeApp("sub")
    sub.router.add_get("/known", ok)
    _mount(root, "/api", sub)
    match_info = await root.router.resolve(make_request("GET", "/api/unknown"))
    assert isinstance(match_info.http_exception, HTTPNotFound)
    assert match_info.apps == (sub,)


async def test_wrong_method_under_prefix_is_405() -> None:
    root, sub = FakeApp("root"), FakeApp("sub")
    sub.router.add_post("/form", ok)
    _mount(root, "/api", sub)
    match_info = await root.router.resolve(make_request("GET", "/api/form"))
    assert isinstance(match_info.http_exception, HTTPMethodNotAllowed)
    assert match_info.http_exception.allowed_methods == {"POST"}


async def test_prefix_only_matches_whole_segments() -> None:
    root, sub = FakeApp("root"), FakeApp("sub")
    sub.router.add_get("/x", ok)
    _mount(root, "/api", sub)
    root_route = root.router.add_get("/apix", other)
    assert (await root.router.resolve(make_request("GET", "/apix"))).route is root_route


async def test_parent_routes_outside_the_prefix_still_resolve() -> None:
    root, sub = FakeApp("root"), FakeApp("sub")
    sub.router.add_get("/x", ok)
    _mount(root, "/api", sub)
    home = root.router.add_get("/", other)
    match_info = await root.router.resolve(make_request("GET", "/"))
    assert match_info.route is home
    assert match_info.apps == ()


async def test_nested_sub_apps_stack_outermost_first() -> None:
    root, mid, leaf = FakeApp("root"), FakeApp("mid"), FakeApp("leaf")
    route = leaf.router.add_get("/deep", ok, name="deep")
    _mount(mid, "/mid", leaf)
    _mount(root, "/root", mid)
    assert str(leaf.router["deep"].url_for()) == "/root/mid/deep"
    match_info = await root.router.resolve(make_request("GET", "/root/mid/deep"))
    assert match_info.route is route
    match_info.add_app(root)  # the application layer adds the top-level app last
    assert match_info.apps == (root, mid, leaf)
    assert match_info.current_app is leaf


def test_sub_app_resource_introspection() -> None:
    root, sub = FakeApp("root"), FakeApp("sub")
    sub.router.add_get("/a", ok)
    sub.router.add_post("/b", ok)
    resource = _mount(root, "/api", sub)
    assert resource.canonical == "/api"
    assert resource.name is None
    assert resource.get_info() == {"app": sub, "prefix": "/api"}
    assert len(resource) == 3
    assert [r.method for r in resource] == ["HEAD", "GET", "POST"]
    assert not resource.raw_match("/api")
    assert repr(resource) == "<PrefixedSubAppResource /api -> <FakeApp sub>>"
    assert len(root.router.routes()) == 3


@pytest.mark.parametrize("prefix", ["api", "/api/", "/", ""])
def test_bad_mount_prefixes_are_rejected(prefix: str) -> None:
    resource = DynamicResource("/users/{name}")
    with pytest.raises(ValueError, match="Invalid prefix"):
        resource.add_prefix(prefix)


@pytest.mark.parametrize("prefix", ["api", "/api/"])
def test_sub_app_prefix_must_be_normalized(prefix: str) -> None:
    with pytest.raises(ValueError, match="Prefix should"):
        PrefixedSubAppResource(prefix, FakeApp("sub"))

"""Constant paths: exact matching, methods, HEAD for GET, trailing slashes."""

from __future__ import annotations

import pytest
from router_fakes import make_request, ok, other

from aiostrata.web_router import METH_ANY, PlainResource, UrlDispatcher


async def test_plain_path_resolves_to_its_handler() -> None:
    router = UrlDispatcher()
    route = router.add_route("GET", "/a/b", ok)
    match_info = await router.resolve(make_request("GET", "/a/b"))
    assert match_info.route is route
    assert match_info.handler is ok
    assert match_info.http_exception is None
    assert dict(match_info) == {}


async def test_method_is_case_insensitive_at_registration() -> None:
    router = UrlDispatcher()
    route = router.add_route("post", "/items", ok)
    assert route.method == "POST"
    assert (await router.resolve(make_request("POST", "/items"))).route is route


async def test_add_get_also_serves_head_with_same_handler() -> None:
    router = UrlDispatcher()
    get_route = router.add_get("/page", ok, name="page")
    head_info = await router.resolve(make_request("HEAD", "/page"))
    assert get_route.method == "GET"
    assert head_info.route.method == "HEAD"
    assert head_info.handler is ok
    assert head_info.route.name == "page"
    assert [r.method for r in router.routes()] == ["HEAD", "GET"]


async def test_add_get_without_allow_head_refuses_head() -> None:
    router = UrlDispatcher()
    router.add_get("/page", ok, allow_head=False)
    match_info = await router.resolve(make_request("HEAD", "/page"))
    assert match_info.http_exception is not None
    assert match_info.http_exception.status == 405


@pytest.mark.parametrize(
    ("add", "method"),
    [
        ("add_post", "POST"),
        ("add_put", "PUT"),
        ("add_patch", "PATCH"),
        ("add_delete", "DELETE"),
        ("add_head", "HEAD"),
        ("add_options", "OPTIONS"),
    ],
)
async def test_method_shortcuts_register_their_method(add: str, method: str) -> None:
    router = UrlDispatcher()
    route = getattr(router, add)("/x", ok)
    assert route.method == method
    assert (await router.resolve(make_request(method, "/x"))).route is route


async def test_any_method_route_matches_every_method() -> None:
    router = UrlDispatcher()
    route = router.add_route(METH_ANY, "/any", ok)
    for method in ("GET", "POST", "PROPFIND"):
        assert (await router.resolve(make_request(method, "/any"))).route is route


async def test_specific_method_wins_over_any_added_later() -> None:
    router = UrlDispatcher()
    get_route = router.add_route("GET", "/r", ok)
    any_route = router.add_route("*", "/r", other)
    assert (await router.resolve(make_request("GET", "/r"))).route is get_route
    assert (await router.resolve(make_request("PUT", "/r"))).route is any_route


async def test_trailing_slash_is_a_different_path_and_never_redirected() -> None:
    router = UrlDispatcher()
    router.add_get("/a", ok)
    assert (await router.resolve(make_request("GET", "/a/"))).http_exception is not None
    router2 = UrlDispatcher()
    route = router2.add_get("/a/", ok)
    assert (await router2.resolve(make_request("GET", "/a/"))).route.resource is route.resource
    assert (await router2.resolve(make_request("GET", "/a"))).http_exception is not None


async def test_root_path_resolves() -> None:
    router = UrlDispatcher()
    route = router.add_get("/", ok)
    assert (await router.resolve(make_request("GET", "/"))).route is route
    assert (await router.resolve(make_request("GET", "/x"))).http_exception is not None


async def test_fixed_path_beats_dynamic_whatever_the_order() -> None:
    router = UrlDispatcher()
    dynamic = router.add_get("/a/{name}", ok)
    fixed = router.add_get("/a/b", other)
    assert (await router.resolve(make_request("GET", "/a/b"))).route is fixed
    assert (await router.resolve(make_request("GET", "/a/c"))).route is dynamic


async def test_percent_encoded_request_matches_decoded_plain_path() -> None:
    router = UrlDispatcher()
    route = router.add_get("/hello world/café", ok)
    request = make_request("GET", "/hello%20world/caf%C3%A9")
    assert (await router.resolve(request)).route is route


async def test_encoded_slash_does_not_match_a_real_slash() -> None:
    router = UrlDispatcher()
    router.add_get("/a/b", ok)
    match_info = await router.resolve(make_request("GET", "/a%2Fb"))
    assert match_info.http_exception is not None
    assert match_info.http_exception.status == 404


async def test_query_string_is_ignored_for_matching() -> None:
    router = UrlDispatcher()
    route = router.add_get("/search", ok)
    assert (await router.resolve(make_request("GET", "/search?q=1"))).route is route


def test_plain_resource_info_and_canonical() -> None:
    router = UrlDispatcher()
    resource = router.add_resource("/path/to", name="to")
    assert isinstance(resource, PlainResource)
    assert resource.canonical == "/path/to"
    assert resource.get_info() == {"path": "/path/to"}
    assert resource.raw_match("/path/to")
    assert not resource.raw_match("/path")
    assert "'to'" in repr(resource)


def test_empty_path_becomes_root_on_freeze() -> None:
    router = UrlDispatcher()
    resource = router.add_resource("")
    assert resource.canonical == ""
    router.freeze()
    assert resource.canonical == "/"

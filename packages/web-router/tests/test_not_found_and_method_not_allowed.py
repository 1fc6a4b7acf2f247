"""Failed resolutions: 404 and 405 come back as match infos whose handler raises."""

from __future__ import annotations

import pytest
from router_fakes import make_request, ok

from aiostrata.web_response import HTTPMethodNotAllowed, HTTPNotFound
from aiostrata.web_router import MatchInfoError, SystemRoute, UrlDispatcher


async def test_unknown_path_gives_404_match_info() -> None:
    router = UrlDispatcher()
    router.add_get("/known", ok)
    match_info = await router.resolve(make_request("GET", "/unknown"))
    assert isinstance(match_info, MatchInfoError)
    assert isinstance(match_info.http_exception, HTTPNotFound)
    assert repr(match_info) == "<MatchInfoError 404: Not Found>"
    with pytest.raises(HTTPNotFound):
        await match_info.handler(make_request("GET", "/unknown"))


async def test_empty_router_gives_404() -> None:
    match_info = await UrlDispatcher().resolve(make_request("GET", "/"))
    assert isinstance(match_info.http_exception, HTTPNotFound)


async def test_known_path_wrong_method_gives_405_with_sorted_allow() -> None:
    router = UrlDispatcher()
    router.add_post("/items", ok)
    router.add_get("/items", ok)
    router.add_delete("/items", ok)
    match_info = await router.resolve(make_request("PUT", "/items"))
    exc = match_info.http_exception
    assert isinstance(exc, HTTPMethodNotAllowed)
    assert exc.method == "PUT"
    assert exc.allowed_methods == {"GET", "HEAD", "POST", "DELETE"}
    assert exc.headers["Allow"] == "DELETE,GET,HEAD,POST"
    with pytest.raises(HTTPMethodNotAllowed):
        await match_info.handler(make_request("PUT", "/items"))


async def test_allowed_methods_are_collected_over_every_matching_resource() -> None:
    router = UrlDispatcher()
    router.add_post("/users/{id}", ok)
    router.add_put(r"/users/{id:\d+}", ok)
    exc = (await router.resolve(make_request("GET", "/users/7"))).http_exception
    assert isinstance(exc, HTTPMethodNotAllowed)
    assert exc.allowed_methods == {"POST", "PUT"}


async def test_405_route_is_a_system_route() -> None:
    router = UrlDispatcher()
    router.add_post("/x", ok)
    match_info = await router.resolve(make_request("GET", "/x"))
    route = match_info.route
    assert isinstance(route, SystemRoute)
    assert route.status == 405
    assert route.reason == "Method Not Allowed"
    assert route.method == "*"
    assert route.name is None
    assert route.resource is None
    assert match_info.get_info() == {"http_exception": match_info.http_exception}
    assert repr(route) == "<SystemRoute 405: Method Not Allowed>"
    with pytest.raises(RuntimeError, match="not allowed for SystemRoute"):
        route.url_for()

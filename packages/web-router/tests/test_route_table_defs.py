"""Route definitions: web.get()-style helpers and the RouteTableDef decorators."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from router_fakes import make_request, ok

from aiostrata.web_response import Response, StreamResponse
from aiostrata.web_router import (
    AbstractRouteDef,
    RouteDef,
    RouteTableDef,
    UrlDispatcher,
    View,
    delete,
    get,
    head,
    options,
    patch,
    post,
    put,
    route,
    view,
)


class ItemView(View):
    async def get(self) -> StreamResponse:
        return Response(text="item")


def test_helpers_build_route_defs() -> None:
    assert get("/a", ok) == RouteDef("GET", "/a", ok, {"name": None, "allow_head": True})
    assert post("/a", ok, name="p") == RouteDef("POST", "/a", ok, {"name": "p"})
    assert view("/v", ItemView) == RouteDef("*", "/v", ItemView, {})
    assert route("PROPFIND", "/a", ok).method == "PROPFIND"


@pytest.mark.parametrize(
    ("helper", "method"),
    [(head, "HEAD"), (options, "OPTIONS"), (put, "PUT"), (patch, "PATCH"), (delete, "DELETE")],
)
def test_each_helper_sets_its_method(helper: Callable[..., RouteDef], method: str) -> None:
    assert helper("/a", ok).method == method


def test_route_def_is_frozen_with_readable_repr() -> None:
    definition = get("/a", ok, name="a")
    with pytest.raises(dataclasses.FrozenInstanceError):
        definition.path = "/b"  # type: ignore[misc]
    assert repr(definition) == "<RouteDef GET /a -> 'ok', allow_head=True, name='a'>"
    assert isinstance(definition, AbstractRouteDef)


async def test_add_routes_registers_list_and_returns_routes() -> None:
    router = UrlDispatcher()
    routes = router.add_routes([get("/a", ok), post("/b", ok), view("/v", ItemView)])
    assert [r.method for r in routes] == ["GET", "POST", "*"]
    assert (await router.resolve(make_request("HEAD", "/a"))).handler is ok
    assert (await router.resolve(make_request("PUT", "/v"))).handler is ItemView


async def test_get_def_honours_allow_head_false() -> None:
    router = UrlDispatcher()
    router.add_routes([get("/a", ok, allow_head=False)])
    assert (await router.resolve(make_request("HEAD", "/a"))).http_exception is not None


def test_custom_method_def_uses_add_route() -> None:
    router = UrlDispatcher()
    (registered,) = router.add_routes([route("PROPFIND", "/dav", ok, name="dav")])
    assert registered.method == "PROPFIND"
    assert registered.name == "dav"


def test_route_table_decorators_return_the_function_unchanged() -> None:
    routes = RouteTableDef()

    @routes.get("/get", name="g")
    async def handle_get(request: Any) -> StreamResponse:
        return Response()

    @routes.post("/post")
    async def handle_post(request: Any) -> StreamResponse:
        return Response()

    @routes.view("/view")
    class MyView(View):
        async def get(self) -> StreamResponse:
            return Response()

    assert handle_get.__name__ == "handle_get"
    assert issubclass(MyView, View)
    assert len(routes) == 3
    assert routes[0] == RouteDef("GET", "/get", handle_get, {"name": "g"})
    assert routes[1:] == [
        RouteDef("POST", "/post", handle_post, {}),
        RouteDef("*", "/view", MyView, {}),
    ]
    assert RouteDef("POST", "/post", handle_post, {}) in routes
    assert [d.method for d in routes if isinstance(d, RouteDef)] == ["GET", "POST", "*"]
    assert repr(routes) == "<RouteTableDef count=3>"


@pytest.mark.parametrize(
    ("decorator", "method"),
    [
        ("head", "HEAD"),
        ("put", "PUT"),
        ("patch", "PATCH"),
        ("delete", "DELETE"),
        ("options", "OPTIONS"),
    ],
)
def test_each_table_decorator_sets_its_method(decorator: str, method: str) -> None:
    routes = RouteTableDef()
    getattr(routes, decorator)("/x")(ok)
    definition = routes[0]
    assert isinstance(definition, RouteDef)
    assert definition.method == method


async def test_route_table_registers_into_router() -> None:
    routes = RouteTableDef()
    routes.route("GET", "/r", name="r")(ok)
    router = UrlDispatcher()
    registered = router.add_routes(routes)
    assert [r.method for r in registered] == ["GET"]
    assert "r" in router
    assert (await router.resolve(make_request("HEAD", "/r"))).handler is ok  # via add_get
    assert (await router.resolve(make_request("GET", "/r"))).handler is ok

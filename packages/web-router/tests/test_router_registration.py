"""Building the table: resources, names, the mapping API, views, validation and freezing."""

from __future__ import annotations

from typing import Any

import pytest
from router_fakes import make_request, ok, other

from aiostrata.web_router import (
    AbstractResource,
    DynamicResource,
    PlainResource,
    ResourceRoute,
    UrlDispatcher,
)


def test_add_resource_reuses_last_unnamed_resource_for_same_path() -> None:
    router = UrlDispatcher()
    first = router.add_resource("/a")
    assert router.add_resource("/a") is first
    router.add_route("GET", "/a", ok)
    router.add_route("POST", "/a", other)
    assert len(router.resources()) == 1
    assert len(first) == 2


def test_add_resource_does_not_reuse_when_name_or_order_differs() -> None:
    router = UrlDispatcher()
    first = router.add_resource("/a")
    assert router.add_resource("/a", name="named") is not first
    router.add_resource("/b")
    assert router.add_resource("/a") is not first


def test_add_resource_picks_plain_or_dynamic() -> None:
    router = UrlDispatcher()
    assert isinstance(router.add_resource("/a"), PlainResource)
    assert isinstance(router.add_resource("/a/{b}"), DynamicResource)


def test_path_must_start_with_slash() -> None:
    with pytest.raises(ValueError, match="started with /"):
        UrlDispatcher().add_route("GET", "a/b", ok)


def test_named_resources_mapping_api() -> None:
    router = UrlDispatcher()
    router.add_get("/a", ok, name="a")
    router.add_get("/b/{x}", ok, name="b.detail")
    router.add_get("/c", ok)
    assert "a" in router
    assert "c" not in router
    assert len(router) == 2
    assert list(router) == ["a", "b.detail"]
    assert router["b.detail"].canonical == "/b/{x}"
    assert router.get("missing") is None
    named = router.named_resources()
    assert dict(named) == {"a": router["a"], "b.detail": router["b.detail"]}
    with pytest.raises(TypeError):
        named["z"] = router["a"]  # type: ignore[index]


def test_resources_and_routes_views() -> None:
    router = UrlDispatcher()
    get_route = router.add_get("/a", ok)
    post_route = router.add_post("/b", ok)
    resources = router.resources()
    assert len(resources) == 2
    assert get_route.resource in resources
    assert [r.canonical for r in resources] == ["/a", "/b"]
    routes = router.routes()
    assert len(routes) == 3
    assert get_route in routes
    assert post_route in routes
    assert [r.method for r in routes] == ["HEAD", "GET", "POST"]


@pytest.mark.parametrize("name", ["name.has.dots", "has-dash", "a:b", "_private", "snake_case"])
def test_valid_route_names(name: str) -> None:
    router = UrlDispatcher()
    router.add_get("/x", ok, name=name)
    assert name in router


@pytest.mark.parametrize("name", ["class", "a.for", "1abc", "has space", "a..b", "", "a/b"])
def test_invalid_route_names(name: str) -> None:
    with pytest.raises(ValueError, match="Incorrect route name"):
        UrlDispatcher().add_get("/x", ok, name=name)


def test_duplicate_name_is_rejected() -> None:
    router = UrlDispatcher()
    router.add_get("/a", ok, name="n")
    with pytest.raises(ValueError, match="Duplicate 'n'"):
        router.add_get("/b", ok, name="n")


def test_same_method_twice_on_a_resource_is_rejected() -> None:
    router = UrlDispatcher()
    router.add_route("GET", "/a", ok)
    with pytest.raises(RuntimeError, match="will never be executed"):
        router.add_route("get", "/a", other)


def test_any_method_route_shadows_later_methods() -> None:
    router = UrlDispatcher()
    router.add_route("*", "/a", ok)
    with pytest.raises(RuntimeError, match=r"method \* is already registered"):
        router.add_route("POST", "/a", other)


@pytest.mark.parametrize("method", ["GE T", "", "GET\r\n", "(GET)"])
def test_invalid_method_is_rejected(method: str) -> None:
    with pytest.raises(ValueError, match="not allowed HTTP method"):
        UrlDispatcher().add_route(method, "/a", ok)


def test_non_callable_handler_is_rejected() -> None:
    with pytest.raises(TypeError, match="callable"):
        UrlDispatcher().add_route("GET", "/a", "not a handler")  # type: ignore[arg-type]


def test_expect_handler_must_be_a_coroutine_function() -> None:
    def sync_expect(request: Any) -> None:
        return None

    with pytest.raises(TypeError, match="Coroutine is expected"):
        UrlDispatcher().add_route("GET", "/a", ok, expect_handler=sync_expect)  # type: ignore[arg-type]


async def test_plain_function_handler_works_but_is_deprecated() -> None:
    def sync_handler(request: Any) -> str:
        return "plain result"

    router = UrlDispatcher()
    with pytest.warns(DeprecationWarning, match="Bare functions are deprecated"):
        router.add_route("GET", "/a", sync_handler)  # type: ignore[arg-type]
    match_info = await router.resolve(make_request("GET", "/a"))
    result: Any = await match_info.handler(make_request("GET", "/a"))
    assert result == "plain result"
    assert match_info.handler.__name__ == "sync_handler"


def test_adding_after_freeze_raises() -> None:
    router = UrlDispatcher()
    resource = router.add_resource("/a")
    router.freeze()
    assert router.frozen
    with pytest.raises(RuntimeError, match="frozen router"):
        router.add_get("/b", ok)
    with pytest.raises(RuntimeError, match="frozen router"):
        router.add_get("/a", ok)
    with pytest.raises(RuntimeError, match="frozen router"):
        resource.add_route("GET", ok)
    with pytest.raises(RuntimeError, match="frozen router"):
        router.register_resource(PlainResource("/c"))


def test_register_resource_requires_a_resource() -> None:
    with pytest.raises(TypeError, match="AbstractResource"):
        UrlDispatcher().register_resource("/a")  # type: ignore[arg-type]


def test_register_route_requires_a_resource_route() -> None:
    resource = PlainResource("/a")
    with pytest.raises(TypeError, match="Route class is required"):
        resource.register_route(object())  # type: ignore[arg-type]


def test_route_attributes_follow_the_resource() -> None:
    router = UrlDispatcher()
    route = router.add_get("/a/{b}", ok, name="ab")
    assert isinstance(route, ResourceRoute)
    assert route.name == "ab"
    assert route.handler is ok
    assert isinstance(route.resource, AbstractResource)
    assert route.get_info() == route.resource.get_info()
    assert repr(route).startswith("<ResourceRoute [GET] <DynamicResource 'ab'  /a/{b}>")

"""Reversing routes to URLs: quoting, missing or unknown parts, unsupported resources."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from router_fakes import FakeApp, make_request, ok
from yarl import URL

from aiostrata.web_router import PrefixedSubAppResource, UrlDispatcher


def test_plain_resource_url() -> None:
    router = UrlDispatcher()
    router.add_get("/path/to", ok, name="to")
    url = router["to"].url_for()
    assert url == URL("/path/to")
    assert str(url.with_query({"a": 1})) == "/path/to?a=1"


def test_plain_resource_url_is_quoted() -> None:
    router = UrlDispatcher()
    router.add_get("/hello world", ok, name="hw")
    assert router["hw"].url_for().raw_path == "/hello%20world"


def test_dynamic_resource_url_quotes_values() -> None:
    router = UrlDispatcher()
    router.add_get("/users/{name}/{page}", ok, name="user")
    url = router["user"].url_for(name="jörg m?", page="1")
    assert url.raw_path == "/users/j%C3%B6rg%20m%3F/1"
    assert url.path == "/users/jörg m?/1"


def test_dynamic_url_with_custom_regex() -> None:
    router = UrlDispatcher()
    router.add_get(r"/get/{num:\d+}", ok, name="num")
    assert str(router["num"].url_for(num="12")) == "/get/12"


def test_missing_part_raises_key_error() -> None:
    router = UrlDispatcher()
    router.add_get("/users/{name}", ok, name="user")
    with pytest.raises(KeyError, match="name"):
        router["user"].url_for(other="x")


def test_unknown_extra_parts_are_ignored() -> None:
    router = UrlDispatcher()
    router.add_get("/users/{name}", ok, name="user")
    assert str(router["user"].url_for(name="a", extra="b")) == "/users/a"


def test_plain_resource_refuses_parts() -> None:
    router = UrlDispatcher()
    router.add_get("/plain", ok, name="plain")
    with pytest.raises(TypeError):
        router["plain"].url_for(name="x")


def test_route_url_for_delegates_to_resource() -> None:
    router = UrlDispatcher()
    route = router.add_get("/users/{name}", ok, name="user")
    assert route.url_for(name="bob") == URL("/users/bob")


def test_sub_app_root_has_no_url() -> None:
    sub = FakeApp("sub")
    resource = PrefixedSubAppResource("/sub", sub)
    with pytest.raises(RuntimeError, match="sub-application root"):
        resource.url_for()


_segment_values = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="/{}"),
    min_size=1,
).filter(lambda value: value not in (".", ".."))


@given(value=_segment_values)
async def test_url_for_round_trips_through_resolve(value: str) -> None:
    router = UrlDispatcher()
    router.add_get("/items/{value}", ok, name="item")
    url = router["item"].url_for(value=value)
    match_info = await router.resolve(make_request("GET", str(url)))
    assert match_info == {"value": value}

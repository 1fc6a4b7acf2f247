"""Variable paths: default and custom patterns, several variables, decoding, bad templates."""

from __future__ import annotations

import re

import pytest
from router_fakes import make_request, ok, other

from aiostrata.web_router import DynamicResource, UrlDispatcher


async def test_variable_captures_one_segment() -> None:
    router = UrlDispatcher()
    route = router.add_get("/users/{name}", ok)
    match_info = await router.resolve(make_request("GET", "/users/alice"))
    assert match_info.route is route
    assert match_info == {"name": "alice"}
    nested = await router.resolve(make_request("GET", "/users/alice/posts"))
    assert nested.http_exception is not None


async def test_variable_does_not_match_empty_segment() -> None:
    router = UrlDispatcher()
    router.add_get("/users/{name}", ok)
    assert (await router.resolve(make_request("GET", "/users/"))).http_exception is not None


async def test_custom_regex_restricts_the_variable() -> None:
    router = UrlDispatcher()
    route = router.add_get(r"/get/{num:\d+}", ok)
    assert (await router.resolve(make_request("GET", "/get/42"))) == {"num": "42"}
    assert (await router.resolve(make_request("GET", "/get/42"))).route is route
    assert (await router.resolve(make_request("GET", "/get/x"))).http_exception is not None


async def test_regex_with_braces_quantifier() -> None:
    router = UrlDispatcher()
    router.add_get(r"/year/{year:\d{4}}", ok)
    assert await router.resolve(make_request("GET", "/year/2024")) == {"year": "2024"}
    assert (await router.resolve(make_request("GET", "/year/24"))).http_exception is not None


async def test_several_variables_in_one_segment() -> None:
    router = UrlDispatcher()
    router.add_get("/{a}.{b}", ok)
    # [^{}/]+ is greedy: the last dot separates the variables.
    assert await router.resolve(make_request("GET", "/archive.tar.gz")) == {
        "a": "archive.tar",
        "b": "gz",
    }


async def test_tail_regex_spans_segments() -> None:
    router = UrlDispatcher()
    router.add_get("/files/{tail:.*}", ok)
    assert await router.resolve(make_request("GET", "/files/a/b/c")) == {"tail": "a/b/c"}
    assert await router.resolve(make_request("GET", "/files/")) == {"tail": ""}


async def test_captured_values_are_percent_decoded() -> None:
    router = UrlDispatcher()
    router.add_get("/users/{name}", ok)
    info = await router.resolve(make_request("GET", "/users/j%C3%B6rg%20m"))
    assert info == {"name": "jörg m"}


async def test_encoded_slash_is_part_of_the_segment_and_decoded() -> None:
    # As aiohttp: the path is matched with %2F kept, the captured value is decoded.
    router = UrlDispatcher()
    router.add_get("/users/{name}", ok)
    assert await router.resolve(make_request("GET", "/users/a%2Fb")) == {"name": "a/b"}
    assert await router.resolve(make_request("GET", "/users/100%25")) == {"name": "100%"}


async def test_non_ascii_literal_part_matches() -> None:
    router = UrlDispatcher()
    route = router.add_get("/привет/{name}", ok)
    request = make_request("GET", "/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82/x")
    assert (await router.resolve(request)).route is route
    assert route.url_for(name="y").raw_path == "/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82/y"


async def test_same_prefix_dynamic_routes_resolve_in_registration_order() -> None:
    router = UrlDispatcher()
    first = router.add_get("/users/{x}/{y}/z", ok)
    router.add_get("/users/{x}/y/z", other)
    assert (await router.resolve(make_request("GET", "/users/1/y/z"))).route is first


async def test_variable_inside_segment_after_fixed_text() -> None:
    router = UrlDispatcher()
    route = router.add_get("/core/locations{tail:.*}", ok)
    info = await router.resolve(make_request("GET", "/core/locations/a/b"))
    assert info.route is route
    assert info == {"tail": "/a/b"}


def test_canonical_and_info_use_the_formatter() -> None:
    router = UrlDispatcher()
    resource = router.add_resource(r"/get/{num:^\d+}/{name}")
    assert isinstance(resource, DynamicResource)
    assert resource.canonical == "/get/{num}/{name}"
    info = resource.get_info()
    assert info["formatter"] == "/get/{num}/{name}"
    assert isinstance(info["pattern"], re.Pattern)
    assert resource.raw_match(r"/get/{num:^\d+}/{name}")
    assert not resource.raw_match("/get/{num}/{name}")


@pytest.mark.parametrize(
    "path",
    [
        "/{1abc}",
        "/{}",
        "/{a-b}",
        "/a}",
        "/{a",
        "/{name:}",
        "/{a:(}",
        "/{a}/{a}",
    ],
)
def test_malformed_templates_are_rejected(path: str) -> None:
    router = UrlDispatcher()
    with pytest.raises(ValueError, match=r"Invalid path|Bad pattern"):
        router.add_resource(path)


def test_dynamic_path_must_start_with_slash() -> None:
    with pytest.raises(ValueError, match="started with /"):
        DynamicResource("{a}")

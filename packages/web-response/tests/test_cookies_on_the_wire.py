"""Cookies set on a response leave as one Set-Cookie field each (RFC 6265 4.1)."""

from __future__ import annotations

from http.cookies import SimpleCookie

import pytest
from _web_response_testkit import send

from aiostrata.web_response import Response, StreamResponse


def test_cookies_is_a_simple_cookie() -> None:
    assert isinstance(StreamResponse().cookies, SimpleCookie)


async def test_each_cookie_is_its_own_set_cookie_header() -> None:
    response = Response()
    response.set_cookie("a", "1")
    response.set_cookie("b", "2")
    wire = await send(response)
    assert wire.getall("Set-Cookie") == ["a=1; Path=/", "b=2; Path=/"]


async def test_no_cookies_no_set_cookie_header() -> None:
    wire = await send(Response())
    assert wire.getall("Set-Cookie") == []


async def test_all_cookie_attributes_are_serialized() -> None:
    response = Response()
    response.set_cookie(
        "session",
        "abc",
        expires="Wed, 21 Oct 2015 07:28:00 GMT",
        domain="example.com",
        max_age=3600,
        path="/app",
        secure=True,
        httponly=True,
        version="1",
        samesite="Lax",
        partitioned=True,
    )
    wire = await send(response)
    [header] = wire.getall("Set-Cookie")
    assert header.startswith("session=abc; ")
    attributes = set(header.split("; ")[1:])
    assert attributes == {
        "Domain=example.com",
        "expires=Wed, 21 Oct 2015 07:28:00 GMT",
        "HttpOnly",
        "Max-Age=3600",
        "Partitioned",
        "Path=/app",
        "SameSite=Lax",
        "Secure",
        "Version=1",
    }


def test_set_cookie_replaces_earlier_value() -> None:
    response = StreamResponse()
    response.set_cookie("a", "1", max_age=10)
    response.set_cookie("a", "2")
    morsel = response.cookies["a"]
    assert morsel.value == "2"
    assert not morsel.get("max-age")


def test_value_needing_quotes_is_quoted() -> None:
    response = StreamResponse()
    response.set_cookie("a", "with space;semi")
    assert response.cookies["a"].coded_value.startswith('"')


def test_invalid_cookie_name_is_refused() -> None:
    from http.cookies import CookieError

    with pytest.raises(CookieError):
        StreamResponse().set_cookie("bad name", "v")


async def test_del_cookie_expires_it() -> None:
    response = Response()
    response.del_cookie("session", domain="example.com", path="/app")
    wire = await send(response)
    [header] = wire.getall("Set-Cookie")
    assert header.startswith('session=""; ')
    assert "expires=Thu, 01 Jan 1970 00:00:00 GMT" in header
    assert "Max-Age=0" in header
    assert "Domain=example.com" in header
    assert "Path=/app" in header


def test_del_cookie_drops_a_cookie_set_earlier() -> None:
    response = StreamResponse()
    response.set_cookie("a", "1")
    response.del_cookie("a")
    assert response.cookies["a"].value == ""
    assert response.cookies["a"]["max-age"] == "0"


def test_set_after_del_restores_a_live_cookie() -> None:
    response = StreamResponse()
    response.del_cookie("a")
    response.set_cookie("a", "back")
    morsel = response.cookies["a"]
    assert morsel.value == "back"
    assert not morsel.get("expires")
    assert not morsel.get("max-age")


async def test_del_cookie_passes_secure_httponly_samesite() -> None:
    response = Response()
    response.del_cookie("a", secure=True, httponly=True, samesite="Strict")
    [header] = (await send(response)).getall("Set-Cookie")
    assert "Secure" in header
    assert "HttpOnly" in header
    assert "SameSite=Strict" in header


def test_cookies_set_directly_on_the_jar_accept_partitioned() -> None:
    response = StreamResponse()
    response.cookies["direct"] = "v"
    response.cookies["direct"]["partitioned"] = True
    assert response.cookies["direct"].OutputString() == "direct=v; Partitioned"

"""read(), text(), json() and post(): bounded by client_max_size, cached, never a 500."""

from __future__ import annotations

import json

import pytest
from requests_from_bytes import make_request

from aiostrata.web_response import HTTPBadRequest, HTTPRequestEntityTooLarge


def post(body: bytes, *lines: str, method: str = "POST") -> bytes:
    head = f"{method} / HTTP/1.1\r\nHost: h\r\nContent-Length: {len(body)}\r\n"
    head += "".join(f"{line}\r\n" for line in lines)
    return head.encode() + b"\r\n" + body


async def test_read_returns_the_body_and_caches_it() -> None:
    request = make_request(post(b"hello"))
    assert await request.read() == b"hello"
    assert await request.read() == b"hello"
    assert not request.can_read_body


async def test_text_uses_the_declared_charset() -> None:
    request = make_request(
        post("héllo".encode("latin-1"), "Content-Type: text/plain; charset=latin-1")
    )
    assert await request.text() == "héllo"


async def test_undecodable_text_is_a_400() -> None:
    request = make_request(post(b"\xff\xfe", "Content-Type: text/plain; charset=utf-8"))
    with pytest.raises(HTTPBadRequest):
        await request.text()


async def test_unknown_charset_is_a_400() -> None:
    request = make_request(post(b"x", "Content-Type: text/plain; charset=no-such-codec"))
    with pytest.raises(HTTPBadRequest):
        await request.text()


async def test_json_decodes_the_body() -> None:
    request = make_request(post(b'{"a": [1, 2]}', "Content-Type: application/json"))
    assert await request.json() == {"a": [1, 2]}
    request = make_request(post(b"not json"))
    with pytest.raises(json.JSONDecodeError):
        await request.json()


async def test_declared_length_over_client_max_size_is_413_without_reading() -> None:
    request = make_request(post(b"x" * 100), client_max_size=10)
    with pytest.raises(HTTPRequestEntityTooLarge) as info:
        await request.read()
    assert info.value.status == 413


async def test_chunked_body_over_client_max_size_is_413() -> None:
    raw = (
        b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"8\r\n01234567\r\n8\r\n89abcdef\r\n0\r\n\r\n"
    )
    request = make_request(raw, client_max_size=10)
    with pytest.raises(HTTPRequestEntityTooLarge):
        await request.read()


async def test_post_parses_a_urlencoded_form() -> None:
    request = make_request(
        post(b"a=1&b=x+y&a=%C3%A9&empty=", "Content-Type: application/x-www-form-urlencoded")
    )
    form = await request.post()
    assert form.getall("a") == ["1", "é"]
    assert form["b"] == "x y"
    assert form["empty"] == ""
    assert await request.post() is form


async def test_post_is_empty_for_other_methods_and_types() -> None:
    request = make_request(
        post(b"a=1", "Content-Type: application/x-www-form-urlencoded", method="GET")
    )
    assert dict(await request.post()) == {}
    request = make_request(post(b'{"a": 1}', "Content-Type: application/json"))
    assert dict(await request.post()) == {}


async def test_release_discards_the_rest_of_the_body() -> None:
    request = make_request(post(b"0123456789"))
    await request.content.read(3)
    await request.release()
    assert request.content.at_eof()


async def test_clone_after_reading_the_body_is_refused() -> None:
    request = make_request(post(b"abc"))
    await request.read()
    with pytest.raises(RuntimeError):
        request.clone()

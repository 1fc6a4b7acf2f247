"""Handlers and middlewares called directly with ``make_mocked_request``: no socket at all."""

from __future__ import annotations

import asyncio
import ssl
from typing import Any
from unittest import mock

import pytest

from aiostrata import web
from aiostrata.http_parser import HttpVersion, StreamReader
from aiostrata.test_utils import make_mocked_coro, make_mocked_request

db_key = web.AppKey("db_key", dict[str, str])


async def get_user(request: web.Request) -> web.Response:
    """A handler as an application would have it: path variable, app state, headers."""
    if request.headers.get("Authorization") != "Bearer ok":
        raise web.HTTPUnauthorized()
    name = request.app[db_key].get(request.match_info["user_id"])
    if name is None:
        raise web.HTTPNotFound(text="no such user")
    return web.json_response({"name": name, "secure": request.secure})


def app_with_users() -> web.Application:
    app = web.Application()
    app[db_key] = {"7": "ada"}
    return app


async def test_handler_reads_match_info_app_and_headers() -> None:
    request = make_mocked_request(
        "GET",
        "/users/7",
        headers={"Authorization": "Bearer ok"},
        match_info={"user_id": "7"},
        app=app_with_users(),
    )
    response = await get_user(request)
    assert response.status == 200
    assert response.text == '{"name": "ada", "secure": false}'
    assert request.app[db_key] == {"7": "ada"}


async def test_handler_raises_its_http_errors() -> None:
    anonymous = make_mocked_request("GET", "/users/7", match_info={"user_id": "7"})
    with pytest.raises(web.HTTPUnauthorized):
        await get_user(anonymous)
    missing = make_mocked_request(
        "GET",
        "/users/8",
        headers={"Authorization": "Bearer ok"},
        match_info={"user_id": "8"},
        app=app_with_users(),
    )
    with pytest.raises(web.HTTPNotFound):
        await get_user(missing)


def test_the_request_is_a_real_aiostrata_request() -> None:
    request = make_mocked_request("POST", "/path?q=1&q=2", headers={"Host": "example.com"})
    assert isinstance(request, web.Request)
    assert request.method == "POST"
    assert request.path == "/path"
    assert request.query.getall("q") == ["1", "2"]
    assert request.host == "example.com"
    assert request.url.human_repr() == "http://example.com/path?q=1&q=2"
    assert len(request.match_info) == 0
    assert isinstance(request.app, web.Application)
    assert request.keep_alive
    assert request.version == HttpVersion(1, 1)


def test_the_fake_transport_answers_get_extra_info_with_the_default() -> None:
    request = make_mocked_request("GET", "/")
    assert request.transport is not None
    assert request.transport.get_extra_info("peername") is None
    assert request.transport.get_extra_info("peername", ("192.0.2.1", 0)) == ("192.0.2.1", 0)
    assert request.get_extra_info("socket", "none") == "none"
    assert request.remote is None
    assert not request.secure


def test_an_ssl_context_makes_the_request_secure() -> None:
    context = ssl.create_default_context()
    request = make_mocked_request("GET", "/", sslcontext=context)
    assert request.secure
    assert request.scheme == "https"
    assert request.get_extra_info("sslcontext") is context


def test_a_transport_of_the_tests_own_is_used() -> None:
    transport = mock.Mock()
    transport.get_extra_info.return_value = ("10.0.0.9", 4000)
    request = make_mocked_request("GET", "/", transport=transport)
    assert request.transport is transport
    assert request.remote == "10.0.0.9"


def test_http_1_0_closes_and_closing_is_kept() -> None:
    old = make_mocked_request("GET", "/", version=HttpVersion(1, 0))
    assert not old.keep_alive
    closing = make_mocked_request("GET", "/", closing=True)
    assert not closing.keep_alive


async def test_a_payload_is_the_body_the_handler_reads() -> None:
    payload = StreamReader(loop=asyncio.get_running_loop())
    payload.feed_data(b'{"a": 1}')
    payload.feed_eof()
    request = make_mocked_request(
        "POST",
        "/",
        headers={"Content-Type": "application/json", "Content-Length": "8"},
        payload=payload,
    )
    assert await request.json() == {"a": 1}


async def test_a_body_over_client_max_size_is_refused() -> None:
    payload = StreamReader(loop=asyncio.get_running_loop())
    payload.feed_data(b"x" * 20)
    payload.feed_eof()
    request = make_mocked_request("POST", "/", payload=payload, client_max_size=10)
    with pytest.raises(web.HTTPRequestEntityTooLarge):
        await request.read()


async def test_a_form_over_client_max_fields_is_refused() -> None:
    payload = StreamReader(loop=asyncio.get_running_loop())
    payload.feed_data(b"a=1&b=2&c=3")
    payload.feed_eof()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    request = make_mocked_request(
        "POST", "/", headers=headers, payload=payload, client_max_fields=2
    )
    assert request.client_max_fields == 2
    with pytest.raises(web.HTTPRequestEntityTooLarge):
        await request.post()


async def test_a_stream_response_prepares_against_the_fake_writer() -> None:
    request = make_mocked_request("GET", "/")
    response = web.StreamResponse(status=202)
    response.headers["X-Kind"] = "stream"
    await response.prepare(request)
    await response.write(b"part")
    await response.write_eof()
    assert response.prepared
    writer: Any = request.writer
    writer.write_headers.assert_called_once()
    status_line, headers = writer.write_headers.call_args.args
    assert status_line.startswith("HTTP/1.1 202")
    assert headers["X-Kind"] == "stream"
    writer.write.assert_any_call(b"part")


async def test_on_response_prepare_runs_for_a_mocked_request() -> None:
    app = web.Application()
    seen: list[int] = []

    async def stamp(request: web.Request, response: web.StreamResponse) -> None:
        seen.append(response.status)

    app.on_response_prepare.append(stamp)
    app.freeze()
    request = make_mocked_request("GET", "/", app=app)
    await web.Response(text="x").prepare(request)
    assert seen == [200]


async def test_a_middleware_is_tested_with_a_mocked_handler() -> None:
    @web.middleware
    async def add_header(request: web.Request, handler: Any) -> web.StreamResponse:
        response: web.StreamResponse = await handler(request)
        response.headers["X-Seen"] = "yes"
        return response

    handler = make_mocked_coro(web.Response(text="inner"))
    request = make_mocked_request("GET", "/")
    response = await add_header(request, handler)
    handler.assert_called_once_with(request)
    assert response.headers["X-Seen"] == "yes"


async def test_make_mocked_coro_returns_or_raises() -> None:
    returns = make_mocked_coro(42)
    assert await returns(1, key="v") == 42
    returns.assert_called_once_with(1, key="v")
    assert await make_mocked_coro()() is None
    raises = make_mocked_coro(raise_exception=ValueError("boom"))
    with pytest.raises(ValueError, match="boom"):
        await raises()


def test_outside_a_loop_the_loop_is_a_mock() -> None:
    request = make_mocked_request("GET", "/")
    with pytest.warns(DeprecationWarning, match="loop"):
        loop = request.loop
    assert isinstance(loop, mock.Mock)

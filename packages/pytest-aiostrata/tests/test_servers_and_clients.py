"""``TestServer``, ``RawTestServer`` and ``TestClient`` used directly, without the fixtures."""

from __future__ import annotations

import asyncio
import socket
from typing import assert_type

import aiohttp
import pytest
from yarl import URL

from aiostrata import web
from aiostrata.test_utils import RawTestServer, TestClient, TestServer, unused_port


async def ok(request: web.BaseRequest) -> web.Response:
    return web.Response(text=f"ok {request.raw_path}")


def ok_app() -> web.Application:
    app = web.Application()
    app.router.add_get("/{tail:.*}", ok)
    return app


async def test_async_with_starts_and_closes_server_and_client() -> None:
    async with TestClient(TestServer(ok_app())) as client:
        assert client.server.started
        assert client.scheme == "http"
        assert client.host == "127.0.0.1"
        response = await client.get("/a")
        assert await response.text() == "ok /a"
    assert client.closed
    assert client.server.closed
    assert client.port is None


async def test_make_url_joins_a_path_to_the_root() -> None:
    async with TestServer(ok_app()) as server:
        assert server.make_url("/x?y=1") == URL(f"http://127.0.0.1:{server.port}/x?y=1")
        with pytest.raises(ValueError, match="relative"):
            server.make_url("http://example.com/x")


async def test_skip_url_asserts_lets_make_url_take_anything() -> None:
    async with TestServer(ok_app(), skip_url_asserts=True) as server:
        pasted = server.make_url("//double/slash")
        assert pasted.host == "127.0.0.1"
        assert pasted.path == "//double/slash"
    async with TestServer(ok_app()) as strict:
        with pytest.raises(ValueError, match="relative"):
            strict.make_url("//double/slash")


def test_make_url_before_start_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="not started"):
        TestServer(ok_app()).make_url("/")


async def test_a_given_port_is_used() -> None:
    port = unused_port()
    async with TestServer(ok_app(), port=port) as server:
        assert server.port == port
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass  # connecting is the check: the server listens on the port given


async def test_the_server_listens_on_ipv6_when_asked() -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this host")
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        pytest.skip("::1 cannot be bound on this host")
    async with TestClient(TestServer(ok_app(), host="::1")) as client:
        assert str(client.make_url("/")).startswith("http://[::1]:")
        assert await (await client.get("/v6")).text() == "ok /v6"


async def test_start_server_twice_keeps_one_listener_and_close_is_idempotent() -> None:
    server = TestServer(ok_app())
    await server.start_server()
    port = server.port
    await server.start_server()
    assert server.port == port
    await server.close()
    await server.close()
    assert server.closed
    assert not server.started or server.closed


async def test_handler_property_is_the_low_level_server() -> None:
    async with TestServer(ok_app()) as server:
        assert isinstance(server.handler, web.Server)
    with pytest.raises(RuntimeError, match="not started"):
        _ = TestServer(ok_app()).handler


def test_test_server_refuses_what_is_not_an_aiostrata_app() -> None:
    from aiohttp import web as aiohttp_web

    with pytest.raises(TypeError, match="aiostrata"):
        TestServer(aiohttp_web.Application())  # type: ignore[arg-type]


async def test_test_client_refuses_what_is_not_a_test_server() -> None:
    with pytest.raises(TypeError, match="TestServer"):
        TestClient(ok_app())  # type: ignore[call-overload]


async def test_raw_server_passes_server_options() -> None:
    async with TestClient(RawTestServer(ok, max_line_size=100)) as client:
        assert (await client.get("/short")).status == 200
        too_long = await client.get("/" + "a" * 200)
        assert 400 <= too_long.status < 500


async def test_responses_opened_with_async_with_are_released() -> None:
    async with TestClient(TestServer(ok_app())) as client:
        async with client.get("/r") as response:
            assert response.status == 200
        assert response.closed or response.connection is None


async def test_the_session_is_aiohttps_client_session() -> None:
    async with TestClient(TestServer(ok_app())) as client:
        assert isinstance(client.session, aiohttp.ClientSession)
        async with client.session.get(client.make_url("/direct")) as response:
            assert await response.text() == "ok /direct"
    assert client.session.closed


async def test_a_request_can_be_made_a_task_or_gathered() -> None:
    async with TestClient(TestServer(ok_app())) as client:
        task = asyncio.create_task(client.get("/task"))
        first, second = await asyncio.gather(client.get("/one"), client.head("/two"))
        assert await (await task).text() == "ok /task"
        assert (await first.text(), second.status) == ("ok /one", 200)


async def test_the_client_type_follows_the_server() -> None:
    """As aiohttp's: typed suites annotate ``TestClient[web.Request, web.Application]``."""
    async with TestClient(TestServer(ok_app())) as app_client:
        assert_type(app_client, TestClient[web.Request, web.Application])
        assert_type(app_client.app, web.Application)
        assert isinstance(app_client.app, web.Application)
    async with TestClient(RawTestServer(ok)) as raw_client:
        assert_type(raw_client, TestClient[web.BaseRequest, None])
        assert raw_client.app is None

"""``from aiostrata import web`` offers aiohttp.web's names, wired together."""

from __future__ import annotations

import asyncio

import pytest

from aiostrata import web
from aiostrata.web import abc


def test_the_walking_skeleton_names_are_there() -> None:
    for name in (
        "Application",
        "AppKey",
        "Request",
        "BaseRequest",
        "Response",
        "StreamResponse",
        "json_response",
        "HTTPNotFound",
        "HTTPException",
        "run_app",
        "AppRunner",
        "ServerRunner",
        "Server",
        "TCPSite",
        "UnixSite",
        "SockSite",
        "RouteTableDef",
        "View",
        "middleware",
        "normalize_path_middleware",
        "GracefulExit",
    ):
        assert hasattr(web, name), name
    assert set(web.__all__) <= set(dir(web))


def test_abc_reexports_the_server_interfaces() -> None:
    assert issubclass(web.UrlDispatcher, abc.AbstractRouter)
    assert issubclass(web.View, abc.AbstractView)
    assert abc.AbstractStreamWriter.__abstractmethods__
    assert abc.AbstractAccessLogger.__abstractmethods__ == frozenset({"log"})


async def test_app_served_by_runner_and_site_answers_over_a_socket() -> None:
    routes = web.RouteTableDef()

    @routes.get("/hello/{name}")
    async def hello(request: web.Request) -> web.Response:
        return web.Response(text=f"hello {request.match_info['name']}")

    app = web.Application()
    app.add_routes(routes)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /hello/x HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    data = await asyncio.wait_for(reader.read(), 5)
    writer.close()
    await runner.cleanup()
    assert data.startswith(b"HTTP/1.1 200 OK\r\n")
    assert data.endswith(b"hello x")


async def test_low_level_server_serves_base_requests() -> None:
    async def handler(request: web.BaseRequest) -> web.StreamResponse:
        return web.Response(text=request.method)

    server = web.Server(handler)
    runner = web.ServerRunner(server)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"PUT / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    data = await asyncio.wait_for(reader.read(), 5)
    writer.close()
    assert server.requests_count == 1
    await runner.cleanup()
    assert data.endswith(b"PUT")


def test_make_handler_is_deprecated_but_works() -> None:
    async def main() -> None:
        app = web.Application()
        with pytest.warns(DeprecationWarning, match="make_handler"):
            factory = app.make_handler()
        assert isinstance(factory, web.Server)

    asyncio.run(main())

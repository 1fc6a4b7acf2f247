"""Nothing is lost on shutdown: in-flight requests finish, then hooks run in order."""

from __future__ import annotations

import asyncio

from wire import read_response

from aiostrata.web_app import Application
from aiostrata.web_request import Request
from aiostrata.web_response import Response
from aiostrata.web_runner import AppRunner, TCPSite


async def test_in_flight_request_finishes_during_cleanup() -> None:
    app = Application()
    started = asyncio.Event()
    events: list[str] = []

    async def slow(request: Request) -> Response:
        started.set()
        await asyncio.sleep(0.3)
        events.append("handler done")
        return Response(text="finished")

    async def on_shutdown(app: Application) -> None:
        events.append("on_shutdown")

    async def on_cleanup(app: Application) -> None:
        events.append("on_cleanup")

    app.router.add_get("/slow", slow)
    app.on_shutdown.append(on_shutdown)
    app.on_cleanup.append(on_cleanup)
    runner = AppRunner(app, shutdown_timeout=5)
    await runner.setup()
    site = TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]

    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
    await asyncio.wait_for(started.wait(), 5)
    cleanup = asyncio.create_task(runner.cleanup())
    response = await read_response(reader)
    await asyncio.wait_for(cleanup, 5)
    writer.close()

    assert response.endswith(b"finished")
    assert events == ["on_shutdown", "handler done", "on_cleanup"]


async def test_new_connections_are_refused_after_cleanup() -> None:
    app = Application()
    runner = AppRunner(app)
    await runner.setup()
    site = TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    await runner.cleanup()
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return
    writer.close()
    raise AssertionError("the port still accepts connections")


async def test_handler_past_the_timeout_is_cancelled() -> None:
    app = Application()
    started = asyncio.Event()
    cancelled = asyncio.Event()

    async def stuck(request: Request) -> Response:
        started.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return Response(text="never")

    app.router.add_get("/stuck", stuck)
    runner = AppRunner(app, shutdown_timeout=0.2)
    await runner.setup()
    site = TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /stuck HTTP/1.1\r\nHost: t\r\n\r\n")
    await asyncio.wait_for(started.wait(), 5)
    await asyncio.wait_for(runner.cleanup(), 5)
    writer.close()
    assert cancelled.is_set()


async def test_responses_during_shutdown_say_connection_close() -> None:
    app = Application()
    started = asyncio.Event()

    async def slow(request: Request) -> Response:
        started.set()
        await asyncio.sleep(0.2)
        return Response(text="finished")

    app.router.add_get("/slow", slow)
    runner = AppRunner(app, shutdown_timeout=5)
    await runner.setup()
    site = TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
    await asyncio.wait_for(started.wait(), 5)
    cleanup = asyncio.create_task(runner.cleanup())
    response = await read_response(reader)
    await asyncio.wait_for(cleanup, 5)
    writer.close()
    assert b"\r\nConnection: close\r\n" in response

"""A client that closes (FIN) while its answer is being made is gone; one that half-closes
after sending its requests still gets every answer."""

from __future__ import annotations

import asyncio

from wire import ServeApp, read_response

from aiostrata.web_app import Application
from aiostrata.web_request import Request
from aiostrata.web_response import Response, StreamResponse

GET = b"GET /%s HTTP/1.1\r\nHost: t\r\n\r\n"


async def test_with_handler_cancellation_a_fin_cancels_the_running_handler(
    serve_app: ServeApp,
) -> None:
    outcome: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    async def waits_forever(request: Request) -> Response:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            outcome.set_result("cancelled")
            raise
        return Response(text="never")

    app = Application()
    app.router.add_get("/wait", waits_forever)
    _, port = await serve_app(app, handler_cancellation=True)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(GET % b"wait")
        await asyncio.sleep(0.05)  # the handler is running
        writer.write_eof()
        assert await asyncio.wait_for(outcome, 5) == "cancelled"
        assert await asyncio.wait_for(reader.read(), 5) == b""  # closed, no answer
    finally:
        writer.close()


async def test_a_streaming_handler_learns_its_client_left(serve_app: ServeApp) -> None:
    """Server-sent events: the client closes while events flow; writing fails soon after."""
    outcome: asyncio.Future[tuple[str, bool]] = asyncio.get_running_loop().create_future()

    async def events(request: Request) -> StreamResponse:
        response = StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        try:
            for _ in range(150):  # 3 seconds at most
                await response.write(b"data: tick\n\n")
                await asyncio.sleep(0.02)
        except ConnectionError:
            outcome.set_result(("write failed", request.transport is None))
            raise
        outcome.set_result(("client never left", False))
        return response

    app = Application()
    app.router.add_get("/events", events)
    _, port = await serve_app(app)  # handler_cancellation is off by default
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(GET % b"events")
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        assert head.startswith(b"HTTP/1.1 200 OK\r\n")
        writer.write_eof()  # the client leaves; its socket still reads
        assert await asyncio.wait_for(outcome, 5) == ("write failed", True)
    finally:
        writer.close()


async def test_requests_pipelined_before_a_half_close_are_all_answered(
    serve_app: ServeApp,
) -> None:
    async def slow_stream(request: Request) -> StreamResponse:
        response = StreamResponse()
        response.content_length = 6
        await response.prepare(request)
        for piece in (b"ab", b"cd", b"ef"):
            await response.write(piece)
            await asyncio.sleep(0.03)
        return response

    async def quick(request: Request) -> Response:
        return Response(text="quick")

    app = Application()
    app.router.add_get("/slow", slow_stream)
    app.router.add_get("/quick", quick)
    _, port = await serve_app(app, handler_cancellation=True)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(GET % b"slow" + GET % b"quick")
        writer.write_eof()
        first = await read_response(reader)
        second = await read_response(reader)
    finally:
        writer.close()
    assert first.endswith(b"\r\n\r\nabcdef")
    assert second.endswith(b"quick")

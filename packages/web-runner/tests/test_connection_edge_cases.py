"""Half-closes, back-pressure, shutdown during an upload, failures mid-response."""

from __future__ import annotations

import asyncio
import socket

from wire import ServeApp, exchange, read_response

from aiostrata.web_app import Application
from aiostrata.web_request import Request
from aiostrata.web_response import Response, StreamResponse
from aiostrata.web_runner import AppRunner, TCPSite


async def test_half_closed_client_still_gets_its_response(serve_app: ServeApp) -> None:
    app = Application()

    async def ok(request: Request) -> Response:
        await asyncio.sleep(0.05)
        return Response(text="after half-close")

    app.router.add_get("/", ok)
    _, port = await serve_app(app)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
    writer.write_eof()
    data = await asyncio.wait_for(reader.read(), 5)
    writer.close()
    assert data.startswith(b"HTTP/1.1 200 OK\r\n")
    assert data.endswith(b"after half-close")


async def test_unread_upload_stops_reading_the_socket(serve_app: ServeApp) -> None:
    """A handler that never reads must not make the server buffer an unbounded upload."""
    app = Application()
    release = asyncio.Event()
    seen: list[int] = []

    async def slow_reader(request: Request) -> Response:
        await release.wait()
        total = 0
        async for piece in request.content.iter_any():
            total += len(piece)
        seen.append(total)
        return Response(text="read")

    app.router.add_post("/", slow_reader)
    _, port = await serve_app(app, read_bufsize=2**14)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    size = 64 * 2**20  # more than the kernel buffers of both sockets can hold
    writer.write(f"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: {size}\r\n\r\n".encode())
    chunk = b"x" * 2**16
    sent = 0
    stalled = False
    while sent < size:
        writer.write(chunk)
        sent += len(chunk)
        try:
            await asyncio.wait_for(writer.drain(), 0.5)
        except TimeoutError:
            stalled = True  # the server stopped reading: back-pressure reached the client
            break
    assert stalled
    assert sent < size
    release.set()
    remaining = size - sent
    while remaining:
        piece = chunk[: min(len(chunk), remaining)]
        writer.write(piece)
        remaining -= len(piece)
        await asyncio.wait_for(writer.drain(), 10)
    response = await read_response(reader, timeout=10)
    writer.close()
    assert response.endswith(b"read")
    assert seen == [size]


async def test_upload_in_flight_during_shutdown_is_completed() -> None:
    app = Application()
    started = asyncio.Event()

    async def upload(request: Request) -> Response:
        started.set()
        return Response(text=str(len(await request.read())))

    app.router.add_post("/", upload)
    runner = AppRunner(app, shutdown_timeout=5)
    await runner.setup()
    site = TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n01234")
    await asyncio.wait_for(started.wait(), 5)
    cleanup = asyncio.create_task(runner.cleanup())
    await asyncio.sleep(0.1)
    writer.write(b"56789")
    response = await read_response(reader)
    await asyncio.wait_for(cleanup, 5)
    writer.close()
    assert response.endswith(b"\r\n\r\n10")


async def test_failure_after_streaming_started_closes_the_connection(
    serve_app: ServeApp,
) -> None:
    app = Application()

    async def broken_stream(request: Request) -> StreamResponse:
        response = StreamResponse()
        response.content_type = "text/plain"
        await response.prepare(request)
        await response.write(b"partial")
        raise RuntimeError("boom mid-stream")

    app.router.add_get("/", broken_stream)
    _, port = await serve_app(app)
    data = await exchange(port, b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 200 OK\r\n")
    assert data.count(b"HTTP/1.1") == 1  # no second response glued to the first
    assert b"partial" in data


async def test_early_413_reaches_a_client_still_sending_its_upload(serve_app: ServeApp) -> None:
    """Lingering close: answering before the body arrived must not reset the connection."""
    app = Application(client_max_size=2**20)

    async def upload(request: Request) -> Response:
        await request.read()  # refused from Content-Length alone
        return Response(text="unreachable")

    app.router.add_post("/", upload)
    _, port = await serve_app(app)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    size = 16 * 2**20
    writer.write(f"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: {size}\r\n\r\n".encode())

    async def send_body() -> None:
        chunk = b"x" * 2**16
        try:
            for _ in range(size // len(chunk)):
                writer.write(chunk)
                await writer.drain()
        except ConnectionError:
            pass

    await asyncio.wait_for(send_body(), 15)  # like clients that send it all, then read
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    writer.close()
    assert head.startswith(b"HTTP/1.1 413 ")


async def test_a_body_that_stops_arriving_is_a_408(serve_app: ServeApp) -> None:
    app = Application()

    async def upload(request: Request) -> Response:
        return Response(body=await request.read())

    app.router.add_post("/", upload)
    _, port = await serve_app(app, body_read_timeout=0.3)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n012")
    data = await asyncio.wait_for(reader.read(), 5)
    writer.close()
    assert data.startswith(b"HTTP/1.1 408 Request Timeout\r\n")


async def test_pipelined_large_answers_to_a_client_that_reads_nothing_are_held_back(
    serve_app: ServeApp,
) -> None:
    """Each large answer (head and body in one gathered write) waits for the one before it
    to drain, also on the Pythons whose ``writelines`` does not pause (CVE-2024-12254)."""
    app = Application()
    answered: list[int] = []
    body = b"d" * 2**20

    async def download(request: Request) -> Response:
        answered.append(len(answered))
        return Response(body=body)

    app.router.add_get("/", download)
    _, port = await serve_app(app)
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    client = writer.transport.get_extra_info("socket")
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2**16)
    writer.write(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n" * 64)  # 64 MiB of answers, none read
    await writer.drain()
    await asyncio.sleep(0.5)
    # The kernel buffers take a few MiB at most: the rest waits, unanswered, in the server.
    assert 1 <= len(answered) < 16
    writer.transport.abort()

"""Slow clients over real sockets: each kind is closed by its time bound, a legal one is not.

The bounds are configured short (fractions of a second) so that each test
takes a few seconds; the defaults are checked separately.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from wire import ServeApp, read_response

from aiostrata.web_app import Application
from aiostrata.web_request import Request
from aiostrata.web_response import Response
from aiostrata.web_runner import Server

pytestmark = pytest.mark.timeout(30)

SHORT = {
    "initial_idle_timeout": 0.5,
    "header_timeout": 1.0,
    "header_timeout_max": 2.0,
    "header_min_rate": 100.0,
    "body_min_rate": 100.0,
    "body_rate_grace": 1.0,
}
HEAD = b"GET / HTTP/1.1\r\nHost: t\r\nUser-Agent: a-slow-client\r\n\r\n"


def make_app() -> Application:
    app = Application()

    async def ok(request: Request) -> Response:
        return Response(text="ok")

    async def upload(request: Request) -> Response:
        body = await request.read()
        return Response(text=str(len(body)))

    async def slow_reader(request: Request) -> Response:
        """Reads its body slowly on purpose: the client is never to blame for that."""
        total = 0
        while True:
            chunk = await request.content.read(10)
            if not chunk:
                break
            total += len(chunk)
            await asyncio.sleep(0.3)
        return Response(text=str(total))

    app.router.add_get("/", ok)
    app.router.add_post("/upload", upload)
    app.router.add_post("/slow-reader", slow_reader)
    return app


async def _read_until_closed(reader: asyncio.StreamReader, limit: float) -> tuple[bytes, float]:
    """Everything the server sends until it closes, and how long that took."""
    start = time.monotonic()
    data = await asyncio.wait_for(reader.read(), limit)
    return data, time.monotonic() - start


async def _trickle(writer: asyncio.StreamWriter, data: bytes, step: int, pause: float) -> None:
    """Send ``data`` ``step`` bytes at a time; stop quietly once the server has closed."""
    for i in range(0, len(data), step):
        if writer.is_closing():
            return
        writer.write(data[i : i + step])
        try:
            await writer.drain()
        except ConnectionError:
            return
        await asyncio.sleep(pause)


async def test_a_connection_that_sends_nothing_is_closed_silently(serve_app: ServeApp) -> None:
    _, port = await serve_app(make_app(), **SHORT)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        data, took = await _read_until_closed(reader, 5.0)
    finally:
        writer.close()
    assert data == b""  # no 408 to a connection that never asked anything
    assert 0.4 <= took < 2.0


async def test_a_head_sent_in_bursts_that_never_ends_gets_408(serve_app: ServeApp) -> None:
    _, port = await serve_app(make_app(), **SHORT)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    unfinished = b"GET / HTTP/1.1\r\nHost: t\r\n" + b"X-Filler: abcdef\r\n" * 40
    sender = asyncio.create_task(_trickle(writer, unfinished, 5, 0.05))
    try:
        data, took = await _read_until_closed(reader, 10.0)
    finally:
        sender.cancel()
        writer.close()
    assert data.startswith(b"HTTP/1.1 408 ")
    assert b"Connection: close" in data
    assert took < 4.0  # header_timeout_max is 2 s, from the connection


async def test_a_head_sent_one_byte_at_a_time_slowly_gets_408(serve_app: ServeApp) -> None:
    _, port = await serve_app(make_app(), **SHORT)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    sender = asyncio.create_task(_trickle(writer, HEAD * 4, 1, 0.2))
    try:
        data, took = await _read_until_closed(reader, 10.0)
    finally:
        sender.cancel()
        writer.close()
    assert data.startswith(b"HTTP/1.1 408 ")
    assert 0.8 <= took < 3.0


async def test_a_later_head_is_timed_from_its_own_first_byte(serve_app: ServeApp) -> None:
    """After a request, the keep-alive wait is not the head's: its clock starts with its bytes."""
    _, port = await serve_app(make_app(), **SHORT)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(HEAD)
        assert (await read_response(reader)).startswith(b"HTTP/1.1 200 ")
        await asyncio.sleep(1.5)  # idle longer than header_timeout, well within keep-alive
        writer.write(HEAD[:10])
        await asyncio.sleep(0.5)
        writer.write(HEAD[10:])
        assert (await read_response(reader)).startswith(b"HTTP/1.1 200 ")
        writer.write(HEAD[:10])  # and this one never ends
        data, took = await _read_until_closed(reader, 5.0)
    finally:
        writer.close()
    assert data.startswith(b"HTTP/1.1 408 ")
    assert 0.8 <= took < 3.0


async def test_a_client_idle_after_its_first_request_is_not_cut_early(
    serve_app: ServeApp,
) -> None:
    """The silent-connection bound is for connections that never sent anything."""
    _, port = await serve_app(make_app(), **SHORT)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(HEAD)  # a whole head in one write: served by the fast lane
        assert (await read_response(reader)).startswith(b"HTTP/1.1 200 ")
        await asyncio.sleep(1.5)  # past initial_idle_timeout and header_timeout
        writer.write(HEAD)
        assert (await read_response(reader)).startswith(b"HTTP/1.1 200 ")
    finally:
        writer.close()


async def test_a_body_trickled_too_slowly_gets_408(serve_app: ServeApp) -> None:
    _, port = await serve_app(make_app(), **SHORT)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n")
    sender = asyncio.create_task(_trickle(writer, b"x" * 100, 1, 0.5))
    try:
        data, took = await _read_until_closed(reader, 10.0)
    finally:
        sender.cancel()
        writer.close()
    assert data.startswith(b"HTTP/1.1 408 ")
    assert b"Connection: close" in data
    # The per-read timeout (60 s) would never fire; the rate bound does after its grace.
    assert 0.8 <= took < 3.0


async def test_a_slow_but_legal_client_is_served(serve_app: ServeApp) -> None:
    """A head and a body that each keep up with the minimum rates get through."""
    _, port = await serve_app(make_app(), **SHORT)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    body = b"y" * 600
    head = b"POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 600\r\n\r\n"
    try:
        await _trickle(writer, head, 20, 0.1)  # ~200 bytes/s, whole within 0.4 s
        await _trickle(writer, body, 30, 0.1)  # ~300 bytes/s for 2 s: above 100 bytes/s
        response = await read_response(reader, timeout=5.0)
    finally:
        writer.close()
    assert response.startswith(b"HTTP/1.1 200 ")
    assert response.endswith(b"600")


async def test_a_handler_reading_slowly_on_purpose_is_not_the_clients_fault(
    serve_app: ServeApp,
) -> None:
    """Only time spent waiting on an empty buffer counts against the client."""
    _, port = await serve_app(make_app(), **SHORT)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(b"POST /slow-reader HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n")
        writer.write(b"z" * 100)  # all at once; the handler takes ~3 s to read it
        response = await read_response(reader, timeout=10.0)
    finally:
        writer.close()
    assert response.startswith(b"HTTP/1.1 200 ")
    assert response.endswith(b"100")


async def test_time_bounds_can_be_disabled(serve_app: ServeApp) -> None:
    _, port = await serve_app(
        make_app(), initial_idle_timeout=None, header_timeout=None, body_min_rate=None
    )
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        await asyncio.sleep(0.3)
        writer.write(HEAD[:5])
        await asyncio.sleep(0.3)
        writer.write(HEAD[5:])
        assert (await read_response(reader)).startswith(b"HTTP/1.1 200 ")
    finally:
        writer.close()


async def test_the_defaults_follow_mod_reqtimeout() -> None:
    async def ok(request: object) -> Response:
        return Response()

    handler = Server(ok)()
    bounds = handler._time_bounds
    assert (bounds.header_timeout, bounds.header_timeout_max, bounds.header_min_rate) == (
        20.0,
        40.0,
        500.0,
    )
    assert (bounds.body_rate_grace, bounds.body_min_rate) == (20.0, 500.0)
    assert bounds.initial_idle_timeout is not None
    assert bounds.initial_idle_timeout < handler.keepalive_timeout


@pytest.mark.parametrize(
    "kwargs",
    [
        {"header_timeout": 0},
        {"initial_idle_timeout": -1},
        {"body_min_rate": 0},
        {"header_timeout": 10, "header_timeout_max": 5},
        {"header_min_rate": -1},
    ],
)
async def test_nonsense_bounds_are_refused(kwargs: dict[str, Any]) -> None:
    async def ok(request: object) -> Response:
        return Response()

    with pytest.raises(ValueError, match="must"):
        Server(ok, **kwargs)()

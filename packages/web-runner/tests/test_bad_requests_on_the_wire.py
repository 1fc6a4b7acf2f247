"""A client's mistake gets a clear 4xx and a closed connection, never a 500 or a hang."""

from __future__ import annotations

import asyncio

import pytest
from wire import ServeApp, exchange

from aiostrata.web_app import Application
from aiostrata.web_request import Request
from aiostrata.web_response import Response


def make_app() -> Application:
    app = Application()

    async def ok(request: Request) -> Response:
        return Response(text="ok")

    app.router.add_get("/", ok)
    app.router.add_post("/items", ok)
    return app


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"GET / HTTP/1.1\r\nHost: t\r\nBad Header: x\r\n\r\n", b"400"),
        (b"GET / HTTP/1.1\r\nHost: t\r\n folded\r\n\r\n", b"400"),
        (b"GET /\x01 HTTP/1.1\r\nHost: t\r\n\r\n", b"400"),
        (b"GET / HTTP/1.1\r\n\r\n", b"400"),
        (b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", b"400"),
        (b"GET / HTTP/3.0\r\nHost: t\r\n\r\n", b"505"),
        (b"GET / HTTP/1.1\nHost: t\r\n\r\n", b"400"),
        (
            b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n",
            b"400",
        ),
        (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: t\r\n\r\n", b"414"),
        (b"GET / HTTP/1.1\r\nHost: t\r\nX: " + b"v" * 9000 + b"\r\n\r\n", b"431"),
    ],
)
async def test_malformed_request_gets_its_status_and_a_closed_connection(
    serve_app: ServeApp, raw: bytes, status: bytes
) -> None:
    _, port = await serve_app(make_app())
    data = await exchange(port, raw)
    status_line = data.split(b"\r\n", 1)[0]
    assert status_line.startswith(b"HTTP/1.1 " + status + b" ")
    assert b"Connection: close" in data


async def test_unknown_path_is_404(serve_app: ServeApp) -> None:
    _, port = await serve_app(make_app())
    data = await exchange(port, b"GET /missing HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 404 Not Found\r\n")


async def test_wrong_method_is_405_with_allow(serve_app: ServeApp) -> None:
    _, port = await serve_app(make_app())
    data = await exchange(port, b"DELETE /items HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 405 Method Not Allowed\r\n")
    assert b"\r\nAllow: POST\r\n" in data


async def test_good_requests_before_a_bad_one_are_answered_first(serve_app: ServeApp) -> None:
    _, port = await serve_app(make_app())
    data = await exchange(
        port, b"GET / HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\nHost: u\r\n\r\n"
    )
    assert data.startswith(b"HTTP/1.1 200 OK\r\n")
    assert data.count(b"HTTP/1.1 400 Bad Request") == 1


async def test_handler_error_is_a_500_and_the_server_keeps_serving(
    serve_app: ServeApp, caplog: pytest.LogCaptureFixture
) -> None:
    app = Application()

    async def broken(request: Request) -> Response:
        raise RuntimeError("boom")

    async def ok(request: Request) -> Response:
        return Response(text="ok")

    app.router.add_get("/broken", broken)
    app.router.add_get("/ok", ok)
    _, port = await serve_app(app)
    data = await exchange(port, b"GET /broken HTTP/1.1\r\nHost: t\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 500 Internal Server Error\r\n")
    assert b"boom" not in data  # no traceback leaks without debug
    assert "boom" in caplog.text
    data = await exchange(port, b"GET /ok HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    assert data.endswith(b"ok")


async def test_truncated_head_then_close_does_not_hang_the_server(serve_app: ServeApp) -> None:
    _, port = await serve_app(make_app())
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET / HTTP/1.1\r\nHost:")
    writer.write_eof()
    data = await asyncio.wait_for(reader.read(), 5)
    writer.close()
    assert data == b"" or data.startswith(b"HTTP/1.1 400")


async def test_idle_connection_is_closed_after_keepalive_timeout(serve_app: ServeApp) -> None:
    _, port = await serve_app(make_app(), keepalive_timeout=0.2)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    data = await asyncio.wait_for(reader.read(), 5)
    writer.close()
    assert data == b""


async def test_too_many_pipelined_requests_pause_reading_but_all_are_answered(
    serve_app: ServeApp,
) -> None:
    _, port = await serve_app(make_app())
    count = 200
    raw = b"GET / HTTP/1.1\r\nHost: t\r\n\r\n" * (count - 1)
    raw += b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
    data = await exchange(port, raw, timeout=20)
    assert data.count(b"HTTP/1.1 200 OK") == count


async def test_a_flood_of_pipelined_requests_then_a_half_close_is_answered_in_full(
    serve_app: ServeApp,
) -> None:
    """The backlog holds requests back unparsed; a half-close must not cut them off."""
    _, port = await serve_app(make_app(), max_pipelined=4)
    count = 500
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n" * count)
    writer.write_eof()
    data = await asyncio.wait_for(reader.read(), 20)
    writer.close()
    assert data.count(b"HTTP/1.1 200 OK") == count


async def test_connection_idle_after_a_request_is_closed_after_keepalive_timeout(
    serve_app: ServeApp,
) -> None:
    _, port = await serve_app(make_app(), keepalive_timeout=0.3)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
    first = await asyncio.wait_for(reader.readuntil(b"ok"), 5)
    rest = await asyncio.wait_for(reader.read(), 5)  # the server closes once idle
    writer.close()
    assert first.startswith(b"HTTP/1.1 200 OK\r\n")
    assert rest == b""

"""Hostile and malformed traffic over real sockets: never a 5xx, never a hang, the server lives."""

from __future__ import annotations

import asyncio
import random

import pytest
from wire import ServeApp

from aiostrata.web_app import Application
from aiostrata.web_request import Request
from aiostrata.web_response import Response

HOSTILE = [
    b"\x00" * 100,
    b"\xff\xfe" * 200 + b"\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 99999999999999999999\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n",
    b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n",
    b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
    b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
    + b"X: y\r\n" * 500,
    b"GET / HTTP/1.1\r\nHost: t\r\n" + b"X-A: b\r\n" * 5000 + b"\r\n",
    b"GET /" + b"%" * 20000 + b" HTTP/1.1\r\nHost: t\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: t\r\nCookie: " + b"a=b; " * 3000 + b"\r\n\r\n",
    b"\r\n" * 10000,
    b"GET / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
    b"Transfer-Encoding: chunked\r\n\r\n",
    b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Encoding: gzip\r\n\r\nxxxxx",
    b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; boundary=x\r\n"
    b"Content-Length: 10\r\n\r\n--x\r\n\r\nab",
    b"GET / HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
    + b"\x81" * 50,
    b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n\x16\x03\x01",
    b"GET http://[::1 HTTP/1.1\r\nHost: t\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: t\r\nRange: bytes=99999999999999999999-\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: t\r\nIf-Modified-Since: \xff\xff\r\n\r\n",
    b"OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n",
]


def make_app() -> Application:
    app = Application()

    async def ok(request: Request) -> Response:
        _ = request.http_range if "Range" in request.headers else None
        _ = request.if_modified_since, request.cookies
        return Response(text="ok")

    async def echo(request: Request) -> Response:
        form = await request.post()
        return Response(body=await request.read() if not form else b"form")

    app.router.add_get("/", ok)
    app.router.add_post("/echo", echo)
    return app


async def _send(port: int, data: bytes, *, half_close: bool) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(data)
        if half_close:
            writer.write_eof()
        return await asyncio.wait_for(reader.read(), 10)
    except ConnectionError:
        return b""
    finally:
        writer.close()


def _statuses(data: bytes) -> list[int]:
    return [int(line.split(b" ")[1]) for line in data.split(b"\r\n") if line.startswith(b"HTTP/1.")]


@pytest.mark.parametrize("half_close", [True, False])
@pytest.mark.parametrize("data", HOSTILE, ids=range(len(HOSTILE)))
async def test_hostile_input_is_never_a_5xx_or_a_hang(
    serve_app: ServeApp, data: bytes, half_close: bool, caplog: pytest.LogCaptureFixture
) -> None:
    _, port = await serve_app(
        make_app(), keepalive_timeout=1.0, lingering_time=1.0, body_read_timeout=1.0
    )
    answer = await _send(port, data, half_close=half_close)
    assert all(status < 500 for status in _statuses(answer)), answer[:300]
    assert "Traceback" not in caplog.text
    healthy = await _send(
        port, b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", half_close=False
    )
    assert healthy.startswith(b"HTTP/1.1 200 OK\r\n")


async def test_random_bytes_never_break_the_server(serve_app: ServeApp) -> None:
    _, port = await serve_app(
        make_app(), keepalive_timeout=0.5, lingering_time=0.5, body_read_timeout=0.5
    )
    rng = random.Random(1234)
    seeds = [b"GET / HTTP/1.1\r\nHost: t\r\n\r\n", HOSTILE[4], HOSTILE[13]]
    for _ in range(40):
        data = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 6)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        answer = await _send(port, bytes(data), half_close=True)
        assert all(status < 500 for status in _statuses(answer)), (bytes(data), answer[:200])
    healthy = await _send(
        port, b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", half_close=False
    )
    assert healthy.startswith(b"HTTP/1.1 200 OK\r\n")

"""Request bodies sent with a Content-Encoding, decoded lazily and bounded, over real sockets."""

from __future__ import annotations

import asyncio
import gc
import tracemalloc
import zlib
from http import HTTPStatus

import pytest
from decoding_uploads import ONE_MIB, compress, exchange_tolerating_reset, post
from wire import ServeApp, exchange, read_response

from aiostrata.http_parser import StreamReader
from aiostrata.web_app import Application
from aiostrata.web_request import Request
from aiostrata.web_response import Response

BODY = b"".join(b"%05d: a line of an uploaded document\n" % i for i in range(5000))
CODINGS = ("gzip", "x-gzip", "deflate", "br", "zstd")


class Calls:
    """What the handlers saw."""

    def __init__(self) -> None:
        self.count = 0
        self.streams: list[StreamReader] = []


def make_app(calls: Calls) -> Application:
    app = Application(client_max_size=4 * ONE_MIB)

    async def echo(request: Request) -> Response:
        calls.count += 1
        return Response(body=await request.read())

    async def count(request: Request) -> Response:
        calls.count += 1
        total = 0
        async for block in request.content.iter_any():
            total += len(block)
        return Response(text=str(total))

    async def ignore(request: Request) -> Response:
        calls.count += 1
        calls.streams.append(request.content)
        return Response(text="ignored")

    app.router.add_post("/echo", echo)
    app.router.add_post("/count", count)
    app.router.add_post("/ignore", ignore)
    app.router.add_get("/", ignore)
    return app


def zero_bomb(coding: str, size: int) -> bytes:
    """``size`` zero bytes compressed with ``coding``, compressed a MiB at a time."""
    zeros = bytes(ONE_MIB)
    if coding == "gzip":
        compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
        parts = [compressor.compress(zeros) for _ in range(size // ONE_MIB)]
        return b"".join(parts) + compressor.flush()
    return compress(coding, bytes(size))


@pytest.mark.parametrize("coding", CODINGS)
async def test_a_compressed_upload_is_echoed_back_decoded(serve_app: ServeApp, coding: str) -> None:
    calls = Calls()
    _, port = await serve_app(make_app(calls))
    request = post(
        "/echo", compress(coding, BODY), f"Content-Encoding: {coding}", "Connection: close"
    )
    response = await exchange(port, request)
    assert response.startswith(b"HTTP/1.1 200 OK\r\n")
    assert response.endswith(b"\r\n\r\n" + BODY)


async def test_a_chunked_gzip_upload_is_decoded(serve_app: ServeApp) -> None:
    _, port = await serve_app(make_app(Calls()))
    compressed = compress("gzip", BODY)
    chunks = b"".join(
        b"%x\r\n%s\r\n" % (len(compressed[i : i + 1000]), compressed[i : i + 1000])
        for i in range(0, len(compressed), 1000)
    )
    request = (
        b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Encoding: GZIP\r\nConnection: close\r\n\r\n" + chunks + b"0\r\n\r\n"
    )
    response = await exchange(port, request)
    assert response.endswith(b"\r\n\r\n" + BODY)


@pytest.mark.parametrize(
    ("coding", "size"),
    [
        ("gzip", 64 * ONE_MIB),
        ("deflate", 64 * ONE_MIB),
        ("br", 1024 * ONE_MIB),
        ("zstd", 1024 * ONE_MIB),
    ],
)
async def test_a_bomb_upload_gets_413_in_bounded_server_memory(
    serve_app: ServeApp, coding: str, size: int
) -> None:
    bomb = zero_bomb(coding, size)
    calls = Calls()
    _, port = await serve_app(make_app(calls), max_decompressed_size=8 * ONE_MIB)
    request = post("/count", bomb, f"Content-Encoding: {coding}")
    gc.collect()
    tracemalloc.start()
    try:
        response = await exchange_tolerating_reset(port, request)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The reason phrase is the running Python's (3.13 took RFC 9110's "Content Too Large").
    status_line = f"HTTP/1.1 413 {HTTPStatus(413).phrase}\r\n".encode()
    assert response.startswith(status_line), response[:200]
    assert b"Connection: close" in response
    assert calls.count == 1
    assert peak < 16 * ONE_MIB, f"peak {peak / ONE_MIB:.1f} MiB"


async def test_read_of_a_bomb_stops_at_client_max_size(serve_app: ServeApp) -> None:
    _, port = await serve_app(make_app(Calls()))
    request = post(
        "/echo", zero_bomb("gzip", 16 * ONE_MIB), "Content-Encoding: gzip", "Connection: close"
    )
    response = await exchange_tolerating_reset(port, request)
    assert response.startswith(b"HTTP/1.1 413 "), response[:200]


async def test_a_corrupt_compressed_upload_is_a_400(serve_app: ServeApp) -> None:
    _, port = await serve_app(make_app(Calls()))
    request = post("/echo", b"not gzip at all" * 20, "Content-Encoding: gzip")
    response = await exchange(port, request)
    assert response.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert b"Corrupt gzip body" in response


async def test_a_truncated_compressed_upload_is_a_400(serve_app: ServeApp) -> None:
    _, port = await serve_app(make_app(Calls()))
    compressed = compress("gzip", BODY)[:-10]
    response = await exchange(port, post("/echo", compressed, "Content-Encoding: gzip"))
    assert response.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert b"Truncated gzip body" in response


@pytest.mark.parametrize("coding", ["compress", "aes128gcm", "gzip, br", "gzip, gzip"])
async def test_an_unsupported_coding_gets_415_without_running_the_handler(
    serve_app: ServeApp, coding: str
) -> None:
    calls = Calls()
    _, port = await serve_app(make_app(calls))
    body = compress("gzip", BODY)
    response = await exchange(
        port, post("/echo", body, f"Content-Encoding: {coding}") + post("/echo", b"next")
    )
    head = response.split(b"\r\n\r\n", 1)[0]
    assert head.startswith(b"HTTP/1.1 415 Unsupported Media Type\r\n")
    assert b"\r\nAccept-Encoding: gzip, deflate" in head
    assert b"\r\nConnection: close" in head
    assert response.count(b"HTTP/1.1 ") == 1  # the connection closed after the 415
    assert calls.count == 0


async def test_a_pipelined_request_before_the_415_is_answered_first(serve_app: ServeApp) -> None:
    calls = Calls()
    _, port = await serve_app(make_app(calls))
    response = await exchange(
        port, post("/echo", b"first") + post("/echo", b"x", "Content-Encoding: compress")
    )
    assert response.startswith(b"HTTP/1.1 200 OK\r\n")
    assert response.index(b"first") < response.index(b"HTTP/1.1 415 ")
    assert calls.count == 1


async def test_a_bodyless_request_with_an_unknown_coding_is_served(serve_app: ServeApp) -> None:
    calls = Calls()
    _, port = await serve_app(make_app(calls))
    response = await exchange(
        port,
        b"GET / HTTP/1.1\r\nHost: t\r\nContent-Encoding: compress\r\nConnection: close\r\n\r\n",
    )
    assert response.startswith(b"HTTP/1.1 200 OK\r\n")
    assert calls.count == 1


async def test_without_auto_decompress_the_handler_gets_the_compressed_bytes(
    serve_app: ServeApp,
) -> None:
    calls = Calls()
    _, port = await serve_app(make_app(calls), auto_decompress=False)
    compressed = compress("gzip", BODY)
    request = post("/echo", compressed, "Content-Encoding: gzip", "Connection: close")
    response = await exchange(port, request)
    assert response.endswith(b"\r\n\r\n" + compressed)
    unknown = post("/echo", b"opaque", "Content-Encoding: compress", "Connection: close")
    assert (await exchange(port, unknown)).endswith(b"\r\n\r\nopaque")


async def test_an_unread_compressed_body_is_discarded_without_inflating(
    serve_app: ServeApp,
) -> None:
    calls = Calls()
    _, port = await serve_app(make_app(calls))
    bomb = zero_bomb("gzip", 256 * ONE_MIB)  # ~256 KiB on the wire, within the discard bound
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(post("/ignore", bomb, "Content-Encoding: gzip") + post("/echo", b"next"))
        first = await read_response(reader)
        second = await read_response(reader)
    finally:
        writer.close()
    assert first.endswith(b"\r\n\r\nignored")
    assert second.startswith(b"HTTP/1.1 200 OK\r\n")
    assert second.endswith(b"\r\n\r\nnext")
    assert calls.count == 2
    assert calls.streams[0].total_bytes == 0  # not one byte was decoded


async def test_a_partly_read_compressed_body_is_discarded_raw(serve_app: ServeApp) -> None:
    app = make_app(Calls())
    decoded: list[StreamReader] = []

    async def read_a_little(request: Request) -> Response:
        decoded.append(request.content)
        return Response(body=await request.content.readexactly(10))

    app.router.add_post("/little", read_a_little)
    _, port = await serve_app(app)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        request = post("/little", zero_bomb("gzip", 64 * ONE_MIB), "Content-Encoding: gzip")
        writer.write(request + post("/echo", b"after"))
        first = await read_response(reader)
        second = await read_response(reader)
    finally:
        writer.close()
    assert first.endswith(b"\r\n\r\n" + bytes(10))
    assert second.endswith(b"\r\n\r\nafter")
    assert decoded[0].total_bytes <= 2**16

"""Interim (1xx) responses on the wire: 100 Continue, hand-written ones, 103 Early Hints."""

from __future__ import annotations

import asyncio

import pytest
from wire import ServeApp, read_response

from aiostrata.web_app import Application
from aiostrata.web_request import Request
from aiostrata.web_response import Response, StreamResponse

UPLOAD = b"POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"


async def _upload_after_continue(port: int) -> tuple[bytes, bytes, bytes]:
    """Send an upload head, wait for the interim answer, send the body; then a second request."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(UPLOAD)
        interim = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        writer.write(b"hello")
        final = await read_response(reader)
        writer.write(b"GET /upload HTTP/1.1\r\nHost: t\r\n\r\n")  # the connection stays usable
        second = await read_response(reader)
    finally:
        writer.close()
    return interim, final, second


async def _echo(request: Request) -> Response:
    if request.method == "GET":
        return Response(text="still here")
    return Response(body=await request.read())


async def test_default_expect_handler_sends_100_continue_once(serve_app: ServeApp) -> None:
    app = Application()
    app.router.add_route("*", "/upload", _echo)
    _, port = await serve_app(app)
    interim, final, second = await _upload_after_continue(port)
    assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
    assert final.startswith(b"HTTP/1.1 200 OK\r\n")
    assert final.endswith(b"\r\n\r\nhello")
    assert b"Content-Length: 5\r\n" in final  # the interim bytes are not counted in
    assert second.endswith(b"still here")


async def test_a_hand_written_100_continue_through_request_writer_works(
    serve_app: ServeApp,
) -> None:
    """aiohttp's documented idiom for a custom expect handler."""

    async def expect_handler(request: Request) -> None:
        if request.version == (1, 1):
            await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")

    app = Application()
    app.router.add_route("*", "/upload", _echo, expect_handler=expect_handler)
    _, port = await serve_app(app)
    interim, final, second = await _upload_after_continue(port)
    assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
    assert final.startswith(b"HTTP/1.1 200 OK\r\n")
    assert final.endswith(b"hello")
    assert second.endswith(b"still here")


async def test_a_handler_sends_103_early_hints_before_its_response(serve_app: ServeApp) -> None:
    async def hints(request: Request) -> Response:
        request.writer.send_interim(103, headers=[("Link", "</style.css>; rel=preload")])
        return Response(text="page")

    app = Application()
    app.router.add_get("/", hints)
    _, port = await serve_app(app)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        interim = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        final = await read_response(reader)
    finally:
        writer.close()
    assert interim == b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
    assert final.startswith(b"HTTP/1.1 200 OK\r\n")
    assert final.endswith(b"page")


@pytest.mark.parametrize(
    ("status", "error"), [(101, ValueError), (200, ValueError), (99, ValueError)]
)
async def test_only_interim_statuses_can_be_sent_as_interim(
    serve_app: ServeApp, status: int, error: type[Exception]
) -> None:
    seen: list[str] = []

    async def handler(request: Request) -> StreamResponse:
        with pytest.raises(error):
            request.writer.send_interim(status)
        seen.append("refused")
        response = Response(text="ok")
        await response.prepare(request)
        with pytest.raises(RuntimeError, match="before the final"):
            request.writer.send_interim(100)
        seen.append("too late")
        return response

    app = Application()
    app.router.add_get("/", handler)
    _, port = await serve_app(app)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        final = await read_response(reader)
    finally:
        writer.close()
    assert final.startswith(b"HTTP/1.1 200 OK\r\n")
    assert seen == ["refused", "too late"]

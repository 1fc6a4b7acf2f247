"""A response whose head cannot be sent safely: the client gets a 500, never a silent close."""

from __future__ import annotations

import asyncio

import pytest
from wire import ServeApp, exchange, read_response

from aiostrata.web_app import Application
from aiostrata.web_request import Request
from aiostrata.web_response import (
    HTTPFound,
    HTTPUnavailableForLegalReasons,
    Response,
    StreamResponse,
)


async def test_a_redirect_to_a_location_with_a_line_break_is_sent_made_safe(
    serve_app: ServeApp,
) -> None:
    async def redirect(request: Request) -> Response:
        raise HTTPFound("/x\r\n")

    app = Application()
    app.router.add_get("/", redirect)
    _, port = await serve_app(app)
    response = await exchange(port, b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    assert response.startswith(b"HTTP/1.1 302 Found\r\n")
    assert b"\r\nLocation: /x\r\n" in response


async def test_a_legal_block_link_with_a_line_break_is_sent_made_safe(
    serve_app: ServeApp,
) -> None:
    async def blocked(request: Request) -> Response:
        raise HTTPUnavailableForLegalReasons("https://authority.example/a b\r\nX-Forged: 1")

    app = Application()
    app.router.add_get("/", blocked)
    _, port = await serve_app(app)
    response = await exchange(port, b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    assert response.startswith(b"HTTP/1.1 451 ")
    assert b'\r\nLink: <https://authority.example/a%20bX-Forged:%201>; rel="blocked-by"\r\n' in (
        response
    )
    assert b"\r\nX-Forged" not in response


def _unsafe_response(kind: str) -> StreamResponse:
    if kind == "plain":
        return Response(text="never sent", headers={"X-Evil": "a\r\nSet-Cookie: evil=1"})
    if kind == "chunked":
        streamed = Response(text="never sent")
        streamed.enable_chunked_encoding()
        streamed.headers["X-Evil"] = "a\nb"
        return streamed
    compressed = Response(text="never sent " * 100)
    compressed.enable_compression()
    compressed.headers["Bad Name"] = "v"
    return compressed


@pytest.mark.parametrize("kind", ["plain", "chunked", "compressed"])
async def test_any_other_unsafe_header_is_answered_with_a_clean_500(
    serve_app: ServeApp, kind: str
) -> None:
    async def unsafe(request: Request) -> StreamResponse:
        return _unsafe_response(kind)

    app = Application()
    app.router.add_get("/", unsafe)
    _, port = await serve_app(app)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(b"GET / HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\n\r\n")
        response = await read_response(reader)
        rest = await asyncio.wait_for(reader.read(), 5)  # then the server closes
    finally:
        writer.close()
    assert response.startswith(b"HTTP/1.1 500 Internal Server Error\r\n"), response[:80]
    assert b"Connection: close\r\n" in response
    assert b"Transfer-Encoding" not in response
    assert b"Content-Encoding" not in response
    assert response.endswith(b"Server got itself in trouble")
    assert b"evil" not in response
    assert rest == b""


async def test_a_failing_prepare_signal_receiver_is_answered_with_a_500(
    serve_app: ServeApp,
) -> None:
    async def broken_receiver(request: Request, response: StreamResponse) -> None:
        raise RuntimeError("receiver failed")

    async def ok(request: Request) -> Response:
        return Response(text="never sent")

    app = Application()
    app.on_response_prepare.append(broken_receiver)
    app.router.add_get("/", ok)
    _, port = await serve_app(app)
    response = await exchange(port, b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
    assert response.startswith(b"HTTP/1.1 500 Internal Server Error\r\n"), response[:80]
    assert response.endswith(b"Server got itself in trouble")


async def test_a_chunked_response_to_http_1_0_is_answered_with_a_500(serve_app: ServeApp) -> None:
    async def chunked(request: Request) -> Response:
        response = Response(text="chunks")
        response.enable_chunked_encoding()  # impossible on HTTP/1.0: refused at prepare
        return response

    app = Application()
    app.router.add_get("/", chunked)
    _, port = await serve_app(app)
    response = await exchange(port, b"GET / HTTP/1.0\r\n\r\n")
    assert response.startswith(b"HTTP/1.0 500 Internal Server Error\r\n"), response[:80]

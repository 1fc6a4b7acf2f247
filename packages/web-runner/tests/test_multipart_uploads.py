"""A multipart form with a file, posted over a real socket, reaches the handler whole."""

from __future__ import annotations

import asyncio

from wire import ServeApp, exchange

from aiostrata.http_parser import BodyPartReader
from aiostrata.web_app import Application
from aiostrata.web_request import FileField, Request
from aiostrata.web_response import Response


def upload_app() -> Application:
    app = Application(client_max_size=200_000)

    async def upload(request: Request) -> Response:
        form = await request.post()
        upload = form["file"]
        assert isinstance(upload, FileField)
        content = upload.file.read()
        upload.file.close()
        return Response(text=f"{form['title']}|{upload.filename}|{len(content)}|{content[:5]!r}")

    app.router.add_post("/upload", upload)
    return app


def request_bytes(body: bytes, boundary: str = "XyZ") -> bytes:
    return (
        f"POST /upload HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body


def upload_body(file_size: int) -> bytes:
    return (
        b'--XyZ\r\nContent-Disposition: form-data; name="title"\r\n\r\nreport\r\n'
        b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="r.bin"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n"
        + b"\x01\x02\r\n-" * (file_size // 5)
        + b"\r\n--XyZ--\r\n"
    )


async def test_form_with_file_over_the_wire(serve_app: ServeApp) -> None:
    _, port = await serve_app(upload_app())
    data = await exchange(port, request_bytes(upload_body(100_000)))
    assert data.startswith(b"HTTP/1.1 200 OK\r\n")
    assert data.endswith(b"report|r.bin|100000|b'\\x01\\x02\\r\\n-'")


async def test_form_over_client_max_size_is_413(serve_app: ServeApp) -> None:
    _, port = await serve_app(upload_app())
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        # The server may answer before the whole body is sent: read while sending.
        writer.write(request_bytes(upload_body(220_000)))
        head = await asyncio.wait_for(reader.readline(), 5)
    finally:
        writer.close()
    assert head.startswith(b"HTTP/1.1 413 ")


async def test_truncated_multipart_is_400(serve_app: ServeApp) -> None:
    _, port = await serve_app(upload_app())
    body = b'--XyZ\r\nContent-Disposition: form-data; name="title"\r\n\r\nno closing boundary'
    data = await exchange(port, request_bytes(body))
    assert data.startswith(b"HTTP/1.1 400 ")


async def test_a_forwarded_part_is_sent_decoded_as_an_attachment(serve_app: ServeApp) -> None:
    """``Response(body=part)`` passes an uploaded part on, as aiohttp's payload does."""

    async def forward(request: Request) -> Response:
        reader = await request.multipart()
        part = await reader.next()
        assert isinstance(part, BodyPartReader)
        return Response(body=part)

    app = Application()
    app.router.add_post("/upload", forward)
    _, port = await serve_app(app)
    body = (
        b'--XyZ\r\nContent-Disposition: form-data; name="doc"; filename="notes.txt"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        b"aGVsbG8gcGFydA==\r\n--XyZ--\r\n"
    )
    data = await exchange(port, request_bytes(body))
    head, _, payload = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b'Content-Disposition: attachment; name="doc"; filename="notes.txt"' in head
    assert b"Transfer-Encoding: chunked" in head
    assert payload == b"a\r\nhello part\r\n0\r\n\r\n"


async def _flood_then_read(
    port: int, head: bytes, first: bytes, filler: bytes
) -> tuple[bytes, int]:
    """Send ``head``, ``first``, then ``filler`` until the server answers and closes.

    Returns what the server sent and how many body bytes went out: far fewer than the
    128 MiB announced, because the server answers and closes instead of reading on.
    """
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    sent = len(first)
    writer.write(head + first)

    async def flood() -> None:
        nonlocal sent
        while sent < 128 * 2**20:
            writer.write(filler)
            sent += len(filler)
            try:
                await writer.drain()
            except ConnectionError:
                return

    sender = asyncio.create_task(flood())
    try:
        data = await asyncio.wait_for(reader.read(), 15)
    except ConnectionError:
        data = b""
    finally:
        sender.cancel()
        writer.close()
    return data, sent


def _endless_head(boundary: str = "XyZ") -> bytes:
    return (
        f"POST /upload HTTP/1.1\r\nHost: t\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {128 * 2**20}\r\n\r\n"
    ).encode()


async def test_a_preamble_that_never_ends_is_a_413_and_not_read_on(serve_app: ServeApp) -> None:
    _, port = await serve_app(upload_app(), lingering_time=1.0)
    data, sent = await _flood_then_read(port, _endless_head(), b"", b"preamble junk " * 4096)
    assert data.startswith(b"HTTP/1.1 413 ")
    assert b"before the first boundary" in data
    assert sent < 128 * 2**20


async def test_an_epilogue_that_never_ends_is_a_413_and_not_read_on(serve_app: ServeApp) -> None:
    _, port = await serve_app(upload_app(), lingering_time=1.0)
    form = (
        b'--XyZ\r\nContent-Disposition: form-data; name="title"\r\n\r\nreport\r\n'
        b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="r.bin"\r\n\r\n'
        b"abc\r\n--XyZ--\r\n"
    )
    data, sent = await _flood_then_read(port, _endless_head(), form, b"epilogue junk " * 4096)
    assert data.startswith(b"HTTP/1.1 413 ")
    assert b"after the closing boundary" in data
    assert sent < 128 * 2**20

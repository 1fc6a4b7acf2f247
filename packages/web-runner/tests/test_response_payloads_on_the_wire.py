"""``Response(body=...)`` with a file, an async generator or a multipart writer,
served by a real server and read back over a raw socket."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from wire import ServeApp, exchange

from aiostrata.http_parser import BodyPartReader, MultipartReader, MultipartWriter
from aiostrata.web_app import Application
from aiostrata.web_request import Request
from aiostrata.web_response import Response


def request(target: str, *, method: str = "GET", version: str = "1.1") -> bytes:
    close = "Connection: close\r\n" if version == "1.1" else ""
    return f"{method} {target} HTTP/{version}\r\nHost: 127.0.0.1\r\n{close}\r\n".encode()


def split(raw: bytes) -> tuple[str, dict[str, str], bytes]:
    head, sep, body = raw.partition(b"\r\n\r\n")
    assert sep, f"no complete head in {raw[:200]!r}"
    status, *lines = head.decode("latin-1").split("\r\n")
    fields = {}
    for line in lines:
        name, _, value = line.partition(":")
        fields[name.strip().lower()] = value.strip()
    return status, fields, body


def dechunk(body: bytes) -> tuple[bytes, bool]:
    """The data of a chunked body, and whether it ended with the last chunk."""
    out = b""
    while body:
        size_line, sep, rest = body.partition(b"\r\n")
        if not sep:
            return out, False
        size = int(size_line, 16)
        if size == 0:
            return out, rest == b"\r\n"
        out += rest[:size]
        body = rest[size + 2 :]
    return out, False


class BytesContent:
    """A finished body as the ``read(n)`` stream a ``MultipartReader`` reads."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    async def read(self, n: int = -1) -> bytes:
        if n < 0:
            n = len(self._data)
        chunk, self._data = self._data[:n], self._data[n:]
        return chunk


@pytest.fixture
def served_files() -> list[io.BufferedReader]:
    return []


REPORT = b"a,b\r\n1,2\r\n" * 5000


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "report.csv"
    path.write_bytes(REPORT)
    return path


def payload_app(report: Path, served_files: list[io.BufferedReader]) -> Application:
    async def send_file(request: Request) -> Response:
        file = await asyncio.to_thread(open, report, "rb")
        served_files.append(file)
        return Response(body=file)

    async def send_generator(request: Request) -> Response:
        async def rows() -> AsyncIterator[bytes]:
            for n in range(3):
                await asyncio.sleep(0)
                yield f"row {n}\n".encode()

        return Response(body=rows(), content_type="text/plain")

    async def send_broken_generator(request: Request) -> Response:
        async def rows() -> AsyncIterator[bytes]:
            yield b"first row\n"
            raise RuntimeError("the data source failed")

        return Response(body=rows())

    async def send_multipart(request: Request) -> Response:
        writer = MultipartWriter("mixed")
        writer.append("plain text")
        writer.append_json({"answer": 42})
        part = writer.append(b"\x00\x01binary")
        part.set_content_disposition("attachment", filename="blob.bin")
        return Response(body=writer)

    app = Application()
    app.router.add_get("/file", send_file)
    app.router.add_get("/generator", send_generator)
    app.router.add_get("/broken", send_broken_generator)
    app.router.add_get("/multipart", send_multipart)
    return app


async def test_file_body_arrives_with_length_disposition_and_is_closed(
    serve_app: ServeApp, report: Path, served_files: list[io.BufferedReader]
) -> None:
    _, port = await serve_app(payload_app(report, served_files))
    status, fields, body = split(await exchange(port, request("/file")))
    assert status == "HTTP/1.1 200 OK"
    assert fields["content-length"] == str(len(REPORT))
    assert fields["content-type"] == "text/csv"
    assert fields["content-disposition"] == 'attachment; filename="report.csv"'
    assert "transfer-encoding" not in fields
    assert body == REPORT
    assert len(served_files) == 1
    assert served_files[0].closed


async def test_head_of_a_file_body_has_its_length_and_no_bytes(
    serve_app: ServeApp, report: Path, served_files: list[io.BufferedReader]
) -> None:
    _, port = await serve_app(payload_app(report, served_files))
    status, fields, body = split(await exchange(port, request("/file", method="HEAD")))
    assert status == "HTTP/1.1 200 OK"
    assert fields["content-length"] == str(len(REPORT))
    assert body == b""
    assert served_files[0].closed


async def test_async_generator_body_is_chunked_and_the_connection_stays_usable(
    serve_app: ServeApp, report: Path, served_files: list[io.BufferedReader]
) -> None:
    _, port = await serve_app(payload_app(report, served_files))
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for _ in range(2):  # the same connection twice: the chunked body ended cleanly
            writer.write(b"GET /generator HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
            assert b"Transfer-Encoding: chunked" in head
            assert b"Content-Type: text/plain" in head
            body = await asyncio.wait_for(reader.readuntil(b"0\r\n\r\n"), 5)
            assert dechunk(body) == (b"row 0\nrow 1\nrow 2\n", True)
    finally:
        writer.close()


async def test_async_generator_on_http10_ends_with_the_connection(
    serve_app: ServeApp, report: Path, served_files: list[io.BufferedReader]
) -> None:
    _, port = await serve_app(payload_app(report, served_files))
    status, fields, body = split(await exchange(port, request("/generator", version="1.0")))
    assert status == "HTTP/1.0 200 OK"
    assert "transfer-encoding" not in fields
    assert "content-length" not in fields
    assert body == b"row 0\nrow 1\nrow 2\n"


async def test_failing_generator_closes_the_connection_without_ending_the_body(
    serve_app: ServeApp, report: Path, served_files: list[io.BufferedReader]
) -> None:
    _, port = await serve_app(payload_app(report, served_files))
    raw = await exchange(port, b"GET /broken HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    status, fields, body = split(raw)  # keep-alive asked: only the failure closes it
    assert status == "HTTP/1.1 200 OK"
    assert fields["transfer-encoding"] == "chunked"
    assert dechunk(body) == (b"first row\n", False)


async def test_multipart_writer_body_parses_back_part_by_part(
    serve_app: ServeApp, report: Path, served_files: list[io.BufferedReader]
) -> None:
    _, port = await serve_app(payload_app(report, served_files))
    status, fields, body = split(await exchange(port, request("/multipart")))
    assert status == "HTTP/1.1 200 OK"
    assert fields["content-type"].startswith("multipart/mixed; boundary=")
    assert fields["content-length"] == str(len(body))
    reader = MultipartReader({"Content-Type": fields["content-type"]}, BytesContent(body))
    parts = []
    async for part in reader:
        assert isinstance(part, BodyPartReader)
        parts.append((part.headers.get("Content-Type"), part.filename, bytes(await part.read())))
    assert parts == [
        ("text/plain; charset=utf-8", None, b"plain text"),
        ("application/json", None, b'{"answer": 42}'),
        ("application/octet-stream", "blob.bin", b"\x00\x01binary"),
    ]


async def test_file_is_closed_when_the_client_leaves_mid_body(
    serve_app: ServeApp, tmp_path: Path, served_files: list[io.BufferedReader]
) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(b"\xab" * (32 * 2**20))  # far more than the socket buffers hold
    _, port = await serve_app(payload_app(big, served_files))
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request("/file"))
    await asyncio.wait_for(reader.readexactly(4096), 5)
    writer.transport.abort()  # gone, with most of the body unsent
    for _ in range(500):
        if served_files and served_files[0].closed:
            break
        await asyncio.sleep(0.01)
    assert served_files[0].closed


@pytest.mark.parametrize("version", ["1.1", "1.0"])
async def test_a_transfer_encoding_header_on_a_whole_body_is_dropped(
    serve_app: ServeApp, version: str
) -> None:
    """The body is framed by its length: a Transfer-Encoding the handler set is not sent
    with it (RFC 9112 6.2), whichever path sends the response."""
    app = Application()

    async def whole(request: Request) -> Response:
        return Response(body=b"hello", headers={"Transfer-Encoding": "chunked"})

    async def prepared(request: Request) -> Response:
        response = Response(body=b"hello", headers={"Transfer-Encoding": "chunked"})
        await response.prepare(request)  # the awaited path, not send_now
        return response

    app.router.add_get("/whole", whole)
    app.router.add_get("/prepared", prepared)
    _, port = await serve_app(app)
    for path in ("/whole", "/prepared"):
        status, fields, body = split(await exchange(port, request(path, version=version)))
        assert status.endswith("200 OK")
        assert "transfer-encoding" not in fields
        assert fields["content-length"] == "5"
        assert body == b"hello"

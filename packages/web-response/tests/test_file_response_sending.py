"""How FileResponse sends: headers, HEAD, refusals, sendfile and its fallback, and the
file closed on every path (CVE-2026-54280's class: a client leaving mid-body)."""

from __future__ import annotations

import asyncio
import gzip
import os
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from _web_response_testkit import FakeConnection, FakeTransport, dechunk, parse_wire
from file_response_fakes import ConditionalFakeRequest, make_request, serve_file, write_file

from aiostrata.web_response import ContentCoding, FileResponse
from aiostrata.web_response import file_response as file_response_module
from aiostrata.web_response.file_variants import OpenedFile, open_file_variant

BIG = os.urandom(300_000)


def track_opened(monkeypatch: pytest.MonkeyPatch) -> list[OpenedFile]:
    """Record every file FileResponse opens, to check it was closed."""
    opened: list[OpenedFile] = []

    def spy(path: Path, codings: frozenset[str]) -> OpenedFile:
        result = open_file_variant(path, codings)
        opened.append(result)
        return result

    monkeypatch.setattr(file_response_module, "open_file_variant", spy)
    return opened


async def test_head_sends_the_headers_of_get_without_a_body(tmp_path: Path) -> None:
    path = write_file(tmp_path / "a.txt", b"twelve bytes")
    wire = await serve_file(path, make_request("HEAD"))
    assert wire.status_line == "HTTP/1.1 200 OK"
    assert wire.get("Content-Length") == "12"
    assert wire.get("Content-Type") == "text/plain"
    assert wire.get("Accept-Ranges") == "bytes"
    assert wire.body == b""


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("archive.tar.gz", "application/gzip"),
        ("data.unknownext", "application/octet-stream"),
        ("logo.png", "image/png"),
        ("notes.txt", "text/plain"),
    ],
)
async def test_content_type_is_guessed_from_the_name_without_a_charset(
    tmp_path: Path, name: str, content_type: str
) -> None:
    wire = await serve_file(write_file(tmp_path / name, b"x"))
    assert wire.get("Content-Type") == content_type


async def test_a_content_type_given_in_headers_is_kept(tmp_path: Path) -> None:
    path = write_file(tmp_path / "a.txt", b"x")
    request = make_request()
    response = FileResponse(path, headers={"Content-Type": "text/x-custom", "X-Extra": "1"})
    await response.prepare(request)
    wire = parse_wire(request.wire)
    assert wire.get("Content-Type") == "text/x-custom"
    assert wire.get("X-Extra") == "1"


async def test_status_and_reason_given_are_used(tmp_path: Path) -> None:
    path = write_file(tmp_path / "a.txt", b"x")
    request = make_request()
    await FileResponse(str(path), status=203, reason="Mirrored").prepare(request)
    assert parse_wire(request.wire).status_line == "HTTP/1.1 203 Mirrored"


async def test_a_missing_file_is_404_with_the_body_of_http_not_found(tmp_path: Path) -> None:
    wire = await serve_file(tmp_path / "missing.txt")
    assert wire.status_line == "HTTP/1.1 404 Not Found"
    assert wire.body == b"404: Not Found"
    assert wire.get("Content-Type") == "text/plain; charset=utf-8"


async def test_a_directory_is_403(tmp_path: Path) -> None:
    wire = await serve_file(tmp_path)
    assert wire.status_line == "HTTP/1.1 403 Forbidden"
    assert wire.body == b"403: Forbidden"


async def test_a_fifo_is_403_and_opening_it_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    wire = await asyncio.wait_for(serve_file(fifo), 5)
    assert wire.status_line == "HTTP/1.1 403 Forbidden"


async def test_a_permission_error_is_403(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: Path, codings: frozenset[str]) -> OpenedFile:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(file_response_module, "open_file_variant", refuse)
    wire = await serve_file(write_file(tmp_path / "a.txt", b"x"))
    assert wire.status_line == "HTTP/1.1 403 Forbidden"


async def test_a_transport_without_sendfile_gets_the_file_in_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = track_opened(monkeypatch)
    path = write_file(tmp_path / "big.bin", BIG)
    request = make_request()
    await FileResponse(path, chunk_size=64 * 1024).prepare(request)
    wire = parse_wire(request.wire)
    assert wire.body == BIG
    assert wire.get("Content-Length") == str(len(BIG))
    transport = request.connection._transport
    assert transport is not None
    assert len(transport.writes) >= len(BIG) // (64 * 1024)  # really chunked
    assert opened[0].file.closed


async def test_a_range_through_the_fallback_sends_only_the_range(tmp_path: Path) -> None:
    path = write_file(tmp_path / "big.bin", BIG)
    request = make_request(Range="bytes=100000-200009")
    await FileResponse(path, chunk_size=4096).prepare(request)
    assert parse_wire(request.wire).body == BIG[100000:200010]


async def test_compression_enabled_by_the_handler_compresses_the_file(tmp_path: Path) -> None:
    path = write_file(tmp_path / "page.html", b"<p>same</p>" * 1000)
    request = make_request()
    response = FileResponse(path)
    response.enable_compression(ContentCoding.gzip)
    await response.prepare(request)
    wire = parse_wire(request.wire)
    assert wire.get("Content-Encoding") == "gzip"
    assert wire.get("Transfer-Encoding") == "chunked"
    assert gzip.decompress(dechunk(wire.body)) == b"<p>same</p>" * 1000


class _SocketConnection:
    """Satisfies ``WritableConnection`` with a real asyncio socket transport."""

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport

    @property
    def transport(self) -> asyncio.Transport | None:
        return self._transport

    async def writer_drain(self) -> None:
        await asyncio.sleep(0)


async def test_a_socket_transport_gets_the_file_by_sendfile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = track_opened(monkeypatch)
    loop = asyncio.get_running_loop()
    calls: list[int] = []
    real_sendfile = loop.sendfile

    async def counting_sendfile(*args: object, **kwargs: object) -> int:
        calls.append(1)
        return await real_sendfile(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loop, "sendfile", counting_sendfile)
    server_sock, client_sock = socket.socketpair()
    transport, _ = await loop.create_connection(asyncio.Protocol, sock=server_sock)
    path = write_file(tmp_path / "big.bin", BIG)
    request = ConditionalFakeRequest(connection=_SocketConnection(transport))  # type: ignore[arg-type]
    reader = loop.run_in_executor(None, _read_all, client_sock)
    await FileResponse(path).prepare(request)
    transport.close()
    received = await asyncio.wait_for(reader, 10)
    client_sock.close()
    wire = parse_wire(received)
    assert wire.body == BIG
    assert calls == [1]
    assert opened[0].file.closed


def _read_all(sock: socket.socket) -> bytes:
    sock.settimeout(10)
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


class _ClosingTransport(FakeTransport):
    """Goes away (as a client that disconnects) after ``allowed`` writes."""

    def __init__(self, allowed: int) -> None:
        super().__init__()
        self.allowed = allowed

    def write(self, data: bytes | bytearray | memoryview) -> None:
        super().write(data)
        if len(self.writes) >= self.allowed:
            self.closing = True


async def test_a_client_leaving_mid_body_closes_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = track_opened(monkeypatch)
    connection = FakeConnection()
    connection._transport = _ClosingTransport(allowed=2)
    request = ConditionalFakeRequest(connection=connection)
    path = write_file(tmp_path / "big.bin", BIG)
    with pytest.raises(ConnectionResetError):
        await FileResponse(path, chunk_size=4096).prepare(request)
    assert opened[0].file.closed


class _StalledConnection(FakeConnection):
    """A client that stops reading: every drain waits forever."""

    def __init__(self) -> None:
        super().__init__()
        self.stalled = asyncio.Event()

    async def writer_drain(self) -> None:
        self.stalled.set()
        await asyncio.Event().wait()


async def test_cancelling_a_stalled_send_closes_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = track_opened(monkeypatch)
    connection = _StalledConnection()
    request = ConditionalFakeRequest(connection=connection)
    path = write_file(tmp_path / "big.bin", BIG)
    task = asyncio.create_task(FileResponse(path, chunk_size=70_000).prepare(request))
    await asyncio.wait_for(connection.stalled.wait(), 10)
    assert not opened[0].file.closed  # mid-body: the file is still being read
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert opened[0].file.closed


async def test_every_refusal_closes_what_it_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = track_opened(monkeypatch)
    path = write_file(tmp_path / "a.txt", b"abc")
    answers: list[Callable[[], ConditionalFakeRequest]] = [
        lambda: make_request(If_Match='"x"'),
        lambda: make_request(Range="bytes=99-"),
        lambda: make_request(If_Modified_Since="Thu, 01 Jan 2099 00:00:00 GMT"),
    ]
    for build in answers:
        await serve_file(path, build())
    assert len(opened) == 3
    assert all(item.file.closed for item in opened)


async def test_a_unix_socket_is_403_like_a_fifo(tmp_path: Path) -> None:
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(str(tmp_path / "s"))
        wire = await asyncio.wait_for(serve_file(tmp_path / "s"), 5)
    finally:
        listener.close()
    assert wire.status_line == "HTTP/1.1 403 Forbidden"

"""``StreamWriter.sendfile``: a file as the body, by sendfile(2) or by reads, within limits."""

from __future__ import annotations

import asyncio
import gzip
import io
import socket
import tempfile
from typing import BinaryIO

import pytest
from multidict import CIMultiDict

from aiostrata.http_parser import AbstractStreamWriter, StreamWriter

DATA = bytes(range(256)) * 1000


class _RecordingTransport(asyncio.Transport):
    """No sendfile support (like a third-party transport): the read path is used."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closing = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closing


class _Connection:
    def __init__(self, transport: asyncio.Transport | None) -> None:
        self._transport = transport

    @property
    def transport(self) -> asyncio.Transport | None:
        return self._transport

    async def writer_drain(self) -> None:
        await asyncio.sleep(0)


async def _writer_with_head(transport: asyncio.Transport) -> StreamWriter:
    writer = StreamWriter(_Connection(transport))
    await writer.write_headers("HTTP/1.1 200 OK", CIMultiDict({"Content-Length": "10"}))
    return writer


def _file() -> BinaryIO:
    return io.BytesIO(DATA)


async def test_without_sendfile_support_the_file_is_read_in_chunks_after_the_head() -> None:
    transport = _RecordingTransport()
    writer = await _writer_with_head(transport)
    writer.length = 10
    await writer.sendfile(_file(), 5, 10, chunk_size=4)
    assert transport.writes[0] == b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"
    assert transport.writes[1:] == [DATA[5:9], DATA[9:13], DATA[13:15]]
    assert b"".join(transport.writes).partition(b"\r\n\r\n")[2] == DATA[5:15]
    assert writer.output_size == len(b"".join(transport.writes))


async def test_sendfile_never_sends_more_than_the_declared_length() -> None:
    transport = _RecordingTransport()
    writer = await _writer_with_head(transport)
    writer.length = 10
    await writer.sendfile(_file(), 0, 1000)
    assert b"".join(transport.writes).partition(b"\r\n\r\n")[2] == DATA[:10]


async def test_sendfile_to_a_closing_transport_is_a_connection_reset() -> None:
    transport = _RecordingTransport()
    transport.closing = True
    writer = await _writer_with_head(transport)
    with pytest.raises(ConnectionResetError):
        await writer.sendfile(_file(), 0, 10)


async def test_sendfile_after_write_eof_is_an_error() -> None:
    writer = await _writer_with_head(_RecordingTransport())
    await writer.write_eof()
    with pytest.raises(RuntimeError):
        await writer.sendfile(_file(), 0, 10)


async def test_a_compressed_body_goes_through_the_compressor() -> None:
    transport = _RecordingTransport()
    writer = StreamWriter(_Connection(transport))
    writer.length = None
    writer.enable_compression("gzip")
    await writer.write_headers("HTTP/1.1 200 OK", CIMultiDict())
    await writer.sendfile(_file(), 0, len(DATA), chunk_size=10_000)
    await writer.write_eof()
    body = b"".join(transport.writes).partition(b"\r\n\r\n")[2]
    assert gzip.decompress(body) == DATA


async def test_the_base_class_default_writes_chunks_through_write() -> None:
    class Collecting(AbstractStreamWriter):
        def __init__(self) -> None:
            self.chunks: list[bytes] = []

        async def write(self, chunk: bytes | bytearray | memoryview) -> None:
            self.chunks.append(bytes(chunk))

        async def write_eof(self, chunk: bytes = b"") -> None:
            return None

        async def drain(self) -> None:
            return None

        def enable_compression(
            self, encoding: str = "deflate", strategy: int | None = None
        ) -> None:
            return None

        def enable_chunking(self) -> None:
            return None

        async def write_headers(self, status_line: str, headers: CIMultiDict[str]) -> None:
            return None

    writer = Collecting()
    await writer.sendfile(_file(), 100, 1000, chunk_size=300)
    assert [len(chunk) for chunk in writer.chunks] == [300, 300, 300, 100]
    assert b"".join(writer.chunks) == DATA[100:1100]
    with pytest.raises(ValueError, match="chunk_size"):
        await writer.sendfile(_file(), 0, 10, chunk_size=0)


async def test_a_socket_transport_gets_the_bytes_by_loop_sendfile() -> None:
    loop = asyncio.get_running_loop()
    server_sock, client_sock = socket.socketpair()
    transport, _ = await loop.create_connection(asyncio.Protocol, sock=server_sock)
    writer = StreamWriter(_Connection(transport))
    writer.length = 100_000
    await writer.write_headers("HTTP/1.1 200 OK", CIMultiDict({"Content-Length": "100000"}))
    with tempfile.TemporaryFile() as file:
        file.write(DATA)
        file.flush()
        reader = loop.run_in_executor(None, _read_exactly, client_sock, 100_000)
        await writer.sendfile(file, 1000, 100_000)
        received = await asyncio.wait_for(reader, 10)
    transport.close()
    client_sock.close()
    assert received.partition(b"\r\n\r\n")[2] == DATA[1000:101_000]
    assert writer.length == 0


def _read_exactly(sock: socket.socket, body_size: int) -> bytes:
    sock.settimeout(10)
    data = b""
    while b"\r\n\r\n" not in data or len(data.partition(b"\r\n\r\n")[2]) < body_size:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data

"""``Response(body=...)`` with payloads: file objects, in-memory buffers, async
iterables and multipart writers, as they leave on the wire; their framing
(Content-Length when the size is known, chunked otherwise), HEAD, and the file
being closed whatever happens to the response."""

from __future__ import annotations

import asyncio
import gzip
import io
import os
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from _web_response_testkit import FakeRequest, FakeTransport, dechunk, parse_wire, send
from multidict import CIMultiDict

from aiostrata.http_parser import HttpVersion10, MultipartWriter
from aiostrata.web_response import (
    AsyncIterablePayload,
    BufferedReaderPayload,
    BytesIOPayload,
    BytesPayload,
    IOBasePayload,
    MultipartPayload,
    Payload,
    Response,
    StreamResponse,
    StringIOPayload,
    StringPayload,
    TextIOPayload,
)
from aiostrata.web_response.payloads import IncompleteBodyError

READ_SIZE = 2**16
# Three and a half reads' worth of distinct bytes.
BIG = bytes(range(256)) * (READ_SIZE * 7 // 2 // 256)


@pytest.fixture
def hello_txt(tmp_path: Path) -> Path:
    path = tmp_path / "hello.txt"
    path.write_bytes(b"hello file\n")
    return path


@pytest.fixture
def big_bin(tmp_path: Path) -> Path:
    path = tmp_path / "big.bin"
    path.write_bytes(BIG)
    return path


@pytest.fixture
def opened() -> Iterator[list[IO[Any]]]:
    """Files a test opened; closed at teardown if the code under test did not."""
    files: list[IO[Any]] = []
    yield files
    for file in files:
        file.close()


def open_rb(path: Path, opened: list[IO[Any]], buffering: int = -1) -> Any:
    """Typed Any: a BufferedReader or, unbuffered, a FileIO, as the test asks."""
    file = open(path, "rb", buffering=buffering)  # noqa: SIM115 - the response closes it
    opened.append(file)
    return file


async def eventually(check: Callable[[], bool]) -> bool:
    """Whether ``check()`` becomes true within about ten seconds (work in another thread)."""
    for _ in range(1000):
        if check():
            return True
        await asyncio.sleep(0.01)
    return False


class ClosingTransport(FakeTransport):
    """A peer that goes away after the first write reaches it."""

    def write(self, data: bytes | bytearray | memoryview) -> None:
        super().write(data)
        self.closing = True


class GatedRawFile(io.RawIOBase):
    """A raw binary file whose reads wait for a gate: shows where and when reads run."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self.gate = threading.Event()
        self.reading = threading.Event()
        self.read_threads: list[int] = []
        self.closed_while_reading = False
        self._in_read = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        self._in_read = True
        self.read_threads.append(threading.get_ident())
        self.reading.set()
        self.gate.wait(10)
        chunk, self._data = self._data[: len(buffer)], self._data[len(buffer) :]
        buffer[: len(chunk)] = chunk
        self._in_read = False
        return len(chunk)

    def close(self) -> None:
        if self._in_read:
            self.closed_while_reading = True
        super().close()


class ShapedLikeAMultipartWriter:
    """Not a Payload: only ``headers``, ``size`` and ``async write(writer)``."""

    def __init__(self, parts: list[bytes]) -> None:
        self.headers = CIMultiDict({"Content-Type": "multipart/x-custom; boundary=zz"})
        self._parts = parts

    @property
    def size(self) -> int:
        return sum(len(p) for p in self._parts)

    async def write(self, writer: Any) -> None:
        for part in self._parts:
            await writer.write(part)


# -- bytes on the wire ---------------------------------------------------------------------------


async def test_binary_file_is_sent_with_its_length_and_named_disposition(
    hello_txt: Path, opened: list[IO[Any]]
) -> None:
    file = open_rb(hello_txt, opened)
    response = Response(body=file)
    assert isinstance(response.body, BufferedReaderPayload)
    assert response.content_length == 11
    wire = await send(response)
    assert wire.body == b"hello file\n"
    assert wire.get("Content-Length") == "11"
    assert wire.get("Transfer-Encoding") is None
    assert wire.get("Content-Type") == "text/plain"  # guessed from the name
    assert wire.get("Content-Disposition") == 'attachment; filename="hello.txt"'
    assert file.closed


async def test_large_file_arrives_whole_in_several_reads(
    big_bin: Path, opened: list[IO[Any]]
) -> None:
    request = FakeRequest()
    wire = await send(Response(body=open_rb(big_bin, opened)), request)
    assert wire.body == BIG
    assert wire.get("Content-Type") == "application/octet-stream"
    assert wire.get("Content-Length") == str(len(BIG))
    transport = request.connection._transport
    assert transport is not None
    assert len(transport.writes) >= 4  # 64 KiB at a time, not one big read


async def test_file_without_known_type_is_octet_stream(
    tmp_path: Path, opened: list[IO[Any]]
) -> None:
    path = tmp_path / "no-extension"
    path.write_bytes(b"\x00\x01")
    wire = await send(Response(body=open_rb(path, opened)))
    assert wire.get("Content-Type") == "application/octet-stream"
    assert wire.get("Content-Disposition") == 'attachment; filename="no-extension"'
    assert wire.body == b"\x00\x01"


async def test_file_is_sent_from_its_current_position(
    hello_txt: Path, opened: list[IO[Any]]
) -> None:
    file = open_rb(hello_txt, opened)
    file.seek(6)
    wire = await send(Response(body=file))
    assert wire.get("Content-Length") == "5"
    assert wire.body == b"file\n"


async def test_non_ascii_file_name_gets_an_rfc8187_filename(
    tmp_path: Path, opened: list[IO[Any]]
) -> None:
    path = tmp_path / "résumé.pdf"
    path.write_bytes(b"%PDF")
    wire = await send(Response(body=open_rb(path, opened)))
    assert wire.get("Content-Type") == "application/pdf"
    disposition = wire.get("Content-Disposition")
    assert disposition is not None
    assert "filename*=utf-8''r%C3%A9sum%C3%A9.pdf" in disposition


async def test_explicit_content_type_and_disposition_win_over_the_files(
    hello_txt: Path, opened: list[IO[Any]]
) -> None:
    response = Response(
        body=open_rb(hello_txt, opened),
        content_type="application/x-thing",
        headers={"Content-Disposition": "inline"},
    )
    wire = await send(response)
    assert wire.get("Content-Type") == "application/x-thing"
    assert wire.getall("Content-Disposition") == ["inline"]


async def test_unbuffered_file_of_unknown_size_is_chunked(
    hello_txt: Path, opened: list[IO[Any]]
) -> None:
    response = Response(body=open_rb(hello_txt, opened, buffering=0))
    assert isinstance(response.body, IOBasePayload)
    assert response.content_length is None
    wire = await send(response)
    assert wire.get("Transfer-Encoding") == "chunked"
    assert wire.get("Content-Length") is None
    assert dechunk(wire.body) == b"hello file\n"


async def test_pipe_is_chunked_not_framed_by_its_zero_st_size() -> None:
    read_fd, write_fd = os.pipe()
    os.write(write_fd, b"through a pipe")
    os.close(write_fd)
    reader = os.fdopen(read_fd, "rb")
    try:
        response = Response(body=reader)
        assert response.content_length is None
        wire = await send(response)
        assert dechunk(wire.body) == b"through a pipe"
        assert reader.closed
    finally:
        reader.close()


async def test_bytesio_is_sent_from_its_position_with_its_length() -> None:
    buffer = io.BytesIO(b"0123456789")
    buffer.seek(4)
    response = Response(body=buffer)
    assert isinstance(response.body, BytesIOPayload)
    wire = await send(response)
    assert wire.get("Content-Length") == "6"
    assert wire.get("Content-Type") == "application/octet-stream"
    assert wire.get("Content-Disposition") is None
    assert wire.body == b"456789"


async def test_stringio_is_encoded_as_utf8_text() -> None:
    response = Response(body=io.StringIO("sió"))
    assert isinstance(response.body, StringIOPayload)
    assert response.text == "sió"
    wire = await send(response)
    assert wire.get("Content-Type") == "text/plain; charset=utf-8"
    assert wire.get("Content-Length") == "4"
    assert wire.body == "sió".encode()


async def test_text_file_is_encoded_with_the_declared_charset_and_chunked(
    tmp_path: Path,
) -> None:
    path = tmp_path / "page.html"
    path.write_text("café\n" * 3, encoding="utf-8")
    with await asyncio.to_thread(open, path, encoding="utf-8") as file:
        response = Response(body=file, content_type="text/html", charset="latin-1")
        assert isinstance(response.body, TextIOPayload)
        assert response.content_length is None  # its size in bytes is known only once encoded
        wire = await send(response)
        assert file.closed
    assert wire.get("Content-Type") == "text/html; charset=latin-1"
    assert wire.get("Content-Disposition") == 'attachment; filename="page.html"'
    assert dechunk(wire.body) == ("café\n" * 3).encode("latin-1")


async def test_text_file_in_utf16_gets_one_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "wide.txt"
    text = "x" * (READ_SIZE + 10)
    path.write_text(text, encoding="utf-8")
    with await asyncio.to_thread(open, path, encoding="utf-8") as file:
        response = Response(body=file, content_type="text/plain", charset="utf-16")
        wire = await send(response)
    assert dechunk(wire.body) == text.encode("utf-16")


async def test_async_generator_is_sent_chunked() -> None:
    async def chunks() -> AsyncIterator[bytes | bytearray]:
        yield b"a"
        yield b""  # nothing to send: no empty chunk, which would end the body
        yield bytearray(b"bc")

    response = Response(body=chunks())
    assert isinstance(response.body, AsyncIterablePayload)
    assert response.content_length is None
    wire = await send(response)
    assert wire.get("Content-Type") == "application/octet-stream"
    assert wire.get("Transfer-Encoding") == "chunked"
    assert wire.body == b"1\r\na\r\n2\r\nbc\r\n0\r\n\r\n"


async def test_async_generator_on_http10_is_ended_by_closing_the_connection() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"old "
        yield b"client"

    response = Response(body=chunks())
    wire = await send(response, FakeRequest(version=HttpVersion10, keep_alive=True))
    assert wire.status_line == "HTTP/1.0 200 OK"
    assert wire.get("Transfer-Encoding") is None
    assert wire.get("Content-Length") is None
    assert wire.get("Connection") is None  # HTTP/1.0 closes unless it says keep-alive
    assert response.keep_alive is False
    assert wire.body == b"old client"


async def test_multipart_writer_sends_its_boundary_and_exact_length() -> None:
    writer = MultipartWriter("mixed", boundary="BOUND")
    writer.append("hello")
    writer.append_json({"a": 1})
    response = Response(body=writer)
    assert isinstance(response.body, MultipartPayload)
    assert response.content_length == writer.size
    wire = await send(response)
    assert wire.get("Content-Type") == "multipart/mixed; boundary=BOUND"
    assert wire.get("Content-Length") == str(writer.size)
    assert wire.body.startswith(b"--BOUND\r\n")
    assert wire.body.endswith(b"--BOUND--\r\n")
    assert b"\r\n\r\nhello\r\n" in wire.body
    assert b'\r\n\r\n{"a": 1}\r\n' in wire.body
    assert len(wire.body) == writer.size


async def test_any_object_shaped_like_a_multipart_writer_is_accepted() -> None:
    body = ShapedLikeAMultipartWriter([b"one", b"two"])
    wire = await send(Response(body=body))
    assert wire.get("Content-Type") == "multipart/x-custom; boundary=zz"
    assert wire.get("Content-Length") == "6"
    assert wire.body == b"onetwo"


async def test_explicit_payloads_are_used_as_given() -> None:
    payload = StringPayload("é", encoding="latin-1")
    assert payload.content_type == "text/plain; charset=latin-1"
    payload.headers["X-From-Payload"] = "yes"
    response = Response(body=payload)
    assert response.body is payload
    assert response.text == "é"
    wire = await send(response)
    assert wire.body == b"\xe9"
    assert wire.get("X-From-Payload") == "yes"

    bytes_payload = BytesPayload(memoryview(b"raw"), content_type="image/png")
    wire = await send(Response(body=bytes_payload))
    assert wire.get("Content-Type") == "image/png"
    assert wire.body == b"raw"


async def test_payload_framing_fields_never_reach_the_response() -> None:
    payload = BytesPayload(b"abc", headers={"Content-Length": "99", "Transfer-Encoding": "gzip"})
    wire = await send(Response(body=payload))
    assert wire.getall("Content-Length") == ["3"]
    assert wire.get("Transfer-Encoding") is None
    assert wire.body == b"abc"


async def test_payload_body_is_compressed_on_the_fly(big_bin: Path, opened: list[IO[Any]]) -> None:
    response = Response(body=open_rb(big_bin, opened))
    response.enable_compression()
    wire = await send(response, FakeRequest(raw_headers={"Accept-Encoding": "gzip"}))
    assert wire.get("Content-Encoding") == "gzip"
    assert wire.get("Content-Length") is None
    assert wire.get("Transfer-Encoding") == "chunked"
    assert gzip.decompress(dechunk(wire.body)) == BIG


# -- bodiless answers ----------------------------------------------------------------------------


async def test_head_keeps_the_files_length_sends_nothing_and_closes_it(
    hello_txt: Path, opened: list[IO[Any]]
) -> None:
    file = open_rb(hello_txt, opened)
    wire = await send(Response(body=file), FakeRequest(method="HEAD"))
    assert wire.get("Content-Length") == "11"
    assert wire.body == b""
    assert file.closed


async def test_head_with_async_generator_has_neither_length_nor_chunks() -> None:
    started = False

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal started
        started = True
        yield b"never"

    generator = chunks()
    wire = await send(Response(body=generator), FakeRequest(method="HEAD"))
    assert wire.get("Content-Length") is None
    assert wire.get("Transfer-Encoding") is None
    assert wire.body == b""
    assert not started
    with pytest.raises(StopAsyncIteration):
        await anext(generator)  # closed by the response


async def test_no_content_status_sends_no_file_bytes_and_closes_it(
    hello_txt: Path, opened: list[IO[Any]]
) -> None:
    file = open_rb(hello_txt, opened)
    wire = await send(Response(body=file, status=204))
    assert wire.get("Content-Length") is None
    assert wire.body == b""
    assert file.closed


# -- files closed whatever happens ---------------------------------------------------------------


async def test_file_is_closed_when_the_client_goes_away_mid_body(
    big_bin: Path, opened: list[IO[Any]]
) -> None:
    request = FakeRequest()
    request.connection._transport = ClosingTransport()
    file = open_rb(big_bin, opened)
    response = Response(body=file)
    await response.prepare(request)
    with pytest.raises(ConnectionResetError):
        await response.write_eof()
    assert file.closed
    assert len(parse_wire(request.wire).body) < len(BIG)


async def test_file_is_closed_when_prepare_fails(hello_txt: Path, opened: list[IO[Any]]) -> None:
    async def failing_signal(response: StreamResponse) -> None:
        raise RuntimeError("signal failed")

    file = open_rb(hello_txt, opened)
    with pytest.raises(RuntimeError, match="signal failed"):
        await Response(body=file).prepare(FakeRequest(on_prepare=failing_signal))
    assert file.closed


async def test_reads_run_in_the_executor_and_cancel_closes_the_file_after_the_read() -> None:
    raw = GatedRawFile(b"slow bytes")
    request = FakeRequest()
    task = asyncio.create_task(send(Response(body=raw), request))
    assert await asyncio.to_thread(raw.reading.wait, 10)
    assert raw.read_threads == [raw.read_threads[0]]
    assert raw.read_threads[0] != threading.get_ident()

    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not raw.closed  # the executor thread is still inside read()

    raw.gate.set()
    assert await eventually(lambda: raw.closed)
    assert not raw.closed_while_reading


async def test_cancelled_async_generator_is_closed_and_runs_its_finally() -> None:
    waiting = asyncio.Event()
    cleaned_up = asyncio.Event()

    async def chunks() -> AsyncIterator[bytes]:
        try:
            yield b"first"
            waiting.set()
            await asyncio.Event().wait()
            yield b"never"
        finally:
            cleaned_up.set()

    task = asyncio.create_task(send(Response(body=chunks())))
    await waiting.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cleaned_up.is_set()


# -- failures ------------------------------------------------------------------------------------


async def test_async_generator_error_propagates_and_the_body_is_not_ended() -> None:
    class SourceFailed(Exception):
        pass

    async def chunks() -> AsyncIterator[bytes]:
        yield b"partial"
        raise SourceFailed("the source broke")

    request = FakeRequest()
    response = Response(body=chunks())
    await response.prepare(request)
    with pytest.raises(SourceFailed):
        await response.write_eof()
    wire = parse_wire(request.wire)
    assert wire.body == b"7\r\npartial\r\n"  # no last chunk: the client sees it incomplete
    assert response.prepared  # so the connection layer closes the connection


async def test_async_generator_yielding_text_is_a_type_error() -> None:
    async def chunks() -> AsyncIterator[Any]:
        yield "not bytes"

    request = FakeRequest()
    response = Response(body=chunks())
    await response.prepare(request)
    with pytest.raises(TypeError, match="must yield bytes"):
        await response.write_eof()


async def test_async_iterable_payload_refuses_a_second_write() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"once"

    payload = AsyncIterablePayload(chunks())
    sink = FakeRequest().writer
    await payload.write(sink)
    with pytest.raises(RuntimeError, match="only once"):
        await payload.write(sink)


async def test_file_that_shrank_after_its_length_was_sent_fails_instead_of_ending(
    big_bin: Path, opened: list[IO[Any]]
) -> None:
    file = open_rb(big_bin, opened)
    request = FakeRequest()
    response = Response(body=file)
    await response.prepare(request)
    os.truncate(big_bin, 1000)
    with pytest.raises(IncompleteBodyError) as info:
        await response.write_eof()
    assert info.value.declared == READ_SIZE * 7 // 2
    assert info.value.missing == info.value.declared - 1000
    assert file.closed


async def test_declared_length_longer_than_the_payload_fails() -> None:
    request = FakeRequest()
    response = Response(body=io.BytesIO(b"short"), headers={"Content-Length": "10"})
    await response.prepare(request)
    with pytest.raises(IncompleteBodyError, match="5 bytes short"):
        await response.write_eof()


def test_unknown_text_charset_fails_when_the_body_is_set(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("a")
    with open(path) as file, pytest.raises(LookupError):
        Response(body=file, headers={"Content-Type": "text/plain; charset=no-such-codec"})


def test_unsupported_body_types_are_refused() -> None:
    with pytest.raises(ValueError, match="Unsupported body type"):
        Response(body=object())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Unsupported body type"):
        Response(body=[b"a list"])  # type: ignore[arg-type]


# -- the Response API around payloads ------------------------------------------------------------


def test_text_of_a_streamed_payload_is_a_type_error(hello_txt: Path, opened: list[IO[Any]]) -> None:
    response = Response(body=open_rb(hello_txt, opened))
    with pytest.raises(TypeError, match="no text before it is sent"):
        _ = response.text


def test_assigning_bytes_or_text_replaces_a_payload(hello_txt: Path, opened: list[IO[Any]]) -> None:
    response = Response(body=open_rb(hello_txt, opened))
    response.body = b"plain"
    assert response.body == b"plain"
    assert response.content_length == 5
    response.body = io.BytesIO(b"again")
    payload = response.body
    assert isinstance(payload, Payload)
    response.text = "text"
    assert response.body == b"text"
    response.body = io.BytesIO(b"again")
    response.body = None
    assert response.body is None
    assert response.content_length == 0


def test_payload_repr_and_properties(hello_txt: Path, opened: list[IO[Any]]) -> None:
    payload = BufferedReaderPayload(open_rb(hello_txt, opened))
    assert payload.filename == "hello.txt"
    assert payload.size == 11
    assert repr(payload) == "<BufferedReaderPayload text/plain 11 bytes>"
    assert repr(AsyncIterablePayload(_empty())) == (
        "<AsyncIterablePayload application/octet-stream unknown size>"
    )


async def _empty() -> AsyncIterator[bytes]:
    nothing: tuple[bytes, ...] = ()
    for chunk in nothing:
        yield chunk

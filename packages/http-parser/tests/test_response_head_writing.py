"""Response heads and bodies on the wire: no response splitting, exact framing."""

from __future__ import annotations

import asyncio
import gzip
import zlib
from collections.abc import Callable, Iterable
from typing import cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from multidict import CIMultiDict

from aiostrata.http_parser import (
    AbstractStreamWriter,
    HttpVersion10,
    HttpVersion11,
    StreamWriter,
    UnsafeHeaderError,
    check_reason,
    encode_head,
    serialize_head,
)

CTLS = ["\r", "\n", "\x00", "\x01", "\x0b", "\x1f", "\x7f", "\r\n"]


# -- serialize_head / encode_head / check_reason ---------------------------------------------------


def test_serialize_head_produces_exact_bytes() -> None:
    data = serialize_head(HttpVersion11, 200, "OK", [("Content-Type", "text/plain"), ("X", "")])
    assert data == b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX: \r\n\r\n"


def test_serialize_head_without_headers() -> None:
    assert serialize_head(HttpVersion10, 404, "Not Found", []) == b"HTTP/1.0 404 Not Found\r\n\r\n"


def test_values_may_hold_htab_and_non_ascii() -> None:
    data = encode_head("HTTP/1.1 200 OK", [("X", "a\tb"), ("Y", "caf\u00e9")])
    assert data == b"HTTP/1.1 200 OK\r\nX: a\tb\r\nY: caf\xc3\xa9\r\n\r\n"


def test_check_reason_returns_a_safe_reason() -> None:
    assert check_reason("Everything Is Fine") == "Everything Is Fine"
    assert check_reason("") == ""


@pytest.mark.parametrize("ctl", CTLS)
def test_cve_2026_34519_ctl_in_reason_is_refused(ctl: str) -> None:
    with pytest.raises(UnsafeHeaderError):
        check_reason(f"OK{ctl}Set-Cookie: x=1")
    with pytest.raises(UnsafeHeaderError):
        serialize_head(HttpVersion11, 200, f"OK{ctl}X: y", [])


@pytest.mark.parametrize("ctl", CTLS)
def test_cve_2026_34520_ctl_in_a_value_is_refused(ctl: str) -> None:
    with pytest.raises(UnsafeHeaderError):
        encode_head("HTTP/1.1 200 OK", [("Location", f"/a{ctl}Set-Cookie: admin=1")])


@pytest.mark.parametrize("ctl", CTLS)
def test_ctl_in_a_name_is_refused(ctl: str) -> None:
    with pytest.raises(UnsafeHeaderError):
        encode_head("HTTP/1.1 200 OK", [(f"X{ctl}Y", "v")])


@pytest.mark.parametrize("name", ["", "X Y", "X:Y", "X(Y)", "caf\u00e9", "X/Y", "X\tY", "@"])
def test_non_token_names_are_refused(name: str) -> None:
    with pytest.raises(UnsafeHeaderError):
        encode_head("HTTP/1.1 200 OK", [("Good", "v"), (name, "v")])


def test_ctl_in_the_status_line_is_refused() -> None:
    with pytest.raises(UnsafeHeaderError):
        encode_head("HTTP/1.1 200 OK\r\nX: y", [])


def test_unsafe_header_error_is_a_value_error() -> None:
    assert issubclass(UnsafeHeaderError, ValueError)


# -- StreamWriter ----------------------------------------------------------------------------------


class FakeTransport:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closing = False

    def write(self, data: bytes) -> None:
        self.writes.append(bytes(data))

    def writelines(self, parts: Iterable[bytes]) -> None:
        """One call, as one write (asyncio sends it with one sendmsg or joins it)."""
        self.writes.append(b"".join(parts))

    def is_closing(self) -> bool:
        return self.closing


class FakeConnection:
    def __init__(self) -> None:
        self.fake_transport: FakeTransport | None = FakeTransport()
        self.drains = 0

    @property
    def transport(self) -> asyncio.Transport | None:
        return cast("asyncio.Transport | None", self.fake_transport)

    async def writer_drain(self) -> None:
        self.drains += 1

    @property
    def writes(self) -> list[bytes]:
        assert self.fake_transport is not None
        return self.fake_transport.writes

    @property
    def wire(self) -> bytes:
        return b"".join(self.writes)


HEADERS = CIMultiDict({"Content-Type": "text/plain"})
HEAD_BYTES = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n"


@pytest.fixture
def conn() -> FakeConnection:
    return FakeConnection()


@pytest.fixture
def writer(conn: FakeConnection) -> StreamWriter:
    return StreamWriter(conn)


def _holder(held: list[bytes]) -> Callable[[bytes], bool]:
    """A ``hold`` that takes every whole message into ``held``."""

    def hold(data: bytes) -> bool:
        held.append(data)
        return True

    return hold


def test_a_whole_message_goes_to_hold_when_it_takes_it(conn: FakeConnection) -> None:
    held: list[bytes] = []
    writer = StreamWriter(conn, hold=_holder(held))
    writer.length = 5
    writer.send_message(HEAD_BYTES, b"hello")
    assert held == [HEAD_BYTES + b"hello"]
    assert conn.writes == []
    assert writer.output_size == len(HEAD_BYTES) + 5  # counted as sent: the connection sends it


@pytest.mark.parametrize("whole", [True, False], ids=["send_message", "write_eof"])
async def test_a_large_body_leaves_with_its_head_in_one_call(
    conn: FakeConnection, whole: bool
) -> None:
    body = bytes(range(256)) * 256  # 64 KiB: above the size joined by a plain write
    held: list[bytes] = []
    writer = StreamWriter(conn, hold=_holder(held))
    writer.length = len(body)
    if whole:
        writer.send_message(HEAD_BYTES, body)
    else:
        await writer.write_headers("HTTP/1.1 200 OK", HEADERS)
        await writer.write_eof(body)
    assert conn.writes == [HEAD_BYTES + body]  # never held: too large to keep back
    assert held == []
    assert writer.output_size == len(HEAD_BYTES) + len(body)


def test_a_whole_message_is_written_when_hold_declines(conn: FakeConnection) -> None:
    writer = StreamWriter(conn, hold=lambda data: False)
    writer.send_message(HEAD_BYTES, b"hi")
    assert conn.writes == [HEAD_BYTES + b"hi"]


async def test_streamed_and_interim_writes_are_never_held(conn: FakeConnection) -> None:
    held: list[bytes] = []
    writer = StreamWriter(conn, hold=_holder(held))
    writer.send_interim(100)
    await writer.write_headers("HTTP/1.1 200 OK", HEADERS)
    await writer.write(b"part")
    await writer.write_eof(b"end")
    assert held == []
    assert conn.wire == b"HTTP/1.1 100 Continue\r\n\r\n" + HEAD_BYTES + b"partend"


def test_a_closing_transport_refuses_a_whole_message_before_hold(conn: FakeConnection) -> None:
    held: list[bytes] = []
    writer = StreamWriter(conn, hold=_holder(held))
    assert conn.fake_transport is not None
    conn.fake_transport.closing = True
    with pytest.raises(ConnectionResetError):
        writer.send_message(HEAD_BYTES, b"x")
    assert held == []


async def test_writer_is_an_abstract_stream_writer(
    writer: StreamWriter, conn: FakeConnection
) -> None:
    assert isinstance(writer, AbstractStreamWriter)
    assert writer.protocol is conn
    assert writer.transport is conn.transport


async def test_head_is_held_until_the_first_body_write(
    writer: StreamWriter, conn: FakeConnection
) -> None:
    await writer.write_headers("HTTP/1.1 200 OK", HEADERS)
    assert conn.writes == []
    await writer.write(b"body")
    assert conn.writes == [HEAD_BYTES + b"body"]
    await writer.write(b"more")
    assert conn.writes == [HEAD_BYTES + b"body", b"more"]


async def test_head_and_body_of_a_small_response_leave_in_one_write(
    writer: StreamWriter, conn: FakeConnection
) -> None:
    await writer.write_headers("HTTP/1.1 200 OK", HEADERS)
    await writer.write_eof(b"all of it")
    assert conn.writes == [HEAD_BYTES + b"all of it"]
    assert writer.output_size == len(HEAD_BYTES) + 9
    assert conn.drains >= 1


async def test_empty_write_sends_the_head_alone(writer: StreamWriter, conn: FakeConnection) -> None:
    await writer.write_headers("HTTP/1.1 200 OK", HEADERS)
    await writer.write(b"")
    assert conn.writes == [HEAD_BYTES]


async def test_send_headers_sends_the_head_now(writer: StreamWriter, conn: FakeConnection) -> None:
    await writer.write_headers("HTTP/1.1 204 No Content", CIMultiDict())
    writer.send_headers()
    assert conn.writes == [b"HTTP/1.1 204 No Content\r\n\r\n"]
    await writer.write_eof()
    assert conn.writes == [b"HTTP/1.1 204 No Content\r\n\r\n"]


async def test_write_headers_refuses_unsafe_values(writer: StreamWriter) -> None:
    with pytest.raises(UnsafeHeaderError):
        await writer.write_headers("HTTP/1.1 200 OK", CIMultiDict({"X": "a\r\nSet-Cookie: b"}))


async def test_chunked_framing_with_terminator(writer: StreamWriter, conn: FakeConnection) -> None:
    writer.enable_chunking()
    await writer.write_headers("HTTP/1.1 200 OK", HEADERS)
    await writer.write(b"hello")
    await writer.write(b"")
    await writer.write(b"x" * 26)
    await writer.write_eof()
    assert conn.wire == HEAD_BYTES + b"5\r\nhello\r\n1a\r\n" + b"x" * 26 + b"\r\n0\r\n\r\n"


async def test_chunked_write_eof_with_data(writer: StreamWriter, conn: FakeConnection) -> None:
    writer.enable_chunking()
    await writer.write_headers("HTTP/1.1 200 OK", HEADERS)
    await writer.write_eof(b"tail")
    assert conn.writes == [HEAD_BYTES + b"4\r\ntail\r\n0\r\n\r\n"]


async def test_chunked_empty_body_is_only_the_terminator(
    writer: StreamWriter, conn: FakeConnection
) -> None:
    writer.enable_chunking()
    await writer.write_headers("HTTP/1.1 200 OK", HEADERS)
    await writer.write_eof()
    assert conn.writes == [HEAD_BYTES + b"0\r\n\r\n"]


async def test_content_length_limits_what_is_written(
    writer: StreamWriter, conn: FakeConnection
) -> None:
    writer.length = 8
    await writer.write_headers("HTTP/1.1 200 OK", HEADERS)
    await writer.write(b"12345")
    await writer.write(b"67890")
    await writer.write(b"abc")
    await writer.write_eof(b"def")
    assert conn.wire == HEAD_BYTES + b"12345678"
    assert writer.length == 0


async def test_content_length_limit_in_write_eof(
    writer: StreamWriter, conn: FakeConnection
) -> None:
    writer.length = 3
    await writer.write_headers("HTTP/1.1 200 OK", HEADERS)
    await writer.write_eof(b"abcdef")
    assert conn.writes == [HEAD_BYTES + b"abc"]


@pytest.mark.parametrize(
    ("encoding", "decompress"),
    [
        ("gzip", gzip.decompress),
        ("deflate", zlib.decompress),
    ],
)
async def test_compressed_output_decompresses_to_the_input(
    writer: StreamWriter, conn: FakeConnection, encoding: str, decompress: object
) -> None:
    payload = b"The quick brown fox jumps over the lazy dog. " * 200
    writer.enable_compression(encoding)
    await writer.write_headers("HTTP/1.1 200 OK", HEADERS)
    for start in range(0, len(payload), 1000):
        await writer.write(payload[start : start + 1000])
    await writer.write_eof()
    assert conn.wire.startswith(HEAD_BYTES)
    body = conn.wire[len(HEAD_BYTES) :]
    assert len(body) < len(payload)
    assert callable(decompress)
    assert decompress(body) == payload


async def test_compressed_and_chunked_output_decodes_to_the_input(
    writer: StreamWriter, conn: FakeConnection
) -> None:
    payload = bytes(range(256)) * 50
    writer.enable_compression("gzip")
    writer.enable_chunking()
    await writer.write_headers("HTTP/1.1 200 OK", HEADERS)
    await writer.write(payload[:5000])
    await writer.write_eof(payload[5000:])
    rest = conn.wire[len(HEAD_BYTES) :]
    decoded = b""
    while True:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            assert rest == b"\r\n"
            break
        decoded += rest[:size]
        assert rest[size : size + 2] == b"\r\n"
        rest = rest[size + 2 :]
    assert gzip.decompress(decoded) == payload


async def test_unknown_compression_is_refused(writer: StreamWriter) -> None:
    with pytest.raises(ValueError, match="br"):
        writer.enable_compression("br")


async def test_write_after_write_eof_raises(writer: StreamWriter, conn: FakeConnection) -> None:
    await writer.write_headers("HTTP/1.1 200 OK", HEADERS)
    await writer.write_eof(b"done")
    with pytest.raises(RuntimeError):
        await writer.write(b"more")
    await writer.write_eof(b"ignored")  # a second write_eof is a no-op
    assert conn.writes == [HEAD_BYTES + b"done"]


async def test_writing_to_a_closing_transport_raises_connection_reset(
    writer: StreamWriter, conn: FakeConnection
) -> None:
    await writer.write_headers("HTTP/1.1 200 OK", HEADERS)
    assert conn.fake_transport is not None
    conn.fake_transport.closing = True
    with pytest.raises(ConnectionResetError):
        await writer.write(b"data")
    assert conn.writes == []


async def test_writing_after_the_connection_is_lost_raises_connection_reset(
    writer: StreamWriter, conn: FakeConnection
) -> None:
    await writer.write_headers("HTTP/1.1 200 OK", HEADERS)
    conn.fake_transport = None
    with pytest.raises(ConnectionResetError):
        await writer.write_eof(b"data")


async def test_large_writes_drain(writer: StreamWriter, conn: FakeConnection) -> None:
    await writer.write_headers("HTTP/1.1 200 OK", HEADERS)
    await writer.write(b"x" * 100)
    assert conn.drains == 0
    await writer.write(b"x" * 70_000)
    assert conn.drains == 1
    assert writer.output_size == len(HEAD_BYTES) + 70_100


_HEADER_TEXT = st.text(
    alphabet=st.sampled_from(
        ["a", "Z", "-", " ", "\t", ":", "\r", "\n", "\x00", "\x7f", "é", "\x1b"]
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(fields=st.lists(st.tuples(_HEADER_TEXT, _HEADER_TEXT), max_size=5))
def test_encoded_head_has_exactly_the_fields_given_or_is_refused(
    fields: list[tuple[str, str]],
) -> None:
    """No name or value can add, end or split a line of the head (response splitting)."""
    try:
        encoded = encode_head("HTTP/1.1 200 OK", fields)
    except UnsafeHeaderError:
        assert any(
            any(c in name + value for c in "\r\n\x00\x1b\x7f")
            or not name
            or set(name) & set(" \t:é")
            for name, value in fields
        )
        return
    lines = encoded.decode("utf-8").split("\r\n")
    assert lines[0] == "HTTP/1.1 200 OK"
    assert lines[1:-2] == [f"{name}: {value}" for name, value in fields]
    assert lines[-2:] == ["", ""]


class BufferingTransport(FakeTransport):
    """A transport that reports how much it still holds, like asyncio's."""

    def __init__(self, buffered: int) -> None:
        super().__init__()
        self.buffered = buffered

    def get_write_buffer_size(self) -> int:
        return self.buffered


@pytest.mark.parametrize(("buffered", "drains"), [(0, 0), (2**20, 1)])
async def test_write_eof_waits_for_the_transport_only_when_it_holds_a_lot(
    buffered: int, drains: int
) -> None:
    connection = FakeConnection()
    connection.fake_transport = BufferingTransport(buffered)
    writer = StreamWriter(connection, asyncio.get_running_loop())
    await writer.write_headers("HTTP/1.1 200 OK", CIMultiDict({"Content-Length": "2"}))
    await writer.write_eof(b"ok")
    assert connection.drains == drains

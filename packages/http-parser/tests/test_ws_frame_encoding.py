"""Frame encoding: precomputed and packed headers, one write per frame, drains only when due."""

from __future__ import annotations

import array
import asyncio
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ws_fakes import RecordingConnection
from ws_frames import MASK, raw_frame

from aiostrata.http_parser import (
    DeflateParams,
    WebSocketClosedError,
    WebSocketFrameEncoder,
    WebSocketReader,
    WebSocketWriter,
    WSMessage,
    WSMsgType,
    encode_frame,
)

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BOUNDARY_SIZES = [0, 1, 124, 125, 126, 127, 65535, 65536, 65537]
TEXT, BINARY, CONT = WSMsgType.TEXT, WSMsgType.BINARY, WSMsgType.CONTINUATION
PING, PONG, CLOSE = WSMsgType.PING, WSMsgType.PONG, WSMsgType.CLOSE


@pytest.mark.parametrize("size", BOUNDARY_SIZES)
@pytest.mark.parametrize("opcode", [TEXT, BINARY, CONT])
@pytest.mark.parametrize("fin", [True, False])
@pytest.mark.parametrize("rsv1", [True, False])
def test_encode_frame_is_byte_for_byte_the_reference_frame(
    size: int, opcode: WSMsgType, fin: bool, rsv1: bool
) -> None:
    payload = bytes(range(256)) * (size // 256) + bytes(range(size % 256))
    for mask in (None, MASK):
        expected = raw_frame(payload, opcode, fin=fin, rsv=4 if rsv1 else 0, mask=mask)
        assert encode_frame(payload, opcode, fin=fin, rsv1=rsv1, mask_key=mask) == expected


@pytest.mark.parametrize("opcode", [PING, PONG, CLOSE])
@pytest.mark.parametrize("size", [0, 1, 125])
def test_control_frames_use_the_reference_bytes(opcode: WSMsgType, size: int) -> None:
    payload = b"\x03\xe8" + b"r" * (size - 2) if opcode is CLOSE and size >= 2 else b"p" * size
    assert encode_frame(payload, opcode) == raw_frame(payload, opcode, mask=None)


@PROPERTY
@given(
    payload=st.one_of(
        st.binary(max_size=300),
        st.sampled_from(BOUNDARY_SIZES).map(lambda size: b"\xa5" * size),
    ),
    kind=st.sampled_from([TEXT, BINARY]),
    server=st.booleans(),
)
def test_what_the_encoder_writes_the_reader_reads(
    payload: bytes, kind: WSMsgType, server: bool
) -> None:
    data = payload.decode("latin-1").encode() if kind is TEXT else payload
    frame = WebSocketFrameEncoder(is_server=server).encode(data, kind)
    assert bool(frame[1] & 0x80) is not server  # only a client masks
    expected = WSMessage(kind, data.decode() if kind is TEXT else data, "")
    assert WebSocketReader(0, is_server=not server).feed_data(frame) == [expected]


@pytest.mark.parametrize("make", [bytes, bytearray, memoryview])
def test_the_encoder_takes_any_byte_buffer_without_changing_the_frame(make: type) -> None:
    encoder = WebSocketFrameEncoder()
    for size in (0, 5, 126, 70_000):
        assert encoder.encode(make(b"z" * size), BINARY) == encode_frame(b"z" * size, BINARY)


def test_a_memoryview_of_wider_items_is_framed_by_its_bytes() -> None:
    numbers = array.array("i", range(50))
    expected = encode_frame(numbers.tobytes(), BINARY)
    assert WebSocketFrameEncoder().encode(memoryview(numbers), BINARY) == expected
    assert encode_frame(memoryview(numbers), BINARY) == expected
    strided = memoryview(bytes(range(20)))[::2]
    assert WebSocketFrameEncoder().encode(strided, BINARY) == encode_frame(
        bytes(range(0, 20, 2)), 2
    )
    square = memoryview(bytes(range(16))).cast("B", (4, 4))
    assert encode_frame(square, BINARY) == encode_frame(bytes(range(16)), BINARY)


@pytest.mark.parametrize("opcode", [0x3, 0x7, 0xB, 0x100, 0x101, -1])
def test_opcodes_that_are_not_on_the_wire_are_refused(opcode: int) -> None:
    with pytest.raises(ValueError, match="opcode"):
        WebSocketFrameEncoder().encode(b"x", opcode)


def test_plain_int_opcodes_work_like_the_enum() -> None:
    encoder = WebSocketFrameEncoder()
    assert encoder.encode(b"x", 2) == encoder.encode(b"x", BINARY) == b"\x82\x01x"


# -- the writer ------------------------------------------------------------------------------


class _BufferedTransport:
    """A transport that reports how much it still holds (as asyncio's do)."""

    def __init__(self, buffered: int) -> None:
        self.buffered = buffered
        self.written: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def is_closing(self) -> bool:
        return False

    def get_write_buffer_size(self) -> int:
        return self.buffered


class _Connection:
    def __init__(self, buffered: int) -> None:
        self.transport = _BufferedTransport(buffered)
        self.drains = 0

    async def writer_drain(self) -> None:
        self.drains += 1


def test_write_frame_sends_each_message_in_one_write() -> None:
    connection = RecordingConnection()
    writer = WebSocketWriter(connection)
    for size in BOUNDARY_SIZES:
        assert writer.write_frame(b"q" * size, BINARY) in (True, False)
    assert connection.recorder.written == [encode_frame(b"q" * s, BINARY) for s in BOUNDARY_SIZES]


def test_write_frame_asks_for_a_drain_only_past_the_limit_with_bytes_still_buffered() -> None:
    busy = _Connection(buffered=10)
    writer = WebSocketWriter(busy, limit=100)  # type: ignore[arg-type]
    assert [writer.write_frame(b"x" * 40, BINARY) for _ in range(4)] == [
        False,  # 42 bytes written
        False,  # 84
        True,  # 126 > 100, and the transport still holds some: drain
        False,  # counting starts again
    ]
    idle = _Connection(buffered=0)
    writer = WebSocketWriter(idle, limit=100)  # type: ignore[arg-type]
    assert not any(writer.write_frame(b"x" * 40, BINARY) for _ in range(10))


async def test_send_frame_awaits_the_drain_only_when_asked() -> None:
    busy = _Connection(buffered=10)
    writer = WebSocketWriter(busy, limit=100)  # type: ignore[arg-type]
    for _ in range(10):
        await writer.send_frame(b"x" * 40, BINARY)
    assert busy.drains == 3
    idle = _Connection(buffered=0)
    writer = WebSocketWriter(idle, limit=100)  # type: ignore[arg-type]
    for _ in range(10):
        await writer.send_frame(b"x" * 40, BINARY)
    assert idle.drains == 0


def test_write_frame_on_a_lost_connection_raises_connection_reset() -> None:
    connection = RecordingConnection()
    connection.lose()
    with pytest.raises(ConnectionResetError):
        WebSocketWriter(connection).write_frame(b"x", TEXT)


def test_send_frame_is_a_coroutine_without_awaits_on_the_usual_path() -> None:
    connection = RecordingConnection()
    coroutine = WebSocketWriter(connection).send_frame(b"x", TEXT)
    with pytest.raises(StopIteration):
        coroutine.send(None)  # finished at once: it never suspended
    assert connection.wire() == b"\x81\x01x"
    assert asyncio.iscoroutinefunction(WebSocketWriter.send_frame)


def test_the_writer_notices_its_transport_closing_after_the_first_write() -> None:
    connection = RecordingConnection()
    writer = WebSocketWriter(connection)
    assert writer.write_frame(b"a", TEXT) is False
    connection.recorder.closing = True  # a lost connection's transport says it is closing
    frames: list[tuple[bytes | bytearray, int]] = [
        (b"b", TEXT),
        (b"c", PING),
        (bytearray(b"d"), BINARY),
    ]
    for payload, opcode in frames:
        with pytest.raises(ConnectionResetError):
            writer.write_frame(payload, opcode)
    assert connection.wire() == b"\x81\x01a"


def test_plain_frames_past_the_limit_count_their_header_too() -> None:
    busy = _Connection(buffered=10)
    writer = WebSocketWriter(busy, limit=300)  # type: ignore[arg-type]
    # 200 bytes take a 4-byte header: 204, then 408 > 300
    assert [writer.write_frame(b"x" * 200, BINARY) for _ in range(2)] == [False, True]


@pytest.mark.parametrize("server", [True, False])
@pytest.mark.parametrize("deflate", [None, DeflateParams()])
def test_write_text_and_binary_send_what_write_frame_sends(
    server: bool, deflate: DeflateParams | None
) -> None:
    for size in BOUNDARY_SIZES:
        payload = b"t" * size
        wires = []
        for write in ("write_text", "write_frame"):
            connection = RecordingConnection()
            writer = WebSocketWriter(connection, is_server=server, deflate=deflate)
            for _ in range(2):  # the first write takes the transport, the second is the usual
                if write == "write_text":
                    writer.write_text(payload)
                    writer.write_binary(payload)
                else:
                    writer.write_frame(payload, TEXT)
                    writer.write_frame(payload, BINARY)
            wires.append(connection.wire())
        if server:  # a client masks with a fresh key each time: compare what it decodes to
            assert wires[0] == wires[1]
        decoded = [
            WebSocketReader(0, is_server=not server, deflate=deflate).feed_data(wire)
            for wire in wires
        ]
        text, binary = WSMessage(TEXT, payload.decode(), ""), WSMessage(BINARY, payload, "")
        assert decoded[0] == decoded[1] == [text, binary, text, binary]


@pytest.mark.parametrize("closing", ["close", "close frame"])
async def test_nothing_is_written_after_the_close_frame_on_any_path(closing: str) -> None:
    connection = RecordingConnection()
    writer = WebSocketWriter(connection)
    writer.write_text(b"before")  # the plain path is warm
    if closing == "close":
        await writer.close()
    else:
        writer.write_frame(b"\x03\xe8", CLOSE)
    wire = connection.wire()
    sends: list[Callable[[], object]] = [
        lambda: writer.write_text(b"late"),
        lambda: writer.write_binary(b"late"),
        lambda: writer.write_frame(b"late", TEXT),
    ]
    for send in sends:
        with pytest.raises(WebSocketClosedError):
            send()
    assert connection.wire() == wire

"""The asyncio frame writer: close frames, refusal after close, flow control."""

from __future__ import annotations

import pytest
from ws_fakes import RecordingConnection

from aiostrata.http_parser import (
    DeflateParams,
    WebSocketClosedError,
    WebSocketFrameEncoder,
    WebSocketReader,
    WebSocketWriter,
    WSCloseCode,
    WSMessage,
    WSMsgType,
    encode_close_payload,
    encode_frame,
)


def decode(wire: bytes, *, from_server: bool = True) -> list[WSMessage]:
    return WebSocketReader(0, is_server=not from_server, deflate=DeflateParams()).feed_data(wire)


async def test_send_frame_ping_pong_and_close_reach_the_transport() -> None:
    connection = RecordingConnection()
    writer = WebSocketWriter(connection)
    await writer.send_frame(b"hi", WSMsgType.TEXT)
    await writer.send_frame(b"\x00\x01", WSMsgType.BINARY)
    await writer.ping(b"p")
    await writer.pong(b"q")
    await writer.close(WSCloseCode.GOING_AWAY, "bye")
    assert decode(connection.wire()) == [
        WSMessage(WSMsgType.TEXT, "hi", ""),
        WSMessage(WSMsgType.BINARY, b"\x00\x01", ""),
        WSMessage(WSMsgType.PING, b"p", ""),
        WSMessage(WSMsgType.PONG, b"q", ""),
        WSMessage(WSMsgType.CLOSE, 1001, "bye"),
    ]


async def test_nothing_can_be_sent_after_the_close_frame() -> None:
    connection = RecordingConnection()
    writer = WebSocketWriter(connection)
    await writer.close()
    assert writer.closed
    with pytest.raises(WebSocketClosedError):
        await writer.send_frame(b"late", WSMsgType.TEXT)
    with pytest.raises(WebSocketClosedError):
        await writer.ping()
    with pytest.raises(WebSocketClosedError):
        await writer.close()
    assert connection.wire() == b"\x88\x02\x03\xe8"


async def test_client_role_writer_masks_frames() -> None:
    connection = RecordingConnection()
    writer = WebSocketWriter(connection, is_server=False)
    await writer.send_frame(b"hello", WSMsgType.TEXT)
    wire = connection.wire()
    assert wire[1] & 0x80
    assert decode(wire, from_server=False) == [WSMessage(WSMsgType.TEXT, "hello", "")]


async def test_compressed_writer_reports_its_parameters_and_sets_rsv1() -> None:
    connection = RecordingConnection()
    params = DeflateParams(server_no_context_takeover=True, server_max_window_bits=11)
    writer = WebSocketWriter(connection, deflate=params)
    assert (writer.compress, writer.notakeover) == (11, True)
    await writer.send_frame(b"x" * 1000, WSMsgType.BINARY)
    await writer.send_frame(b"y" * 10, WSMsgType.BINARY, compress=0)
    await writer.ping(b"never compressed")
    first, second, ping = connection.recorder.written
    assert first[0] & 0x40
    assert len(first) < 100
    assert not second[0] & 0x40
    assert not ping[0] & 0x40
    assert decode(connection.wire()) == [
        WSMessage(WSMsgType.BINARY, b"x" * 1000, ""),
        WSMessage(WSMsgType.BINARY, b"y" * 10, ""),
        WSMessage(WSMsgType.PING, b"never compressed", ""),
    ]


async def test_per_message_compress_is_ignored_without_negotiated_deflate() -> None:
    connection = RecordingConnection()
    await WebSocketWriter(connection).send_frame(b"x" * 100, WSMsgType.TEXT, compress=15)
    assert connection.wire() == b"\x81\x64" + b"x" * 100


async def test_writer_drains_once_its_limit_is_passed() -> None:
    connection = RecordingConnection()
    writer = WebSocketWriter(connection, limit=1000)
    await writer.send_frame(b"a" * 500, WSMsgType.BINARY)
    assert connection.drains == 0
    await writer.send_frame(b"a" * 600, WSMsgType.BINARY)
    assert connection.drains == 1


async def test_writing_to_a_closing_transport_raises_connection_reset() -> None:
    connection = RecordingConnection()
    connection.recorder.closing = True
    with pytest.raises(ConnectionResetError):
        await WebSocketWriter(connection).send_frame(b"x", WSMsgType.TEXT)
    connection.lose()
    with pytest.raises(ConnectionResetError):
        await WebSocketWriter(connection).ping()


def test_close_reason_is_cut_to_125_bytes_at_a_character_boundary() -> None:
    payload = encode_close_payload(1000, "é" * 100)  # 200 bytes of UTF-8
    assert len(payload) == 124  # 2 + 61 two-byte characters: 123 would split one
    assert payload[2:].decode("utf-8") == "é" * 61
    frame = WebSocketFrameEncoder().close(1000, "x" * 500)
    assert len(frame) == 2 + 125
    assert decode(frame) == [WSMessage(WSMsgType.CLOSE, 1000, "x" * 123)]


def test_close_reason_may_be_given_as_utf8_bytes() -> None:
    assert encode_close_payload(4000, "ok ✓".encode()) == b"\x0f\xa0" + "ok ✓".encode()


@pytest.mark.parametrize("code", [0, 999, 1005, 1006, 1015, 2999, 5000])
def test_codes_that_may_not_appear_on_the_wire_cannot_be_sent(code: int) -> None:
    with pytest.raises(ValueError, match="close frame"):
        WebSocketFrameEncoder().close(code)


def test_control_frame_payloads_over_125_bytes_are_refused() -> None:
    encoder = WebSocketFrameEncoder()
    with pytest.raises(ValueError, match="125"):
        encoder.encode(b"p" * 126, WSMsgType.PING)
    assert not encoder.closed


def test_only_wire_opcodes_can_be_encoded() -> None:
    with pytest.raises(ValueError, match="opcode"):
        encode_frame(b"", WSMsgType.CLOSED)
    with pytest.raises(ValueError, match="4 bytes"):
        encode_frame(b"", WSMsgType.TEXT, mask_key=b"abc")


def test_continuation_and_control_frames_are_never_compressed() -> None:
    encoder = WebSocketFrameEncoder(deflate=DeflateParams())
    assert encoder.encode(b"tail", WSMsgType.CONTINUATION) == b"\x80\x04tail"
    assert encoder.encode(b"ping", WSMsgType.PING) == b"\x89\x04ping"

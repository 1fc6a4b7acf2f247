"""Size limits hold before memory is spent: declared lengths, fragment totals, inflation.

Regression tests for two advisory classes of WebSocket servers: unbounded buffering driven
by a frame's declared length, and decompression bombs (a tiny permessage-deflate frame
expanding without limit).
"""

from __future__ import annotations

import tracemalloc
import zlib

import pytest
from ws_frames import deflate_message, feed_split, only_error, raw_frame, server_reader

from aiostrata.http_parser import (
    DeflateParams,
    WebSocketFrameEncoder,
    WebSocketReader,
    WSCloseCode,
    WSMessage,
    WSMsgType,
)

pytestmark = pytest.mark.usefixtures("masking")

MiB = 1 << 20
TEXT, BINARY, CONT = WSMsgType.TEXT, WSMsgType.BINARY, WSMsgType.CONTINUATION


def zeros_bomb(size: int) -> bytes:
    """``size`` zero bytes as one compressed message (about 1000:1)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(MiB)
    parts = [compressor.compress(chunk) for _ in range(size // MiB)]
    tail = compressor.flush(zlib.Z_SYNC_FLUSH)
    return b"".join(parts) + tail[:-4]


# -- declared lengths ------------------------------------------------------------------------------


def test_oversized_declared_length_fails_on_the_header_alone() -> None:
    header = raw_frame(b"", BINARY, declared_length=MiB + 1)[: 2 + 8 + 4]
    assert only_error(server_reader(MiB).feed_data(header)).code == WSCloseCode.MESSAGE_TOO_BIG


def test_a_frame_of_exactly_the_limit_is_accepted() -> None:
    frame = raw_frame(b"x" * 1000, BINARY)
    assert server_reader(1000).feed_data(frame) == [WSMessage(BINARY, b"x" * 1000, "")]


def test_one_byte_over_the_limit_is_message_too_big() -> None:
    assert only_error(server_reader(999).feed_data(raw_frame(b"x" * 1000, BINARY))).code == 1009


def test_huge_declared_length_is_refused_without_buffering_what_follows() -> None:
    reader = server_reader(MiB)
    header = raw_frame(b"", BINARY, declared_length=(1 << 62))[:14]
    tracemalloc.start()
    try:
        messages = reader.feed_data(header)
        for _ in range(64):  # the peer keeps streaming: nothing of it may be kept
            assert reader.feed_data(bytes(MiB)) == []
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert only_error(messages).code == 1009
    assert peak < 4 * MiB


def test_fragments_are_limited_by_their_running_total() -> None:
    reader = server_reader(1000)
    assert reader.feed_data(raw_frame(b"a" * 600, TEXT, fin=False)) == []
    # the second header declares 401 bytes: 600 + 401 > 1000, refused before its payload
    header = raw_frame(b"b" * 401, CONT)[:8]
    assert only_error(reader.feed_data(header)).code == 1009


def test_fragments_adding_up_to_exactly_the_limit_are_accepted() -> None:
    data = raw_frame(b"a" * 600, TEXT, fin=False) + raw_frame(b"b" * 400, CONT)
    assert server_reader(1000).feed_data(data) == [WSMessage(TEXT, "a" * 600 + "b" * 400, "")]


def test_control_frames_do_not_count_towards_the_message_limit() -> None:
    data = raw_frame(b"a" * 10, TEXT, fin=False) + raw_frame(b"p" * 125, WSMsgType.PING)
    data += raw_frame(b"b" * 10, CONT)
    assert server_reader(20).feed_data(data) == [
        WSMessage(WSMsgType.PING, b"p" * 125, ""),
        WSMessage(TEXT, "a" * 10 + "b" * 10, ""),
    ]


def test_zero_max_msg_size_means_no_limit() -> None:
    data = b"z" * (3 * MiB)
    assert WebSocketReader(0).feed_data(raw_frame(data, BINARY)) == [WSMessage(BINARY, data, "")]


def test_negative_max_msg_size_is_refused() -> None:
    with pytest.raises(ValueError, match="max_msg_size"):
        WebSocketReader(-1)


# -- decompression ---------------------------------------------------------------------------------


def test_deflate_bomb_fails_with_1009_without_allocating_its_expansion() -> None:
    bomb = zeros_bomb(64 * MiB)
    assert len(bomb) < 128 * 1024  # a small frame ...
    frame = raw_frame(bomb, BINARY, rsv=0b100)
    reader = server_reader(MiB, deflate=True)
    tracemalloc.start()
    try:
        messages = reader.feed_data(frame)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert only_error(messages).code == WSCloseCode.MESSAGE_TOO_BIG  # ... that would be 64 MiB
    assert peak < 16 * MiB


def test_deflate_bomb_split_over_fragments_also_fails_with_1009() -> None:
    bomb = zeros_bomb(8 * MiB)
    half = len(bomb) // 2
    data = raw_frame(bomb[:half], BINARY, fin=False, rsv=0b100) + raw_frame(bomb[half:], CONT)
    assert only_error(server_reader(MiB, deflate=True).feed_data(data)).code == 1009


def test_compressed_message_inflating_to_exactly_the_limit_is_accepted() -> None:
    frame = raw_frame(deflate_message(bytes(MiB)), BINARY, rsv=0b100)
    assert feed_split(server_reader(MiB, deflate=True), frame, [3, 100]) == [
        WSMessage(BINARY, bytes(MiB), "")
    ]
    over = raw_frame(deflate_message(bytes(MiB + 1)), BINARY, rsv=0b100)
    assert only_error(server_reader(MiB, deflate=True).feed_data(over)).code == 1009


def test_compressed_payload_itself_is_bounded_by_its_declared_length() -> None:
    header = raw_frame(b"", BINARY, rsv=0b100, declared_length=2 * MiB)[:14]
    assert only_error(server_reader(MiB, deflate=True).feed_data(header)).code == 1009


def test_incompressible_data_of_the_limit_size_still_fits_when_compressed() -> None:
    data = bytes((i * 2654435761) >> 13 & 0xFF for i in range(64 * 1024))
    frame = WebSocketFrameEncoder(is_server=False, deflate=DeflateParams()).encode(data, BINARY)
    reader = WebSocketReader(len(data), deflate=DeflateParams())
    assert reader.feed_data(frame) == [WSMessage(BINARY, data, "")]


def test_compressed_text_is_utf8_checked_after_inflating() -> None:
    frame = raw_frame(deflate_message(b"ok \xff"), TEXT, rsv=0b100)
    assert only_error(server_reader(deflate=True).feed_data(frame)).code == 1007


def test_corrupt_deflate_data_is_a_protocol_error() -> None:
    frame = raw_frame(b"\xff\xff\xff\xff", BINARY, rsv=0b100)
    assert only_error(server_reader(deflate=True).feed_data(frame)).code == 1002


def test_a_final_deflate_block_ends_the_context_for_the_next_message() -> None:
    # RFC 7692 7.2.3.3: a message may end with a BFINAL block instead of a sync flush
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    final_block = compressor.compress(b"first") + compressor.flush(zlib.Z_FINISH)
    data = raw_frame(final_block, TEXT, rsv=0b100)
    data += raw_frame(deflate_message(b"second"), TEXT, rsv=0b100)
    assert server_reader(deflate=True).feed_data(data) == [
        WSMessage(TEXT, "first", ""),
        WSMessage(TEXT, "second", ""),
    ]


def test_data_after_a_final_deflate_block_is_a_protocol_error() -> None:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    final_block = compressor.compress(b"first") + compressor.flush(zlib.Z_FINISH)
    frame = raw_frame(final_block + b"junk", TEXT, rsv=0b100)
    assert only_error(server_reader(deflate=True).feed_data(frame)).code == 1002


def test_inflater_is_reset_per_message_when_the_client_said_no_context_takeover() -> None:
    params = DeflateParams(client_no_context_takeover=True)
    encoder = WebSocketFrameEncoder(is_server=False, deflate=params)
    reader = WebSocketReader(is_server=True, deflate=params)
    for _ in range(3):
        assert reader.feed_data(encoder.encode(b"again and again", TEXT)) == [
            WSMessage(TEXT, "again and again", "")
        ]


@pytest.mark.slow  # ~25 s under tracemalloc
def test_a_flood_of_empty_continuation_frames_holds_no_memory() -> None:
    """Empty fragments add nothing to a message, so they must not pile up either."""
    reader = WebSocketReader(1024)
    reader.feed_data(bytes([0x02, 0x80]) + b"\0\0\0\0")  # BINARY, fin=0, empty, masked
    empty_continuation = (bytes([0x00, 0x80]) + b"\0\0\0\0") * 10_000
    tracemalloc.start()
    try:
        for _ in range(50):
            assert reader.feed_data(empty_continuation) == []
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * 2**20
    messages = reader.feed_data(bytes([0x80, 0x81]) + b"\0\0\0\0" + b"z")  # fin continuation
    assert messages[-1].data == b"z"

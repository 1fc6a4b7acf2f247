"""Property: whatever the writer encodes, the reader decodes back, however the bytes are split."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ws_frames import feed_split, raw_frame

from aiostrata.http_parser import (
    DeflateParams,
    WebSocketFrameEncoder,
    WebSocketReader,
    WSMessage,
    WSMsgType,
    encode_frame,
)

pytestmark = pytest.mark.usefixtures("masking")

PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BOUNDARY_SIZES = [0, 1, 124, 125, 126, 127, 65535, 65536, 65537, 200_000]

deflate_params = st.one_of(
    st.none(),
    st.builds(
        DeflateParams,
        server_no_context_takeover=st.booleans(),
        client_no_context_takeover=st.booleans(),
        server_max_window_bits=st.one_of(st.none(), st.integers(9, 15)),
        client_max_window_bits=st.one_of(st.none(), st.integers(9, 15)),
    ),
)
data_messages = st.one_of(
    st.tuples(st.just(WSMsgType.TEXT), st.text(max_size=300)),
    st.tuples(st.just(WSMsgType.BINARY), st.binary(max_size=300)),
    st.tuples(st.just(WSMsgType.PING), st.binary(max_size=125)),
    st.tuples(st.just(WSMsgType.PONG), st.binary(max_size=125)),
)


def payload(kind: WSMsgType, data: str | bytes) -> bytes:
    return data.encode() if isinstance(data, str) else data


@PROPERTY
@given(
    messages=st.lists(data_messages, min_size=1, max_size=8),
    deflate=deflate_params,
    server_sends=st.booleans(),
    cuts=st.lists(st.integers(0, 4000), max_size=12),
)
def test_messages_survive_a_round_trip_in_any_split(
    messages: list[tuple[WSMsgType, str | bytes]],
    deflate: DeflateParams | None,
    server_sends: bool,
    cuts: list[int],
) -> None:
    encoder = WebSocketFrameEncoder(is_server=server_sends, deflate=deflate)
    reader = WebSocketReader(0, is_server=not server_sends, deflate=deflate)
    wire = b"".join(encoder.encode(payload(kind, data), kind) for kind, data in messages)
    assert feed_split(reader, wire, cuts) == [WSMessage(kind, data, "") for kind, data in messages]


@PROPERTY
@given(
    data=st.binary(max_size=2000),
    per_message=st.lists(st.sampled_from([None, 0, 9, 12, 15]), min_size=1, max_size=6),
    deflate=st.builds(DeflateParams, server_no_context_takeover=st.booleans()),
)
def test_per_message_compression_overrides_keep_the_stream_decodable(
    data: bytes, per_message: list[int | None], deflate: DeflateParams
) -> None:
    encoder = WebSocketFrameEncoder(is_server=True, deflate=deflate)
    reader = WebSocketReader(0, is_server=False, deflate=deflate)
    wire = b"".join(encoder.encode(data, WSMsgType.BINARY, compress) for compress in per_message)
    assert reader.feed_data(wire) == [WSMessage(WSMsgType.BINARY, data, "")] * len(per_message)


@pytest.mark.parametrize("size", BOUNDARY_SIZES)
@pytest.mark.parametrize("masked", [False, True])
def test_lengths_around_the_7_16_and_64_bit_boundaries(size: int, masked: bool) -> None:
    data = bytes(range(256)) * (size // 256) + bytes(range(size % 256))
    encoder = WebSocketFrameEncoder(is_server=not masked)
    frame = encoder.encode(data, WSMsgType.BINARY)
    expected_header = 2 + (0 if size < 126 else 2 if size < 65536 else 8) + (4 if masked else 0)
    assert len(frame) == expected_header + size
    assert bool(frame[1] & 0x80) is masked
    reader = WebSocketReader(0, is_server=masked)
    assert feed_split(reader, frame, range(0, len(frame), 7919)) == [
        WSMessage(WSMsgType.BINARY, data, "")
    ]


@pytest.mark.parametrize("size", BOUNDARY_SIZES)
def test_compressed_lengths_around_the_boundaries(size: int) -> None:
    data = bytes((i * 7919) % 251 for i in range(size))
    encoder = WebSocketFrameEncoder(is_server=False, deflate=DeflateParams())
    frame = encoder.encode(data, WSMsgType.BINARY)
    assert frame[0] & 0x40, "RSV1 marks a compressed message"
    reader = WebSocketReader(0, is_server=True, deflate=DeflateParams())
    assert reader.feed_data(frame) == [WSMessage(WSMsgType.BINARY, data, "")]


def test_client_masks_each_frame_with_a_fresh_key() -> None:
    encoder = WebSocketFrameEncoder(is_server=False)
    keys = {encoder.encode(b"same", WSMsgType.BINARY)[2:6] for _ in range(32)}
    assert len(keys) > 1


def test_server_frames_are_unmasked_and_carry_the_payload_verbatim() -> None:
    frame = WebSocketFrameEncoder(is_server=True).encode(b"hello", WSMsgType.TEXT)
    assert frame == b"\x81\x05hello"


def test_encode_frame_uses_the_shortest_length_form() -> None:
    assert encode_frame(b"a" * 125, WSMsgType.BINARY)[:2] == b"\x82\x7d"
    assert encode_frame(b"a" * 126, WSMsgType.BINARY)[:4] == b"\x82\x7e\x00\x7e"
    assert encode_frame(b"a" * 65536, WSMsgType.BINARY)[:10] == b"\x82\x7f" + (65536).to_bytes(
        8, "big"
    )


def test_compressed_frame_strips_the_sync_flush_tail_and_sets_rsv1() -> None:
    frame = WebSocketFrameEncoder(deflate=DeflateParams()).encode(b"Hello", WSMsgType.TEXT)
    # RFC 7692 7.2.3.1's example: "Hello" compressed is f2 48 cd c9 c9 07 00
    assert frame == b"\xc1\x07\xf2\x48\xcd\xc9\xc9\x07\x00"


def test_context_takeover_makes_a_repeated_message_shorter() -> None:
    encoder = WebSocketFrameEncoder(deflate=DeflateParams())
    first = encoder.encode(b"Hello", WSMsgType.TEXT)
    second = encoder.encode(b"Hello", WSMsgType.TEXT)
    assert len(second) < len(first)  # RFC 7692 7.2.3.2: back-reference into the last message


def test_server_no_context_takeover_compresses_each_message_afresh() -> None:
    encoder = WebSocketFrameEncoder(deflate=DeflateParams(server_no_context_takeover=True))
    assert encoder.notakeover
    first = encoder.encode(b"Hello", WSMsgType.TEXT)
    assert encoder.encode(b"Hello", WSMsgType.TEXT) == first


def test_client_no_context_takeover_governs_the_client_encoder_not_the_server() -> None:
    params = DeflateParams(client_no_context_takeover=True)
    client = WebSocketFrameEncoder(is_server=False, deflate=params)
    server = WebSocketFrameEncoder(is_server=True, deflate=params)
    assert client.notakeover
    assert not server.notakeover


def test_window_bits_follow_each_sides_own_parameter() -> None:
    params = DeflateParams(server_max_window_bits=10, client_max_window_bits=12)
    assert WebSocketFrameEncoder(is_server=True, deflate=params).compress == 10
    assert WebSocketFrameEncoder(is_server=False, deflate=params).compress == 12
    assert WebSocketFrameEncoder(is_server=True).compress == 0


def test_reader_keeps_context_across_messages_unless_the_peer_resets() -> None:
    params = DeflateParams()
    encoder = WebSocketFrameEncoder(is_server=False, deflate=params)
    wire = [encoder.encode(b"Hello Hello", WSMsgType.TEXT) for _ in range(3)]
    reader = WebSocketReader(is_server=True, deflate=params)
    assert [reader.feed_data(frame) for frame in wire] == [
        [WSMessage(WSMsgType.TEXT, "Hello Hello", "")]
    ] * 3
    # A reader that wrongly reset its window would fail on the back-references:
    resetting = WebSocketReader(
        is_server=True, deflate=DeflateParams(client_no_context_takeover=True)
    )
    resetting.feed_data(wire[0])
    assert resetting.feed_data(wire[1]) != [WSMessage(WSMsgType.TEXT, "Hello Hello", "")]


def test_a_compressed_message_may_be_fragmented() -> None:
    frame = WebSocketFrameEncoder(deflate=DeflateParams()).encode(b"abc" * 100, 2)
    body = frame[2:]
    assert len(body) == frame[1] < 126
    wire = raw_frame(body[:5], WSMsgType.BINARY, fin=False, rsv=0b100) + raw_frame(
        body[5:], WSMsgType.CONTINUATION
    )
    reader = WebSocketReader(is_server=True, deflate=DeflateParams())
    assert reader.feed_data(wire) == [WSMessage(WSMsgType.BINARY, b"abc" * 100, "")]

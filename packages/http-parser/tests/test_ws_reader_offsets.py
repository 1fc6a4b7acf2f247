"""The frame reader parses by offset from each read: whatever the split, the messages match.

The reader keeps only what a read leaves unfinished (a split header, or the payload of
the frame in progress) and has a short path for whole uncompressed TEXT/BINARY frames;
these tests cut the wire at every offset, around every length boundary, through
fragmented messages and between control frames, and compare with one-piece parsing.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ws_frames import MASK, feed_bytewise, feed_split, only_error, raw_frame

from aiostrata.http_parser import (
    WebSocketError,
    WebSocketReader,
    WSMessage,
    WSMsgType,
    encode_frame,
)
from aiostrata.http_parser.ws_masking import Masking, python_apply_mask, select_masking

pytestmark = pytest.mark.usefixtures("masking")

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BOUNDARY_SIZES = [0, 1, 2, 3, 4, 5, 124, 125, 126, 127, 65535, 65536, 65537]
TEXT, BINARY, CONT = WSMsgType.TEXT, WSMsgType.BINARY, WSMsgType.CONTINUATION
PING, PONG, CLOSE = WSMsgType.PING, WSMsgType.PONG, WSMsgType.CLOSE


def _reference_mask(payload: bytes, key: bytes) -> bytes:
    return bytes(byte ^ key[index % 4] for index, byte in enumerate(payload))


def _cuts_around(size: int, header: int) -> list[int]:
    """Offsets inside and around the header, and near the payload's ends and middle."""
    points = set(range(header + 3))
    for base in (header + size // 2, header + size):
        points.update(range(max(0, base - 3), base + 3))
    return sorted(point for point in points if 0 < point < header + size)


# -- masking ---------------------------------------------------------------------------------


@PROPERTY
@given(payload=st.binary(max_size=2000), key=st.binary(min_size=4, max_size=4))
def test_masking_is_the_bytewise_xor_and_its_own_inverse(
    masking: Masking, payload: bytes, key: bytes
) -> None:
    apply_mask = masking
    masked = apply_mask(payload, key)
    assert masked == _reference_mask(payload, key)
    assert apply_mask(masked, key) == payload


@pytest.mark.parametrize(
    "size", [*BOUNDARY_SIZES, 16383, 16384, 16385, 32768, 32771, 100_001, 1 << 20]
)
def test_masking_at_the_length_and_chunk_boundaries(masking: Masking, size: int) -> None:
    apply_mask = masking
    payload = bytes(range(256)) * (size // 256) + bytes(range(size % 256))
    assert apply_mask(payload, MASK) == _reference_mask(payload, MASK)


@PROPERTY
@given(
    size=st.integers(16385, 70_000),
    key=st.binary(min_size=4, max_size=4),
    seed=st.binary(min_size=1, max_size=64),
)
def test_chunked_masking_of_large_payloads_matches_the_bytewise_xor(
    masking: Masking, size: int, key: bytes, seed: bytes
) -> None:
    apply_mask = masking
    payload = (seed * (size // len(seed) + 1))[:size]
    masked = apply_mask(payload, key)
    assert masked == _reference_mask(payload, key)
    assert apply_mask(bytearray(masked), key) == payload


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
def test_masking_takes_any_buffer_and_returns_bytes(masking: Masking, kind: type) -> None:
    apply_mask = masking
    for payload in (b"", b"abc", b"abcdefgh", bytes(range(256)) * 100):
        result = apply_mask(kind(payload), MASK)
        assert type(result) is bytes
        assert result == _reference_mask(payload, MASK)


@pytest.mark.parametrize("value", ["1", "yes"])
def test_the_no_extensions_variable_selects_the_python_masking(value: str) -> None:
    assert select_masking({"AIOSTRATA_NO_EXTENSIONS": value}) is python_apply_mask
    accelerated = select_masking({"AIOSTRATA_NO_EXTENSIONS": ""})
    assert accelerated is not python_apply_mask  # websockets is a test dependency
    assert accelerated(b"abcd", MASK) == python_apply_mask(b"abcd", MASK)


# -- one frame, every split ------------------------------------------------------------------


@pytest.mark.parametrize("size", BOUNDARY_SIZES)
@pytest.mark.parametrize("kind", [TEXT, BINARY])
def test_each_length_boundary_survives_any_single_cut(size: int, kind: WSMsgType) -> None:
    if kind is TEXT:
        data = ("é" * (size // 2) + "a" * (size % 2)).encode()
    else:
        data = (bytes(range(256)) * (size // 256 + 1))[:size]
    assert len(data) == size
    frame = encode_frame(data, kind, mask_key=MASK)
    expected = [WSMessage(kind, data.decode() if kind is TEXT else data, "")]
    header = len(frame) - len(data)
    assert WebSocketReader(0).feed_data(frame) == expected
    cuts = range(1, len(frame)) if len(frame) <= 300 else _cuts_around(len(data), header)
    for cut in cuts:
        assert feed_split(WebSocketReader(0), frame, [cut]) == expected, cut


@pytest.mark.parametrize("size", [0, 1, 125, 126, 127, 300])
def test_a_frame_fed_one_byte_at_a_time(size: int) -> None:
    data = bytes(range(size % 256)) * (size // 256 + 1)
    data = data[:size]
    for mask in (MASK, None):
        frame = encode_frame(data, BINARY, mask_key=mask)
        reader = WebSocketReader(0, is_server=mask is not None)
        assert feed_bytewise(reader, frame) == [WSMessage(BINARY, data, "")]


@pytest.mark.parametrize("size", [65535, 65536])
def test_a_large_frame_fed_in_small_reads(size: int) -> None:
    data = bytes(range(256)) * (size // 256)
    frame = encode_frame(data, BINARY, mask_key=MASK)
    reader = WebSocketReader(0)
    messages: list[WSMessage] = []
    for start in range(0, len(frame), 1000):
        messages += reader.feed_data(frame[start : start + 1000])
    assert messages == [WSMessage(BINARY, data, "")]


# -- streams of frames -----------------------------------------------------------------------


def _mixed_stream() -> tuple[bytes, list[WSMessage]]:
    """Short-path frames, a fragmented message with control frames between its
    fragments, the 16- and 64-bit length forms, and a close frame at the end."""
    parts = [
        (raw_frame(b"hello", TEXT), WSMessage(TEXT, "hello", "")),
        (raw_frame(b"", BINARY), WSMessage(BINARY, b"", "")),
        (raw_frame(b"p" * 125, PING), WSMessage(PING, b"p" * 125, "")),
        (raw_frame("ça ".encode()[:2], TEXT, fin=False), None),
        (raw_frame(b"", PONG), WSMessage(PONG, b"", "")),
        (raw_frame("ça ".encode()[2:], CONT, fin=False), None),
        (raw_frame(b"va", CONT), WSMessage(TEXT, "ça va", "")),
        (raw_frame(b"b" * 126, BINARY), WSMessage(BINARY, b"b" * 126, "")),
        (raw_frame(b"c" * 3, BINARY, length_form="64"), WSMessage(BINARY, b"ccc", "")),
        (raw_frame(b"d" * 200, BINARY, fin=False), None),
        (raw_frame(b"e" * 10, CONT), WSMessage(BINARY, b"d" * 200 + b"e" * 10, "")),
        (raw_frame((1000).to_bytes(2, "big") + b"bye", CLOSE), WSMessage(CLOSE, 1000, "bye")),
    ]
    wire = b"".join(frame for frame, _ in parts)
    return wire, [message for _, message in parts if message is not None]


def test_a_mixed_stream_survives_a_cut_at_every_offset() -> None:
    wire, expected = _mixed_stream()
    assert WebSocketReader(0).feed_data(wire) == expected
    for cut in range(1, len(wire)):
        assert feed_split(WebSocketReader(0), wire, [cut]) == expected, cut


def test_a_mixed_stream_survives_two_cuts_at_every_pair_of_nearby_offsets() -> None:
    wire, expected = _mixed_stream()
    for first in range(1, len(wire)):
        for second in range(first + 1, min(first + 16, len(wire))):
            assert feed_split(WebSocketReader(0), wire, [first, second]) == expected


def test_a_mixed_stream_fed_one_byte_at_a_time() -> None:
    wire, expected = _mixed_stream()
    assert feed_bytewise(WebSocketReader(0), wire) == expected


def test_bytes_after_the_close_frame_are_ignored_in_any_split() -> None:
    close = raw_frame(b"", CLOSE)
    wire = raw_frame(b"a", TEXT) + close + raw_frame(b"late", TEXT)
    for cut in range(1, len(wire)):
        assert feed_split(WebSocketReader(0), wire, [cut]) == [
            WSMessage(TEXT, "a", ""),
            WSMessage(CLOSE, 0, ""),
        ]


fragmented = st.lists(
    st.tuples(
        st.sampled_from([TEXT, BINARY]),
        st.binary(max_size=400),
        st.lists(st.integers(0, 400), max_size=4),  # fragment boundaries
        st.lists(st.sampled_from([PING, PONG]), max_size=2),  # interleaved control
    ),
    min_size=1,
    max_size=6,
)


@PROPERTY
@given(messages=fragmented, cuts=st.lists(st.integers(0, 3000), max_size=10), masked=st.booleans())
def test_fragmented_messages_with_control_frames_survive_any_split(
    messages: list[tuple[WSMsgType, bytes, list[int], list[WSMsgType]]],
    cuts: list[int],
    masked: bool,
) -> None:
    mask = MASK if masked else None
    wire = b""
    expected: list[WSMessage] = []
    for kind, raw, boundaries, controls in messages:
        data = raw.decode("latin-1").encode() if kind is TEXT else raw
        points = sorted({b for b in boundaries if 0 < b < len(data)})
        pieces = [data[a:b] for a, b in itertools.pairwise([0, *points, len(data)])]
        for index, piece in enumerate(pieces):
            opcode = kind if index == 0 else CONT
            wire += raw_frame(piece, opcode, fin=index == len(pieces) - 1, mask=mask)
            if index < len(pieces) - 1 and index < len(controls):
                wire += raw_frame(b"c", controls[index], mask=mask)
                expected.append(WSMessage(controls[index], b"c", ""))
        expected.append(WSMessage(kind, data.decode() if kind is TEXT else data, ""))
    # a control frame between fragments is delivered before the message it interrupts
    assert feed_split(WebSocketReader(0, is_server=masked), wire, cuts) == expected


# -- limits and errors keep their place in any split -----------------------------------------


def test_an_oversized_frame_fails_however_its_header_is_split() -> None:
    frame = raw_frame(b"", BINARY, declared_length=1001)[:8]
    for cut in range(1, len(frame)):
        messages = feed_split(WebSocketReader(1000), frame, [cut])
        assert only_error(messages).code == 1009, cut


def test_invalid_utf8_fails_with_1007_in_any_split() -> None:
    wire = raw_frame(b"ok", TEXT) + raw_frame(b"\xff\xfe", TEXT)
    for cut in range(1, len(wire)):
        messages = feed_split(WebSocketReader(0), wire, [cut])
        assert messages[0] == WSMessage(TEXT, "ok", "")
        assert only_error(messages).code == 1007


def test_a_split_64_bit_length_with_its_msb_set_is_a_protocol_error() -> None:
    frame = raw_frame(b"", BINARY, declared_length=1 << 63, length_form="64")[:14]
    for cut in range(1, len(frame)):
        assert only_error(feed_split(WebSocketReader(0), frame, [cut])).code == 1002


def test_a_partial_frame_keeps_no_more_than_its_own_bytes() -> None:
    reader = WebSocketReader(0)
    frame = raw_frame(b"x" * 100_000, BINARY)
    assert reader.feed_data(frame[:50_000]) == []
    assert len(reader._received) == 50_000 - 14  # 2 + a 64-bit length + the key
    assert not reader._tail
    assert reader.feed_data(frame[50_000:]) == [WSMessage(BINARY, b"x" * 100_000, "")]
    assert not reader._received
    assert not reader._tail


@pytest.mark.parametrize("kind", [bytearray, memoryview])
def test_any_buffer_type_is_accepted(kind: type) -> None:
    wire, expected = _mixed_stream()
    reader = WebSocketReader(0)
    messages: list[WSMessage] = []
    for start in range(0, len(wire), 7):
        messages += reader.feed_data(kind(wire[start : start + 7]))
    assert messages == expected


# -- the short path: one whole small frame per read -------------------------------------------


@pytest.mark.parametrize("limit", [1, 5, 64, 124, 125])
def test_the_size_limit_holds_for_frames_read_whole(limit: int) -> None:
    for size in (limit - 1, limit, limit + 1):
        if size < 0:
            continue
        messages = WebSocketReader(limit).feed_data(raw_frame(b"x" * size, BINARY))
        if size <= limit:
            assert messages == [WSMessage(BINARY, b"x" * size, "")]
        else:
            assert only_error(messages).code == 1009


def test_a_whole_data_frame_inside_a_fragmented_message_is_still_refused() -> None:
    reader = WebSocketReader(0)
    assert reader.feed_data(raw_frame(b"a", TEXT, fin=False)) == []
    assert only_error(reader.feed_data(raw_frame(b"b", TEXT))).code == 1002


def test_an_unmasked_whole_frame_is_refused_by_a_server() -> None:
    assert only_error(WebSocketReader(0).feed_data(raw_frame(b"b", TEXT, mask=None))).code == 1002


def test_invalid_utf8_read_whole_is_1007_and_ends_the_parsing() -> None:
    reader = WebSocketReader(0)
    assert only_error(reader.feed_data(raw_frame(b"\xc3", TEXT))).code == 1007
    assert reader.feed_data(raw_frame(b"ok", TEXT)) == []


one_frame_reads = st.lists(
    st.one_of(
        st.tuples(st.sampled_from([TEXT, BINARY]), st.binary(max_size=140), st.booleans()),
        st.tuples(st.just(CONT), st.binary(max_size=140), st.booleans()),
        st.tuples(st.sampled_from([PING, PONG]), st.binary(max_size=20), st.just(True)),
    ),
    max_size=12,
)


@PROPERTY
@given(frames=one_frame_reads, limit=st.sampled_from([0, 3, 64, 125, 1000]))
def test_reads_of_one_frame_each_parse_like_a_byte_at_a_time(
    frames: list[tuple[WSMsgType, bytes, bool]], limit: int
) -> None:
    """Valid or not (continuations without a start, new messages inside fragmented ones,
    text that is not UTF-8, frames over the limit), whole-frame reads and byte-by-byte
    reads give the same messages and the same error."""
    wire = [raw_frame(data, kind, fin=fin) for kind, data, fin in frames]
    whole = WebSocketReader(limit)
    by_frame = [message for frame in wire for message in whole.feed_data(frame)]
    by_byte = feed_bytewise(WebSocketReader(limit), b"".join(wire))
    assert [_comparable(m) for m in by_frame] == [_comparable(m) for m in by_byte]


def _comparable(message: WSMessage) -> object:
    if isinstance(message.data, WebSocketError):
        return (message.type, message.data.code, message.data.message)
    return message


def test_a_limit_changed_after_construction_holds_on_the_short_path() -> None:
    reader = WebSocketReader(0)
    assert reader.feed_data(raw_frame(b"x" * 100, BINARY)) == [WSMessage(BINARY, b"x" * 100, "")]
    reader.max_msg_size = 10
    assert only_error(reader.feed_data(raw_frame(b"x" * 11, BINARY))).code == 1009
    with pytest.raises(ValueError, match="max_msg_size"):
        reader.max_msg_size = -1


@pytest.mark.parametrize("limit", [0, 126, 1000, 65534, 65535])
def test_whole_16_bit_frames_keep_the_limit(limit: int) -> None:
    for size in (126, 127, 999, 1000, 1001, 65534, 65535):
        messages = WebSocketReader(limit).feed_data(raw_frame(b"y" * size, BINARY))
        if not limit or size <= limit:
            assert messages == [WSMessage(BINARY, b"y" * size, "")]
        else:
            assert only_error(messages).code == 1009


def test_whole_16_bit_text_frames_are_utf8_checked() -> None:
    good = "é" * 300
    assert WebSocketReader(0).feed_data(raw_frame(good.encode(), TEXT)) == [
        WSMessage(TEXT, good, "")
    ]
    bad = good.encode()[:-1] + b"!"  # a lone lead byte before the last character
    assert only_error(WebSocketReader(0).feed_data(raw_frame(bad, TEXT))).code == 1007


def test_a_16_bit_length_that_disagrees_with_the_read_takes_the_general_path() -> None:
    frame = raw_frame(b"z" * 300, BINARY)
    reader = WebSocketReader(0)
    assert reader.feed_data(frame + frame[:5]) == [WSMessage(BINARY, b"z" * 300, "")]
    assert reader.feed_data(frame[5:]) == [WSMessage(BINARY, b"z" * 300, "")]
    assert only_error(WebSocketReader(0).feed_data(raw_frame(b"c" * 130, CONT))).code == 1002

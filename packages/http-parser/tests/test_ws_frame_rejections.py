"""Every frame a conforming peer never sends fails the connection with its exact close code."""

from __future__ import annotations

import pytest
from ws_frames import MASK, deflate_message, feed_bytewise, only_error, raw_frame, server_reader

from aiostrata.http_parser import (
    DeflateParams,
    WebSocketReader,
    WSCloseCode,
    WSMessage,
    WSMsgType,
)

pytestmark = pytest.mark.usefixtures("masking")

TEXT, BINARY, CONT = WSMsgType.TEXT, WSMsgType.BINARY, WSMsgType.CONTINUATION
CLOSE, PING, PONG = WSMsgType.CLOSE, WSMsgType.PING, WSMsgType.PONG


def error_code(data: bytes, reader: WebSocketReader | None = None) -> int:
    """The close code the reader fails with, checked both whole and byte by byte."""
    whole = only_error((reader or server_reader()).feed_data(data)).code
    bytewise = only_error(feed_bytewise(server_reader(deflate=reader is not None), data)).code
    assert whole == bytewise
    return whole


# -- masking (RFC 6455 5.1) ------------------------------------------------------------------------


def test_server_rejects_an_unmasked_client_frame() -> None:
    assert error_code(raw_frame(b"hi", TEXT, mask=None)) == WSCloseCode.PROTOCOL_ERROR


def test_client_rejects_a_masked_server_frame() -> None:
    reader = WebSocketReader(is_server=False)
    assert only_error(reader.feed_data(raw_frame(b"hi", TEXT))).code == 1002


def test_client_accepts_an_unmasked_server_frame() -> None:
    reader = WebSocketReader(is_server=False)
    assert reader.feed_data(raw_frame(b"hi", TEXT, mask=None)) == [WSMessage(TEXT, "hi", "")]


# -- reserved bits and opcodes (RFC 6455 5.2) ------------------------------------------------------


@pytest.mark.parametrize("rsv", [0b100, 0b010, 0b001, 0b111])
def test_reserved_bits_without_an_extension_are_a_protocol_error(rsv: int) -> None:
    assert error_code(raw_frame(b"x", BINARY, rsv=rsv)) == 1002


@pytest.mark.parametrize("rsv", [0b010, 0b001])
def test_rsv2_and_rsv3_are_errors_even_with_permessage_deflate(rsv: int) -> None:
    reader = server_reader(deflate=True)
    assert error_code(raw_frame(b"x", BINARY, rsv=rsv), reader) == 1002


@pytest.mark.parametrize("opcode", [PING, PONG, CLOSE])
def test_rsv1_on_a_control_frame_is_an_error(opcode: int) -> None:
    reader = server_reader(deflate=True)
    assert error_code(raw_frame(b"", opcode, rsv=0b100), reader) == 1002


def test_rsv1_on_a_continuation_frame_is_an_error() -> None:
    first = raw_frame(deflate_message(b"ab"), TEXT, fin=False, rsv=0b100)
    reader = server_reader(deflate=True)
    assert error_code(first + raw_frame(b"", CONT, rsv=0b100), reader) == 1002


@pytest.mark.parametrize("opcode", [3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF])
def test_reserved_opcodes_are_a_protocol_error(opcode: int) -> None:
    assert error_code(raw_frame(b"", opcode)) == 1002


# -- control frames (RFC 6455 5.5) -----------------------------------------------------------------


@pytest.mark.parametrize("opcode", [PING, PONG, CLOSE])
def test_a_fragmented_control_frame_is_an_error(opcode: int) -> None:
    assert error_code(raw_frame(b"\x03\xe8", opcode, fin=False)) == 1002


@pytest.mark.parametrize("opcode", [PING, PONG, CLOSE])
def test_control_payload_over_125_bytes_is_an_error(opcode: int) -> None:
    assert error_code(raw_frame(b"\x03\xe8" + b"a" * 124, opcode)) == 1002


def test_control_payload_of_exactly_125_bytes_is_accepted() -> None:
    assert server_reader().feed_data(raw_frame(b"p" * 125, PING)) == [
        WSMessage(PING, b"p" * 125, "")
    ]


def test_control_frame_declaring_a_16_bit_length_is_rejected_before_its_payload() -> None:
    head = raw_frame(b"", PING, declared_length=126, length_form="16")
    assert only_error(server_reader().feed_data(head[:2])).code == 1002


# -- fragmentation (RFC 6455 5.4) ------------------------------------------------------------------


def test_continuation_without_a_started_message_is_an_error() -> None:
    assert error_code(raw_frame(b"x", CONT)) == 1002


@pytest.mark.parametrize("opcode", [TEXT, BINARY])
def test_new_data_frame_inside_a_fragmented_message_is_an_error(opcode: int) -> None:
    data = raw_frame(b"a", TEXT, fin=False) + raw_frame(b"b", opcode)
    assert error_code(data) == 1002


def test_control_frames_may_arrive_between_fragments() -> None:
    data = (
        raw_frame(b"he", TEXT, fin=False)
        + raw_frame(b"!", PING)
        + raw_frame(b"ll", CONT, fin=False)
        + raw_frame(b"o", CONT)
    )
    assert server_reader().feed_data(data) == [
        WSMessage(PING, b"!", ""),
        WSMessage(TEXT, "hello", ""),
    ]


# -- close frames (RFC 6455 5.5.1, 7.4) ------------------------------------------------------------


def test_close_frame_with_a_one_byte_payload_is_an_error() -> None:
    assert error_code(raw_frame(b"\x03", CLOSE)) == 1002


@pytest.mark.parametrize(
    "code", [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535]
)
def test_close_codes_never_valid_on_the_wire_are_an_error(code: int) -> None:
    assert error_code(raw_frame(code.to_bytes(2, "big"), CLOSE)) == 1002


@pytest.mark.parametrize(
    "code", [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999]
)
def test_valid_close_codes_are_reported_with_their_reason(code: int) -> None:
    frame = raw_frame(code.to_bytes(2, "big") + "bye ✓".encode(), CLOSE)
    assert server_reader().feed_data(frame) == [WSMessage(CLOSE, code, "bye ✓")]


def test_empty_close_frame_reports_code_zero() -> None:
    assert server_reader().feed_data(raw_frame(b"", CLOSE)) == [WSMessage(CLOSE, 0, "")]


def test_close_reason_that_is_not_utf8_is_invalid_text() -> None:
    assert error_code(raw_frame(b"\x03\xe8\xff\xfe", CLOSE)) == WSCloseCode.INVALID_TEXT


def test_nothing_is_parsed_after_a_close_frame() -> None:
    reader = server_reader()
    messages = reader.feed_data(raw_frame(b"\x03\xe8", CLOSE) + raw_frame(b"late", TEXT))
    assert messages == [WSMessage(CLOSE, 1000, "")]
    assert reader.feed_data(raw_frame(b"later", TEXT)) == []
    assert reader.done


# -- UTF-8 (RFC 6455 8.1) --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"ok\xe2\x82", b"\xce\xba\xe1"],
)
def test_text_message_with_invalid_utf8_is_error_1007(payload: bytes) -> None:
    assert error_code(raw_frame(payload, TEXT)) == WSCloseCode.INVALID_TEXT


def test_utf8_character_split_across_fragments_is_accepted() -> None:
    euro = "€".encode()
    data = raw_frame(euro[:1], TEXT, fin=False) + raw_frame(euro[1:], CONT)
    assert server_reader().feed_data(data) == [WSMessage(TEXT, "€", "")]


def test_invalid_utf8_fails_at_its_fragment_before_the_message_ends() -> None:
    reader = server_reader()
    first = reader.feed_data(raw_frame(b"fine", TEXT, fin=False))
    assert first == []
    assert only_error(reader.feed_data(raw_frame(b"\xff", CONT, fin=False))).code == 1007


def test_truncated_utf8_at_the_end_of_a_text_message_is_error_1007() -> None:
    data = raw_frame(b"\xe2", TEXT, fin=False) + raw_frame(b"\x82", CONT)
    assert error_code(data) == 1007


def test_invalid_utf8_in_a_binary_message_is_fine() -> None:
    assert server_reader().feed_data(raw_frame(b"\xff\xfe", BINARY)) == [
        WSMessage(BINARY, b"\xff\xfe", "")
    ]


# -- lengths (RFC 6455 5.2) ------------------------------------------------------------------------


def test_64_bit_length_with_the_most_significant_bit_set_is_an_error() -> None:
    head = raw_frame(b"", BINARY, declared_length=1 << 63, length_form="64")
    assert only_error(server_reader(0).feed_data(head[:10])).code == 1002


def test_nothing_more_is_parsed_after_an_error() -> None:
    reader = server_reader()
    only_error(reader.feed_data(raw_frame(b"x", 3) + raw_frame(b"ok", TEXT)))
    assert reader.feed_data(raw_frame(b"ok", TEXT)) == []
    assert reader.error is not None
    assert reader.error.code == 1002


def test_messages_before_an_error_in_the_same_data_are_returned_first() -> None:
    messages = server_reader().feed_data(raw_frame(b"a", TEXT) + raw_frame(b"b", TEXT, mask=None))
    assert messages[0] == WSMessage(TEXT, "a", "")
    assert only_error(messages).code == 1002


def test_mask_key_is_applied_across_reads() -> None:
    frame = raw_frame(b"masked payload", BINARY, mask=MASK)
    assert feed_bytewise(server_reader(), frame) == [WSMessage(BINARY, b"masked payload", "")]


def test_reader_configured_with_deflate_accepts_uncompressed_messages() -> None:
    reader = WebSocketReader(is_server=True, deflate=DeflateParams())
    assert reader.feed_data(raw_frame(b"plain", TEXT)) == [WSMessage(TEXT, "plain", "")]

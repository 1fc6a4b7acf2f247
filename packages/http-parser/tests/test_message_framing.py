"""Message framing: where a body ends and the next request begins (RFC 9112 6).

Each smuggling regression is named after the advisory class it guards against.
"""

from __future__ import annotations

import pytest
from parser_backends import new_parser

from aiostrata.http_parser import (
    BodyData,
    ContentLengthError,
    Event,
    HttpProcessingError,
    HttpVersion10,
    MessageComplete,
    ParseError,
    ParserLimits,
    PayloadTooLarge,
    RawRequestMessage,
    RequestHead,
    TransferEncodingError,
    UnsupportedTransferCoding,
    UpgradedData,
)

pytestmark = pytest.mark.usefixtures("parser_backend")


def parse(data: bytes, limits: ParserLimits | None = None) -> list[Event]:
    return new_parser(limits).feed_data(data)


def error(events: list[Event]) -> HttpProcessingError:
    assert events, "expected a ParseError"
    last = events[-1]
    assert isinstance(last, ParseError), events
    return last.error


def heads(events: list[Event]) -> list[RawRequestMessage]:
    return [event.message for event in events if isinstance(event, RequestHead)]


def body(events: list[Event]) -> bytes:
    return b"".join(event.data for event in events if isinstance(event, BodyData))


def req(*fields: bytes, method: bytes = b"POST", version: bytes = b"HTTP/1.1") -> bytes:
    lines = [method + b" / " + version, *fields]
    if version == b"HTTP/1.1" and not any(f.lower().startswith(b"host:") for f in fields):
        lines.insert(1, b"Host: a")
    return b"\r\n".join(lines) + b"\r\n\r\n"


# -- Content-Length and Transfer-Encoding ----------------------------------------------------------


def test_content_length_body_is_delivered_then_the_message_completes() -> None:
    events = parse(req(b"Content-Length: 5") + b"hello")
    assert isinstance(events[0], RequestHead)
    assert events[0].has_body
    assert not events[0].message.chunked
    assert events[1:] == [BodyData(b"hello"), MessageComplete()]


def test_request_without_length_or_encoding_has_no_body() -> None:
    events = parse(req(method=b"POST"))
    assert isinstance(events[0], RequestHead)
    assert not events[0].has_body
    assert events[1:] == [MessageComplete()]


def test_content_length_zero_has_no_body() -> None:
    events = parse(req(b"Content-Length: 0"))
    assert isinstance(events[0], RequestHead)
    assert not events[0].has_body
    assert events[1:] == [MessageComplete()]


def test_content_length_with_transfer_encoding_is_a_400() -> None:
    data = req(b"Content-Length: 5", b"Transfer-Encoding: chunked") + b"0\r\n\r\n"
    exc = error(parse(data))
    assert exc.code == 400
    assert heads(parse(data)) == []


def test_transfer_encoding_with_content_length_in_either_order_is_a_400() -> None:
    data = req(b"Transfer-Encoding: chunked", b"Content-Length: 5") + b"0\r\n\r\n"
    assert error(parse(data)).code == 400


@pytest.mark.parametrize(
    "value",
    [b"chunked123", b"chunked, gzip", b"gzip", b"identity", b"xchunked", b"chunked;q=1", b""],
)
def test_ghsa_xx9p_xxvh_7g8j_transfer_encoding_not_ending_in_chunked_is_a_400(
    value: bytes,
) -> None:
    exc = error(parse(req(b"Transfer-Encoding: " + value) + b"0\r\n\r\n"))
    assert exc.code == 400


def test_ghsa_xx9p_xxvh_7g8j_chunked_then_gzip_in_separate_fields_is_a_400() -> None:
    data = req(b"Transfer-Encoding: chunked", b"Transfer-Encoding: gzip") + b"0\r\n\r\n"
    assert error(parse(data)).code == 400


def test_other_codings_before_chunked_are_a_501() -> None:
    exc = error(parse(req(b"Transfer-Encoding: gzip, chunked") + b"0\r\n\r\n"))
    assert isinstance(exc, UnsupportedTransferCoding)
    assert exc.code == 501


def test_transfer_encoding_is_matched_case_insensitively_in_ascii() -> None:
    events = parse(req(b"Transfer-Encoding: ChUnKeD") + b"3\r\nabc\r\n0\r\n\r\n")
    assert heads(events)[0].chunked
    assert body(events) == b"abc"
    assert events[-1] == MessageComplete()


def test_transfer_encoding_on_http_1_0_is_a_400() -> None:
    data = req(b"Transfer-Encoding: chunked", version=b"HTTP/1.0") + b"0\r\n\r\n"
    assert error(parse(data)).code == 400


def test_ghsa_69f9_5gxw_wvc2_kelvin_sign_lookalike_is_not_chunked() -> None:
    lookalike = "chun\u212aed".encode()
    assert not lookalike.isascii()
    assert "chun\u212aed".lower() == "chunked"  # the Unicode fold that must not be applied
    exc = error(parse(req(b"Transfer-Encoding: " + lookalike) + b"0\r\n\r\n"))
    assert exc.code == 400


def test_ghsa_69f9_5gxw_wvc2_non_ascii_connection_tokens_do_not_match() -> None:
    # "\u212a" folds to "k": "\u212aeep-alive" must not keep an HTTP/1.0 connection open.
    message = heads(parse(req("Connection: \u212aeep-alive".encode(), version=b"HTTP/1.0")))[0]
    assert message.should_close


@pytest.mark.parametrize(
    "value",
    [
        b"+5",
        b"-1",
        b"5, 5",
        b"5,5",
        b"5 5",
        b"0x5",
        b"5.0",
        b"1e1",
        b"five",
        b"\xd9\xa5",  # ARABIC-INDIC DIGIT FIVE
        b"\xef\xbc\x95",  # FULLWIDTH DIGIT FIVE
        b"",
        b"1234567890123456789",
    ],
)
def test_invalid_content_length_is_a_400(value: bytes) -> None:
    exc = error(parse(req(b"Content-Length: " + value) + b"hello"))
    assert isinstance(exc, ContentLengthError)
    assert exc.code == 400


def test_content_length_surrounded_by_ows_is_the_number() -> None:
    # RFC 9110 5.5: OWS around a field value is not part of it, so " 5 " is "5".
    events = parse(req(b"Content-Length:  5 \t") + b"hello")
    assert heads(events)[0].headers["Content-Length"] == "5"
    assert body(events) == b"hello"
    assert events[-1] == MessageComplete()


def test_two_different_content_lengths_are_a_400() -> None:
    exc = error(parse(req(b"Content-Length: 5", b"Content-Length: 6") + b"hello!"))
    assert exc.code == 400


def test_two_equal_content_lengths_are_accepted() -> None:
    events = parse(req(b"Content-Length: 5", b"Content-Length: 5") + b"hello")
    assert body(events) == b"hello"
    assert events[-1] == MessageComplete()


@pytest.mark.parametrize("method", [b"HEAD", b"GET", b"DELETE", b"OPTIONS"])
def test_pysec_2026_4371_body_of_a_bodyless_method_is_never_parsed_as_a_request(
    method: bytes,
) -> None:
    smuggled = b"GET /admin HTTP/1.1\r\nHost: a\r\n\r\n"
    data = req(b"Content-Length: %d" % len(smuggled), method=method) + smuggled
    events = parse(data)
    assert [m.path for m in heads(events)] == ["/"]
    assert heads(events)[0].method == method.decode()
    assert body(events) == smuggled
    assert events[-1] == MessageComplete()


def test_content_length_over_max_body_size_is_a_413_before_the_body() -> None:
    exc = error(parse(req(b"Content-Length: 11"), ParserLimits(max_body_size=10)))
    assert isinstance(exc, PayloadTooLarge)
    assert exc.code == 413


def test_content_length_at_max_body_size_is_accepted() -> None:
    events = parse(req(b"Content-Length: 10") + b"0123456789", ParserLimits(max_body_size=10))
    assert body(events) == b"0123456789"


# -- pipelining and connection persistence ---------------------------------------------------------


def test_pipelined_requests_are_parsed_in_order() -> None:
    data = (
        req(b"Content-Length: 3", method=b"POST")
        + b"abc"
        + req(method=b"GET")
        + req(b"Transfer-Encoding: chunked", method=b"PUT")
        + b"2\r\nxy\r\n0\r\n\r\n"
    )
    events = parse(data)
    assert [m.method for m in heads(events)] == ["POST", "GET", "PUT"]
    assert sum(isinstance(e, MessageComplete) for e in events) == 3


def test_connection_close_ends_parsing_after_the_message() -> None:
    parser = new_parser()
    data = req(b"Connection: close", b"Content-Length: 2") + b"ok" + req(method=b"GET")
    events = parser.feed_data(data)
    assert [m.should_close for m in heads(events)] == [True]
    assert events[-1] == MessageComplete()
    assert parser.done
    assert parser.feed_data(req(method=b"GET")) == []
    assert parser.feed_eof() == []


def test_connection_tokens_are_a_case_insensitive_list() -> None:
    message = heads(parse(req(b"Connection: foo, CLOSE")))[0]
    assert message.should_close


def test_http_1_1_keeps_the_connection_by_default() -> None:
    message = heads(parse(req()))[0]
    assert not message.should_close


def test_http_1_0_closes_by_default() -> None:
    parser = new_parser()
    events = parser.feed_data(req(version=b"HTTP/1.0") + req(version=b"HTTP/1.0"))
    messages = heads(events)
    assert len(messages) == 1
    assert messages[0].version == HttpVersion10
    assert messages[0].should_close
    assert parser.done


def test_http_1_0_keep_alive_keeps_the_connection() -> None:
    events = parse(req(b"Connection: Keep-Alive", version=b"HTTP/1.0") * 2)
    messages = heads(events)
    assert [m.should_close for m in messages] == [False, False]


@pytest.mark.parametrize(
    "value",
    [b"keep-alive, close", b"close, keep-alive", b"Keep-Alive", b"keep-alive\r\nConnection: close"],
)
def test_http_1_0_close_wins_over_keep_alive(value: bytes) -> None:
    """RFC 9112 9.3: with both, the connection closes after the response."""
    parser = new_parser()
    message = heads(parser.feed_data(req(b"Connection: " + value, version=b"HTTP/1.0")))[0]
    assert message.should_close == (b"close" in value.lower().replace(b"keep-alive", b""))
    fast = new_parser().take_bodiless_request(req(b"Connection: " + value, version=b"HTTP/1.0"))
    assert fast is not None
    assert fast.should_close == message.should_close


# -- upgrade and CONNECT ---------------------------------------------------------------------------


def test_websocket_upgrade_hands_over_the_following_bytes() -> None:
    parser = new_parser()
    data = req(b"Connection: Upgrade", b"Upgrade: websocket", method=b"GET")
    events = parser.feed_data(data + b"\x81\x05hello GET / HTTP/1.1\r\n\r\n")
    message = heads(events)[0]
    assert message.upgrade
    assert events[1:] == [MessageComplete(), UpgradedData(b"\x81\x05hello GET / HTTP/1.1\r\n\r\n")]
    assert parser.upgraded
    assert parser.feed_data(b"more") == [UpgradedData(b"more")]
    assert parser.feed_data(b"") == []
    assert parser.feed_eof() == []


def test_upgrade_header_alone_does_not_upgrade() -> None:
    events = parse(req(b"Upgrade: websocket", method=b"GET") + req(method=b"GET"))
    messages = heads(events)
    assert [m.upgrade for m in messages] == [False, False]


def test_upgrade_with_a_body_is_a_400() -> None:
    data = req(b"Connection: upgrade", b"Upgrade: websocket", b"Content-Length: 3") + b"abc"
    assert error(parse(data)).code == 400


def test_connect_hands_over_the_following_bytes() -> None:
    parser = new_parser()
    data = b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n\x16\x03\x01"
    events = parser.feed_data(data)
    assert heads(events)[0].upgrade
    assert events[1:] == [MessageComplete(), UpgradedData(b"\x16\x03\x01")]
    assert parser.feed_data(b"\x00") == [UpgradedData(b"\x00")]


# -- end of stream ---------------------------------------------------------------------------------


def test_eof_in_the_middle_of_a_content_length_body_is_an_error() -> None:
    parser = new_parser()
    events = parser.feed_data(req(b"Content-Length: 10") + b"12345")
    assert body(events) == b"12345"
    exc = error(parser.feed_eof())
    assert isinstance(exc, ContentLengthError)
    assert exc.code == 400
    assert parser.done


def test_eof_in_the_middle_of_a_chunked_body_is_an_error() -> None:
    parser = new_parser()
    parser.feed_data(req(b"Transfer-Encoding: chunked") + b"5\r\nhel")
    exc = error(parser.feed_eof())
    assert isinstance(exc, TransferEncodingError)
    assert exc.code == 400


@pytest.mark.parametrize("tail", [b"5\r\nhello", b"5\r\nhello\r\n", b"0\r\n", b"0\r\nX: y\r\n"])
def test_eof_anywhere_inside_chunked_framing_is_an_error(tail: bytes) -> None:
    parser = new_parser()
    parser.feed_data(req(b"Transfer-Encoding: chunked") + tail)
    assert error(parser.feed_eof()).code == 400


def test_chunked_applied_twice_is_a_400() -> None:
    """RFC 9112 7.1: a sender must not apply chunked more than once."""
    raw = b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n"
    events = new_parser().feed_data(raw)
    assert len(events) == 1
    assert isinstance(events[0], ParseError)
    assert events[0].error.code == 400

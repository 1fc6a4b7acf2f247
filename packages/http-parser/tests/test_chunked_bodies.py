"""Chunked transfer coding: sizes, extensions, data framing and trailers (RFC 9112 7.1)."""

from __future__ import annotations

import pytest
from parser_backends import new_parser

from aiostrata.http_parser import (
    BodyData,
    ChunkEnd,
    Event,
    HttpProcessingError,
    MessageComplete,
    ParseError,
    ParserLimits,
    PayloadTooLarge,
    RequestHead,
    TransferEncodingError,
)

pytestmark = pytest.mark.usefixtures("parser_backend")

HEAD = b"POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
NEXT = b"GET /next HTTP/1.1\r\nHost: a\r\n\r\n"


def parse(body: bytes, limits: ParserLimits | None = None) -> list[Event]:
    return new_parser(limits).feed_data(HEAD + body)


def error(events: list[Event]) -> HttpProcessingError:
    assert events, "expected a ParseError"
    last = events[-1]
    assert isinstance(last, ParseError), events
    return last.error


def body_events(events: list[Event]) -> list[Event]:
    assert isinstance(events[0], RequestHead)
    assert events[0].has_body
    assert events[0].message.chunked
    return events[1:]


def body(events: list[Event]) -> bytes:
    return b"".join(event.data for event in events if isinstance(event, BodyData))


def completed(events: list[Event]) -> MessageComplete:
    complete = [event for event in events if isinstance(event, MessageComplete)]
    assert len(complete) == 1, events
    return complete[0]


# -- chunk sizes -----------------------------------------------------------------------------------


def test_chunks_are_delivered_with_a_chunk_end_after_each() -> None:
    events = body_events(parse(b"5\r\nhello\r\n1\r\n \r\n6\r\nworld!\r\n0\r\n\r\n"))
    assert events == [
        BodyData(b"hello"),
        ChunkEnd(),
        BodyData(b" "),
        ChunkEnd(),
        BodyData(b"world!"),
        ChunkEnd(),
        MessageComplete(),
    ]


@pytest.mark.parametrize(("size", "length"), [(b"a", 10), (b"A", 10), (b"0f", 15), (b"010", 16)])
def test_chunk_size_is_hex_in_either_case(size: bytes, length: int) -> None:
    events = parse(size + b"\r\n" + b"x" * length + b"\r\n0\r\n\r\n")
    assert body(events) == b"x" * length
    completed(events)


def test_sixteen_hex_digits_are_accepted() -> None:
    events = parse(b"0000000000000003\r\nabc\r\n0000000000000000\r\n\r\n")
    assert body(events) == b"abc"
    completed(events)


@pytest.mark.parametrize(
    "size",
    [
        b"0x5",
        b"+5",
        b"-5",
        b" 5",
        b"\t5",
        b"5 ",
        b"g",
        b"",
        b"00000000000000005",  # 17 hex digits
        b"\xd9\xa5",  # ARABIC-INDIC DIGIT FIVE
        b"\xef\xbc\x95",  # FULLWIDTH DIGIT FIVE
        b"5_0",
        b"5\x00",
    ],
)
def test_invalid_chunk_size_is_a_400(size: bytes) -> None:
    exc = error(parse(size + b"\r\nhello\r\n0\r\n\r\n"))
    assert isinstance(exc, TransferEncodingError)
    assert exc.code == 400


def test_bare_lf_after_a_chunk_size_is_a_400() -> None:
    assert error(parse(b"5\nhello\r\n0\r\n\r\n")).code == 400


def test_bare_lf_in_a_partial_chunk_size_line_is_refused_without_waiting() -> None:
    parser = new_parser()
    parser.feed_data(HEAD)
    assert error(parser.feed_data(b"5\nhel")).code == 400


def test_bare_cr_in_a_chunk_size_line_is_a_400() -> None:
    assert error(parse(b"5\rX\r\nhello\r\n0\r\n\r\n")).code == 400


# -- chunk extensions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ext",
    [
        b";a",
        b";a=b",
        b";a=b;c;d=e",
        b' ; a = "quoted value"',
        b'\t;\ta\t=\t"with \\" escape and ; and = inside"',
        b";name=tok-en.1",
        b';e=""',
        b';e="\xc3\xa9"',
    ],
)
def test_valid_chunk_extensions_are_accepted_and_ignored(ext: bytes) -> None:
    events = parse(b"5" + ext + b"\r\nhello\r\n0" + ext + b"\r\n\r\n")
    assert body(events) == b"hello"
    completed(events)


@pytest.mark.parametrize(
    "ext",
    [
        b";",
        b";=b",
        b";a=",
        b";a=b c",
        b";a b",
        b';a="unterminated',
        b';a="x"y',
        b";a=\x00",
        b";a=\x7f",
        b';a="\x01"',
        b";a=b ",
        b";a\rb",
        b"garbage",
        b" ",
        b";a=(b)",
    ],
)
def test_invalid_chunk_extensions_are_a_400(ext: bytes) -> None:
    exc = error(parse(b"5" + ext + b"\r\nhello\r\n0\r\n\r\n"))
    assert exc.code == 400


@pytest.mark.parametrize("ext", [b";a=b\nc", b';a="x\ny"', b";a\n", b";\n"])
def test_ghsa_8495_4g3g_x7pr_lf_inside_a_chunk_extension_is_a_400(ext: bytes) -> None:
    exc = error(parse(b"5" + ext + b"\r\nhello\r\n0\r\n\r\n"))
    assert exc.code == 400


def test_ghsa_8495_4g3g_x7pr_lf_in_extension_cannot_smuggle_a_request() -> None:
    smuggle = b"0;x\nGET /admin HTTP/1.1\r\nHost: a\r\n\r\n"
    events = parse(b"5\r\nhello\r\n" + smuggle)
    assert error(events).code == 400
    assert not any(isinstance(e, RequestHead) and e.message.path == "/admin" for e in events)


def test_chunk_line_at_max_chunk_line_size_is_accepted() -> None:
    line = b"5;a=" + b"v" * 96
    assert len(line) == 100
    events = parse(line + b"\r\nhello\r\n0\r\n\r\n", ParserLimits(max_chunk_line_size=100))
    assert body(events) == b"hello"


def test_chunk_line_longer_than_max_chunk_line_size_is_a_400() -> None:
    line = b"5;a=" + b"v" * 97
    exc = error(parse(line + b"\r\nhello\r\n0\r\n\r\n", ParserLimits(max_chunk_line_size=100)))
    assert isinstance(exc, TransferEncodingError)
    assert exc.code == 400


def test_overlong_chunk_line_is_refused_before_its_end_arrives() -> None:
    parser = new_parser(ParserLimits(max_chunk_line_size=100))
    parser.feed_data(HEAD + b"5;a=" + b"v" * 50)
    assert error(parser.feed_data(b"v" * 60)).code == 400


def test_chunk_line_at_the_limit_split_after_its_cr_is_accepted() -> None:
    parser = new_parser(ParserLimits(max_chunk_line_size=100))
    events = parser.feed_data(HEAD + b"5;a=" + b"v" * 96 + b"\r")
    assert events[1:] == []
    events = parser.feed_data(b"\nhello\r\n0\r\n\r\n")
    assert events == [BodyData(b"hello"), ChunkEnd(), MessageComplete()]


# -- chunk data framing ----------------------------------------------------------------------------


@pytest.mark.parametrize("after", [b"XX", b"\n\r", b"\rX", b"X\r\n", b"\n"])
def test_chunk_data_not_followed_by_crlf_is_a_400_at_once(after: bytes) -> None:
    # aiohttp #10596: the error must come now, not after waiting for more bytes.
    parser = new_parser()
    events = parser.feed_data(HEAD + b"5\r\nhello" + after)
    assert body(events) == b"hello"
    exc = error(events)
    assert isinstance(exc, TransferEncodingError)
    assert exc.code == 400
    assert parser.done


def test_chunk_data_longer_than_its_size_is_a_400() -> None:
    assert error(parse(b"3\r\nhello\r\n0\r\n\r\n")).code == 400


def test_crlf_after_chunk_data_may_arrive_split() -> None:
    parser = new_parser()
    assert body_events(parser.feed_data(HEAD + b"3\r\nabc")) == [BodyData(b"abc"), ChunkEnd()]
    assert parser.feed_data(b"\r") == []
    assert parser.feed_data(b"\n") == []
    assert parser.feed_data(b"0\r\n\r\n") == [MessageComplete()]


def test_chunk_data_split_across_feeds_is_delivered_as_it_arrives() -> None:
    parser = new_parser()
    assert body_events(parser.feed_data(HEAD + b"a\r\n01234")) == [BodyData(b"01234")]
    assert parser.feed_data(b"567") == [BodyData(b"567")]
    assert parser.feed_data(b"89\r\n0\r\n\r\n") == [
        BodyData(b"89"),
        ChunkEnd(),
        MessageComplete(),
    ]


# -- trailers --------------------------------------------------------------------------------------


def test_trailers_are_returned_in_message_complete() -> None:
    events = parse(b"3\r\nabc\r\n0\r\nX-Checksum: 123 \r\nx-other:\tv\r\n\r\n")
    assert completed(events).trailers == (("X-Checksum", "123"), ("x-other", "v"))


def test_no_trailers_gives_an_empty_tuple() -> None:
    assert completed(parse(b"0\r\n\r\n")).trailers == ()


def test_ghsa_9548_qrrj_x5pj_a_trailer_section_is_not_the_next_request() -> None:
    parser = new_parser()
    data = HEAD + b"0\r\nGET /smuggled HTTP/1.1\r\n\r\n" + NEXT
    events = parser.feed_data(data)
    assert error(events).code == 400
    assert [e.message.path for e in events if isinstance(e, RequestHead)] == ["/upload"]


def test_ghsa_9548_qrrj_x5pj_trailers_then_the_next_request() -> None:
    events = new_parser().feed_data(HEAD + b"0\r\nHost: evil\r\n\r\n" + NEXT)
    assert [e.message.path for e in events if isinstance(e, RequestHead)] == ["/upload", "/next"]
    finished = [e for e in events if isinstance(e, MessageComplete)]
    assert finished == [MessageComplete((("Host", "evil"),)), MessageComplete()]
    next_head = [e for e in events if isinstance(e, RequestHead)][1]
    assert next_head.message.headers["Host"] == "a"


def test_trailers_do_not_leak_into_the_next_message() -> None:
    parser = new_parser()
    events = parser.feed_data(HEAD + b"0\r\nX: 1\r\n\r\n" + HEAD + b"0\r\n\r\n")
    finished = [e for e in events if isinstance(e, MessageComplete)]
    assert finished == [MessageComplete((("X", "1"),)), MessageComplete(())]


def test_max_trailers_are_accepted() -> None:
    trailers = b"".join(b"T%d: v\r\n" % i for i in range(3))
    events = parse(b"0\r\n" + trailers + b"\r\n", ParserLimits(max_trailers=3))
    assert len(completed(events).trailers) == 3


def test_ghsa_w2fm_2cpv_w7v5_more_than_max_trailers_is_an_error() -> None:
    trailers = b"".join(b"T%d: v\r\n" % i for i in range(4))
    exc = error(parse(b"0\r\n" + trailers + b"\r\n", ParserLimits(max_trailers=3)))
    assert exc.code == 400  # ParserLimits: "chunk framing and trailers to 400"


def test_ghsa_w2fm_2cpv_w7v5_endless_trailers_are_refused_while_they_arrive() -> None:
    parser = new_parser(ParserLimits(max_trailers=10))
    parser.feed_data(HEAD + b"0\r\n")
    events: list[Event] = []
    for i in range(1000):
        events = parser.feed_data(b"T%d: v\r\n" % i)
        if events:
            break
    assert error(events).code == 400
    assert i == 10


def test_trailer_section_over_max_trailer_size_is_an_error() -> None:
    trailers = b"A: " + b"x" * 60 + b"\r\nB: " + b"x" * 60 + b"\r\n"
    exc = error(parse(b"0\r\n" + trailers + b"\r\n", ParserLimits(max_trailer_size=100)))
    assert exc.code == 400


def test_trailer_section_at_max_trailer_size_is_accepted() -> None:
    trailers = b"A: " + b"x" * 45 + b"\r\nB: " + b"x" * 45 + b"\r\n"
    assert len(trailers) == 100
    events = parse(b"0\r\n" + trailers + b"\r\n", ParserLimits(max_trailer_size=100))
    assert completed(events).trailers == (("A", "x" * 45), ("B", "x" * 45))


def test_oversized_trailer_line_is_refused_before_its_end_arrives() -> None:
    parser = new_parser(ParserLimits(max_trailer_size=100))
    parser.feed_data(HEAD + b"0\r\nA: " + b"x" * 50)
    assert error(parser.feed_data(b"x" * 60)).code == 400


@pytest.mark.parametrize(
    "line",
    [
        b"NoColon",
        b"Bad Name: v",
        b"Name : v",
        b" folded: v",
        b"X: a\x00b",
        b"X: a\x1bb",
        b"X: a\rb",
        b"X: a\nY: b",
        b"\xc3\xa9: v",
    ],
)
def test_invalid_trailer_lines_are_a_400(line: bytes) -> None:
    exc = error(parse(b"0\r\n" + line + b"\r\n\r\n"))
    assert exc.code == 400


def test_bare_lf_ending_the_trailer_section_is_a_400() -> None:
    assert error(parse(b"0\r\nX: 1\n\n")).code == 400


def test_bare_lf_in_a_partial_trailer_is_refused_without_waiting() -> None:
    parser = new_parser()
    parser.feed_data(HEAD + b"0\r\n")
    assert error(parser.feed_data(b"X: 1\nY")).code == 400


# -- body size -------------------------------------------------------------------------------------


def test_chunked_body_crossing_max_body_size_is_a_413() -> None:
    events = parse(b"5\r\nhello\r\n6\r\nworld!\r\n0\r\n\r\n", ParserLimits(max_body_size=10))
    assert body(events) == b"hello"
    exc = error(events)
    assert isinstance(exc, PayloadTooLarge)
    assert exc.code == 413


def test_chunked_body_is_refused_when_a_chunk_size_crosses_the_limit() -> None:
    # The declared size is enough: no need to receive the chunk's data first.
    parser = new_parser(ParserLimits(max_body_size=1000))
    parser.feed_data(HEAD)
    assert error(parser.feed_data(b"ffffffffffffffff\r\n")).code == 413


def test_chunked_body_at_max_body_size_is_accepted() -> None:
    events = parse(b"5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n", ParserLimits(max_body_size=10))
    assert body(events) == b"helloworld"
    completed(events)


# -- many chunks -----------------------------------------------------------------------------------


def test_many_tiny_chunks_parse_completely_and_correctly() -> None:
    count = 100_000
    payload = bytes(i % 251 for i in range(count))
    wire = b"".join(b"1\r\n" + payload[i : i + 1] + b"\r\n" for i in range(count)) + b"0\r\n\r\n"
    events = parse(wire)
    data_events = [e for e in events if isinstance(e, BodyData)]
    assert len(data_events) == count
    assert sum(isinstance(e, ChunkEnd) for e in events) == count
    assert len(events) == 2 * count + 2  # head, data+end per chunk, complete
    assert body(events) == payload
    completed(events)


def test_many_tiny_chunks_fed_in_pieces() -> None:
    count = 20_000
    wire = HEAD + b"1\r\nz\r\n" * count + b"0\r\n\r\n"
    parser = new_parser()
    events: list[Event] = []
    for start in range(0, len(wire), 4096):
        events.extend(parser.feed_data(wire[start : start + 4096]))
    assert body(events) == b"z" * count
    completed(events)
    assert parser.idle

"""Property: the parser's result never depends on how the bytes were split."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from parser_backends import new_parser

from aiostrata.http_parser import (
    BodyData,
    ChunkEnd,
    Event,
    HttpRequestParser,
    MessageComplete,
    ParseError,
    ParserLimits,
    RequestHead,
)

pytestmark = pytest.mark.usefixtures("parser_backend")

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TOKEN_CHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
VALUE_CHARS = "".join(chr(c) for c in range(0x21, 0x7F)) + " \t"
PATH_CHARS = "abcxyzABC0123456789-._~%/=&;:@!$'()*+,"
RESERVED = {"host", "content-length", "transfer-encoding", "connection", "upgrade"}


@dataclass
class Parsed:
    """One message as the parser reported it, independent of data split points."""

    method: str
    path: str
    raw_headers: tuple[tuple[bytes, bytes], ...]
    has_body: bool
    chunked: bool
    body: bytes = b""
    chunk_ends: list[int] = field(default_factory=list)  # body offsets of each ChunkEnd
    trailers: tuple[tuple[str, str], ...] | None = None  # None until MessageComplete


@dataclass(frozen=True)
class Expected:
    method: str
    path: str
    body: bytes
    chunk_sizes: tuple[int, ...]
    trailers: tuple[tuple[str, str], ...]
    trailer_lines: tuple[bytes, ...] = ()


def normalize(events: list[Event]) -> list[Parsed]:
    messages: list[Parsed] = []
    for event in events:
        assert not isinstance(event, ParseError), event
        if isinstance(event, RequestHead):
            m = event.message
            messages.append(Parsed(m.method, m.path, m.raw_headers, event.has_body, m.chunked))
        elif isinstance(event, BodyData):
            assert event.data, "BodyData is never empty"
            messages[-1].body += event.data
        elif isinstance(event, ChunkEnd):
            messages[-1].chunk_ends.append(len(messages[-1].body))
        elif isinstance(event, MessageComplete):
            assert messages[-1].trailers is None
            messages[-1].trailers = event.trailers
        else:  # pragma: no cover - no upgrades are generated
            raise AssertionError(event)
    return messages


def feed_pieces(pieces: list[bytes], limits: ParserLimits | None = None) -> list[Event]:
    parser = new_parser(limits)
    events: list[Event] = []
    for piece in pieces:
        events.extend(parser.feed_data(piece))
    assert parser.idle
    assert parser.feed_eof() == []
    return events


def split_at(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    bounds = [0, *points, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds)]


# -- generators ------------------------------------------------------------------------------------


names = st.text(TOKEN_CHARS, min_size=1, max_size=12).filter(lambda n: n.lower() not in RESERVED)
values = st.text(VALUE_CHARS, max_size=24)
fields = st.lists(st.tuples(names, values), max_size=5)
extensions = st.sampled_from(
    [b"", b";a", b";a=b", b" ; n = v", b';q="x \\" ;"', b";a=1;b=2;c", b'\t;e=""']
)


def chunked_encode(body: bytes, cuts: list[int], exts: list[bytes], trailers: bytes) -> bytes:
    """A chunked encoder for the tests: chunks at ``cuts``, each with an extension."""
    pieces = [piece for piece in split_at(body, cuts) if piece]
    out = []
    for index, piece in enumerate(pieces):
        ext = exts[index % len(exts)] if exts else b""
        out.append(b"%x%s\r\n%s\r\n" % (len(piece), ext, piece))
    out.append(b"0" + (exts[-1] if exts else b"") + b"\r\n" + trailers + b"\r\n")
    return b"".join(out)


@st.composite
def requests(draw: st.DrawFn) -> tuple[bytes, Expected]:
    method = draw(st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "X-Mine"]))
    path = "/" + draw(st.text(PATH_CHARS, max_size=20))
    if draw(st.booleans()):
        path += "?" + draw(st.text(PATH_CHARS + "?", max_size=12))
    extra = draw(fields)
    body = draw(st.binary(max_size=120))
    kind = draw(st.sampled_from(["none", "length", "chunked"]))
    if kind == "none":
        body = b""
    framing: list[tuple[str, str]] = []
    chunk_sizes: tuple[int, ...] = ()
    trailers: tuple[tuple[str, str], ...] = ()
    trailer_fields: list[tuple[str, str]] = []
    wire_body = b""
    if kind == "length":
        framing = [("Content-Length", str(len(body)))]
        wire_body = body
    elif kind == "chunked":
        framing = [("Transfer-Encoding", draw(st.sampled_from(["chunked", "Chunked"])))]
        cuts = draw(st.lists(st.integers(0, 200), max_size=8))
        exts = draw(st.lists(extensions, max_size=3))
        trailer_fields = draw(st.lists(st.tuples(names, values), max_size=3))
        trailers = tuple((n, v.strip(" \t")) for n, v in trailer_fields)
        trailer_bytes = b"".join(f"{n}: {v}\r\n".encode() for n, v in trailer_fields)
        chunk_sizes = tuple(len(p) for p in split_at(body, cuts) if p)
        wire_body = chunked_encode(body, cuts, exts, trailer_bytes)
    all_fields = [("Host", "example.com"), *extra, *framing]
    all_fields = draw(st.permutations(all_fields))
    head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{n}: {v}\r\n" for n, v in all_fields)
    wire = head.encode() + b"\r\n" + wire_body
    trailer_lines = tuple(f"{n}: {v}".encode() for n, v in trailer_fields) if trailers else ()
    return wire, Expected(method, path, body, chunk_sizes, trailers, trailer_lines)


streams = st.lists(requests(), min_size=1, max_size=4)


def check_against_expected(parsed: list[Parsed], expected: list[Expected]) -> None:
    assert [(p.method, p.path) for p in parsed] == [(e.method, e.path) for e in expected]
    for p, e in zip(parsed, expected, strict=True):
        assert p.body == e.body
        assert p.trailers == e.trailers
        if p.chunked:
            ends = [sum(e.chunk_sizes[: i + 1]) for i in range(len(e.chunk_sizes))]
            assert p.chunk_ends == ends


# -- properties ------------------------------------------------------------------------------------


@PROPERTY
@given(stream=streams, cuts=st.lists(st.integers(min_value=0), max_size=30))
def test_any_split_of_a_pipelined_stream_gives_the_same_messages(
    stream: list[tuple[bytes, Expected]], cuts: list[int]
) -> None:
    wire = b"".join(w for w, _ in stream)
    expected = [e for _, e in stream]
    whole = normalize(feed_pieces([wire]))
    check_against_expected(whole, expected)
    pieces = split_at(wire, cuts)
    assert b"".join(pieces) == wire
    assert normalize(feed_pieces(pieces)) == whole


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stream=streams)
def test_one_byte_at_a_time_gives_the_same_messages(stream: list[tuple[bytes, Expected]]) -> None:
    wire = b"".join(w for w, _ in stream)
    whole = normalize(feed_pieces([wire]))
    bytewise = normalize(feed_pieces([wire[i : i + 1] for i in range(len(wire))]))
    assert bytewise == whole
    check_against_expected(bytewise, [e for _, e in stream])


@PROPERTY
@given(stream=streams, cuts=st.lists(st.integers(min_value=0), max_size=10))
def test_limits_exactly_at_the_stream_sizes_accept_it_in_any_split(
    stream: list[tuple[bytes, Expected]], cuts: list[int]
) -> None:
    # Tight limits must judge the same bytes the same way, however they arrive.
    wire = b"".join(w for w, _ in stream)
    heads = [w[: w.index(b"\r\n\r\n") + 4] for w, _ in stream]
    lines = [line for h in heads for line in h.split(b"\r\n")]
    lines += [line for _, e in stream for line in e.trailer_lines]
    limits = ParserLimits(
        max_line_size=max(len(h.split(b"\r\n", 1)[0]) for h in heads),
        max_field_size=max(len(line) for line in lines),
        max_head_size=max(len(h) for h in heads),
        max_headers=max(h.count(b"\r\n") - 2 for h in heads),
        max_body_size=max(len(e.body) for _, e in stream),
        max_chunk_line_size=40,
    )
    whole = normalize(feed_pieces([wire], limits))
    check_against_expected(whole, [e for _, e in stream])
    assert normalize(feed_pieces(split_at(wire, cuts), limits)) == whole


@PROPERTY
@given(
    body=st.binary(max_size=5000),
    cuts=st.lists(st.integers(0, 5000), max_size=40),
    exts=st.lists(extensions, max_size=4),
    feed_cuts=st.lists(st.integers(min_value=0), max_size=20),
)
def test_chunked_round_trip_returns_the_body(
    body: bytes, cuts: list[int], exts: list[bytes], feed_cuts: list[int]
) -> None:
    wire = b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked_encode(
        body, cuts, exts, b""
    )
    messages = normalize(feed_pieces(split_at(wire, feed_cuts)))
    assert len(messages) == 1
    assert messages[0].chunked
    assert messages[0].body == body
    assert messages[0].trailers == ()
    assert len(messages[0].chunk_ends) == len([p for p in split_at(body, cuts) if p])


@PROPERTY
@given(
    stream=streams,
    flips=st.lists(st.tuples(st.integers(min_value=0), st.binary(min_size=1, max_size=3))),
    cuts=st.lists(st.integers(min_value=0), max_size=10),
)
def test_corrupted_streams_never_raise_and_stop_at_the_first_error(
    stream: list[tuple[bytes, Expected]],
    flips: list[tuple[int, bytes]],
    cuts: list[int],
) -> None:
    wire = bytearray(b"".join(w for w, _ in stream))
    for position, junk in flips:
        at = position % (len(wire) + 1)
        wire[at : at + len(junk)] = junk
    parser = new_parser(ParserLimits(max_body_size=100))
    events: list[Event] = []
    for piece in split_at(bytes(wire), cuts):
        events.extend(parser.feed_data(piece))  # never raises
    events.extend(parser.feed_eof())
    errors = [i for i, event in enumerate(events) if isinstance(event, ParseError)]
    assert errors in ([], [len(events) - 1])
    for index in errors:
        error = events[index]
        assert isinstance(error, ParseError)
        assert error.error.code in (400, 413, 414, 431, 501, 505)
        assert parser.done


@PROPERTY
@given(data=st.binary(max_size=300), cuts=st.lists(st.integers(min_value=0), max_size=10))
def test_arbitrary_bytes_never_raise(data: bytes, cuts: list[int]) -> None:
    parser = new_parser()
    events: list[Event] = []
    for piece in split_at(data, cuts):
        events.extend(parser.feed_data(piece))
    events.extend(parser.feed_eof())
    assert all(not isinstance(e, ParseError) for e in events[:-1])


def test_max_heads_holds_further_pipelined_requests_back_until_asked() -> None:
    """A bounded queue of pipelined requests (CVE-2026-54273's class) needs the parser to stop."""
    parser = new_parser()
    data = b"GET /1 HTTP/1.1\r\nHost: a\r\n\r\n" * 50
    first = parser.feed_data(data, max_heads=3)
    held_after_first = parser.holding_back
    assert [type(e).__name__ for e in first] == ["RequestHead", "MessageComplete"] * 3
    assert held_after_first
    assert parser.feed_data(b"", max_heads=0) == []
    rest = parser.feed_data(b"", max_heads=100)
    held_after_rest = parser.holding_back
    assert sum(type(e).__name__ == "RequestHead" for e in rest) == 47
    assert not held_after_rest
    assert parser.feed_data(b"GET / HTTP/1.1\r\nHo", max_heads=1) == []
    held_on_partial = parser.holding_back
    assert not held_on_partial  # a partial head is not held back: it waits for bytes


def pending(parser: HttpRequestParser) -> bool:
    """``head_pending`` read through a call, so that type checkers do not narrow it."""
    return parser.head_pending


def test_head_pending_is_true_only_while_part_of_a_head_is_buffered() -> None:
    """What the connection's header timeout watches: a partial head, not a held-back one."""
    parser = new_parser()
    assert not pending(parser)
    parser.feed_data(b"GET / HTTP/1.1\r\nHo")
    assert pending(parser)
    parser.feed_data(b"st: t\r\nContent-Length: 3\r\n\r\nab")
    assert not pending(parser)  # in the body: not a head
    parser.feed_data(b"c")
    assert not pending(parser)
    head = b"GET / HTTP/1.1\r\nHost: t\r\n\r\n"
    parser.feed_data(head * 2, max_heads=1)
    assert parser.holding_back
    assert not pending(parser)  # whole, waiting for the caller
    parser.feed_data(b"")
    assert not pending(parser)

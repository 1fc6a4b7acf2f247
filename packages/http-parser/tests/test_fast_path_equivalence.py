"""Properties: the fast head path decides every head exactly as the strict, line-by-line rules do.

The reference is ``_parse_head_strictly`` (the bare CR/LF scan, then ``_parse_message``
line by line); the parser's ``_parse_message_head`` tries the fast path first (the
anchored field regex, the field-line cache, the cached request line) and falls back to
the reference for anything it does not accept. Whatever the bytes, both must return an
equal message or raise the same error, with the field-line cache empty, warm, or warm
from a parser with other limits; and feeding the bytes in two pieces, cut anywhere,
must not change the events.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from parser_backends import new_parser

from aiostrata.http_parser import (
    BodyData,
    Event,
    HttpProcessingError,
    HttpRequestParser,
    MessageComplete,
    ParseError,
    ParserLimits,
    RawRequestMessage,
    RequestHead,
    UpgradedData,
    field_section,
    section_cache,
)

pytestmark = pytest.mark.usefixtures("parser_backend")

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SMALL = ParserLimits(max_line_size=40, max_field_size=40, max_headers=4, max_head_size=300)
LIMITS = st.sampled_from([ParserLimits(), SMALL])


class StrictParser(HttpRequestParser):
    """The pure-Python parser with the fast paths switched off: the reference."""

    def feed_data(
        self, data: bytes | bytearray | memoryview, *, max_heads: int | None = None
    ) -> list[Event]:
        # Not bytes: never the lone-head shortcut, always the general loop.
        return super().feed_data(bytearray(data), max_heads=max_heads)

    def _parse_message_head(self, head: bytes) -> RawRequestMessage:
        return self._parse_head_strictly(head)


# -- generators ------------------------------------------------------------------------------------

TOKEN = b"!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
NAMES = st.one_of(
    st.sampled_from(
        [b"Host", b"host", b"Content-Length", b"Transfer-Encoding", b"Connection", b"Upgrade",
         b"Content-Encoding", b"Cookie", b"X", b"Accept"]
    ),
    st.binary(min_size=1, max_size=10).map(lambda b: bytes(TOKEN[c % len(TOKEN)] for c in b)),
    st.binary(max_size=6),  # anything: spaces, colons, CTLs, non-ASCII, empty
)  # fmt: skip
VALUE_PIECES = st.sampled_from(
    [b"a", b"example.com", b"x:80", b"close", b"keep-alive", b"upgrade", b"websocket",
     b"chunked", b"gzip", b"identity", b"0", b"12", b" ", b"\t", b",", b";", b":", b"\x80",
     b"\xff", b"\xe2\x84\xaa", b"\xc3\xa9", b"\xed\xa0\x80", b"\x00", b"\x01", b"\x0b",
     b"\x1f", b"\x7f", b"\r", b"\n", b"\r\n ", b"\r\n\t"]
)  # fmt: skip
SHORT_VALUES = st.one_of(st.lists(VALUE_PIECES, max_size=8).map(b"".join), st.binary(max_size=12))
HUGE_VALUES = st.tuples(st.sampled_from([b"a", b" ", b"\x80"]), st.integers(30, 9000)).map(
    lambda t: b"v" + t[0] * t[1]
)  # huge fields, around both limits
OWS = st.sampled_from([b"", b" ", b"\t", b"  \t ", b" \t"])
SEPARATORS = st.sampled_from([b":", b":", b":", b" :", b"\t:", b"", b"::"])


@st.composite
def field_lines(draw: st.DrawFn, huge: bool = True) -> bytes:
    values = st.one_of(SHORT_VALUES, HUGE_VALUES) if huge else SHORT_VALUES
    lead = draw(st.sampled_from([b"", b"", b"", b"", b" ", b"\t"]))  # obs-fold / leading WS
    return lead + draw(NAMES) + draw(SEPARATORS) + draw(OWS) + draw(values) + draw(OWS)


SHORT_REQUEST_LINES = st.one_of(
    st.sampled_from(
        [b"GET / HTTP/1.1", b"GET /a?b=c HTTP/1.1", b"POST /up HTTP/1.1", b"GET / HTTP/1.0",
         b"OPTIONS * HTTP/1.1", b"CONNECT example.com:443 HTTP/1.1", b"CONNECT a HTTP/1.1",
         b"GET http://example.com/p HTTP/1.1", b"GET http://u@example.com/ HTTP/1.1",
         b"M-SEARCH * HTTP/1.1", b"GET  / HTTP/1.1", b"GET / HTTP/2.0", b"GET / http/1.1",
         b"GET /#f HTTP/1.1", b"GET /\x80 HTTP/1.1", b"G\rET / HTTP/1.1", b"GET /\n HTTP/1.1",
         b"GET", b"", b"GET / HTTP/1.1 "]
    ),
    st.binary(max_size=20),
)  # fmt: skip
LONG_REQUEST_LINES = st.tuples(st.sampled_from([b"GET /", b"GET /x?"]), st.integers(20, 8300)).map(
    lambda t: t[0] + b"a" * t[1] + b" HTTP/1.1"
)  # long request lines, around both limits
LINE_ENDS = st.sampled_from([b"\r\n"] * 12 + [b"\n", b"\r", b"\r\r\n", b"\r\n "])


@st.composite
def heads(draw: st.DrawFn, huge: bool = True) -> bytes:
    """A head without its final CRLFCRLF: mostly well-formed, often broken somewhere."""
    request_lines = (
        st.one_of(SHORT_REQUEST_LINES, LONG_REQUEST_LINES) if huge else SHORT_REQUEST_LINES
    )
    lines = [draw(request_lines)]
    if huge and draw(st.integers(0, 9)) == 0:
        lines += [b"X-%d: v" % i for i in range(draw(st.integers(1, 140)))]  # many fields
    lines += draw(st.lists(field_lines(huge), max_size=8))
    if draw(st.booleans()):
        lines = draw(st.permutations(lines))
    out = lines[0]
    for line in lines[1:]:
        out += draw(LINE_ENDS) + line
    return out


def outcome(parse: Callable[[bytes], RawRequestMessage], head: bytes) -> tuple[object, ...]:
    try:
        m = parse(head)
    except HttpProcessingError as exc:
        return ("error", type(exc).__name__, exc.code, exc.message)
    return message_signature(m)


def message_signature(m: RawRequestMessage) -> tuple[object, ...]:
    return (
        "message", m.method, m.path, m.version, tuple(m.headers.items()), m.raw_headers,
        m.should_close, m.compression, m.upgrade, m.chunked, str(m.url),
    )  # fmt: skip


def events_signature(events: list[Event]) -> list[tuple[object, ...]]:
    """Events with adjacent body bytes joined, so that split points vanish."""
    out: list[tuple[object, ...]] = []
    for event in events:
        if isinstance(event, BodyData | UpgradedData):
            kind = type(event).__name__
            if out and out[-1][0] == kind:
                out[-1] = (kind, out[-1][1] + event.data)  # type: ignore[operator]
            else:
                out.append((kind, event.data))
        elif isinstance(event, RequestHead):
            out.append(("head", event.has_body, *message_signature(event.message)[1:]))
        elif isinstance(event, ParseError):
            out.append(("error", type(event.error).__name__, event.error.code))
        elif isinstance(event, MessageComplete):
            out.append(("complete", event.trailers))
        else:
            out.append((type(event).__name__,))
    return out


def cold_cache() -> None:
    """Empty the field-line and field-section caches and what they have seen."""
    field_section._CACHE.clear()
    field_section._SEEN.clear()
    field_section._cached_bytes = 0
    section_cache.clear()


def strict_outcome(head: bytes, limits: ParserLimits) -> tuple[object, ...]:
    return outcome(StrictParser(limits)._parse_message_head, head)


# -- properties ------------------------------------------------------------------------------------


@PROPERTY
@given(head=heads(), limits=LIMITS)
@example(head=b"GET / HTTP/1.1\r\nHost: a\r\nX: b\nY: c", limits=ParserLimits())
@example(head=b"GET / HTTP/1.1\r\nHost: a\r\nX: b\rY: c", limits=ParserLimits())
@example(head=b"GET / HTTP/1.1\r\nHost: a\r\n X: b", limits=ParserLimits())
@example(head=b"GET / HTTP/1.1\r\nHost : a", limits=ParserLimits())
@example(head=b"GET / HTTP/1.1\r\nHost: a\r\nX:\x80 \xff\t", limits=ParserLimits())
@example(head=b"GET /\n HTTP/1.1\r\nHost: a", limits=ParserLimits())
@example(head=b"GET / HTTP/1.1\r\nBad Name: a\r\nHost: a", limits=ParserLimits())
@example(head=b"GET / HTTP/1.1\r\nHost: a\r\nX: " + b"v" * 38, limits=SMALL)
def test_fast_path_equals_the_strict_rules_from_a_cold_cache(
    head: bytes, limits: ParserLimits
) -> None:
    cold_cache()
    assert outcome(new_parser(limits)._parse_message_head, head) == strict_outcome(head, limits)


@PROPERTY
@given(head=heads(), limits=LIMITS)
def test_fast_path_equals_the_strict_rules_with_every_line_cached(
    head: bytes, limits: ParserLimits
) -> None:
    cold_cache()
    parser = new_parser(limits)
    # Cold, then seen once (a section of mostly new lines is cached the second time),
    # then from the cache.
    results = [outcome(parser._parse_message_head, head) for _ in range(3)]
    assert results == [strict_outcome(head, limits)] * 3


@PROPERTY
@given(warm=heads(), head=heads(), limits=LIMITS, data=st.data())
def test_fast_path_equals_the_strict_rules_with_lines_cached_by_other_heads_and_limits(
    warm: bytes, head: bytes, limits: ParserLimits, data: st.DataObject
) -> None:
    # The cache is shared by every parser: lines cached under the default limits must
    # still be judged by this parser's own limits, and a partly cached head (some lines
    # from the cache, the others checked one by one or as a section) like a cold one.
    cold_cache()
    lines = head.split(b"\r\n")
    some = data.draw(st.lists(st.sampled_from(lines), max_size=len(lines)))
    for _ in range(2):
        outcome(new_parser()._parse_message_head, warm)
        outcome(new_parser()._parse_message_head, b"\r\n".join([b"GET / HTTP/1.1", *some]))
    assert outcome(new_parser(limits)._parse_message_head, head) == strict_outcome(head, limits)


@PROPERTY
@given(head=heads(), limits=LIMITS, body=st.binary(max_size=20), cut=st.integers(min_value=0))
def test_two_pieces_cut_anywhere_give_the_events_of_one_piece(
    head: bytes, limits: ParserLimits, body: bytes, cut: int
) -> None:
    data = head + b"\r\n\r\n" + body
    cut %= len(data) + 1
    whole = new_parser(limits)
    expected = events_signature(whole.feed_data(data) + whole.feed_eof())
    reference = StrictParser(limits)
    assert events_signature(reference.feed_data(data) + reference.feed_eof()) == expected
    parser = new_parser(limits)
    events = parser.feed_data(data[:cut]) + parser.feed_data(data[cut:]) + parser.feed_eof()
    got = events_signature(events)
    if any(item[0] == "error" for item in expected):
        # Known and accepted: which error a head breaking several rules reports can
        # depend on how much of it had arrived (414 while partial, 400 when complete).
        assert [item[:1] if item[0] == "error" else item for item in got] == [
            item[:1] if item[0] == "error" else item for item in expected
        ]
    else:
        assert got == expected


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(head=heads(huge=False), limits=LIMITS)
def test_every_cut_of_a_head_gives_the_events_of_one_piece(
    head: bytes, limits: ParserLimits
) -> None:
    data = head + b"\r\n\r\n"
    whole = new_parser(limits)
    expected = events_signature(whole.feed_data(data) + whole.feed_eof())
    if any(item[0] == "error" for item in expected):
        expected = [item[:1] if item[0] == "error" else item for item in expected]
    for cut in range(len(data) + 1):
        parser = new_parser(limits)
        events = parser.feed_data(data[:cut]) + parser.feed_data(data[cut:]) + parser.feed_eof()
        got = events_signature(events)
        if expected and expected[-1][0] == "error":
            got = [item[:1] if item[0] == "error" else item for item in got]
        assert got == expected, cut


def test_a_valid_browser_head_takes_the_fast_path() -> None:
    head = (
        b"GET /docs/page.html?x=1 HTTP/1.1\r\nHost: www.example.com\r\n"
        b"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0)\r\nAccept: */*\r\n"
        b"Accept-Language: en-US,en;q=0.5\r\nCookie: a=b; c=d\r\nX-Tab:\tv\t\r\nX-Empty:"
    )
    for _ in range(2):  # cold, then from the cache
        message = HttpRequestParser()._parse_valid_head(head)
        assert message is not None
        assert message.raw_headers[-2:] == ((b"X-Tab", b"v"), (b"X-Empty", b""))


@pytest.mark.parametrize("misses", [1, 3, 4, 12])
def test_a_partly_cached_section_is_split_like_a_cold_one(misses: int) -> None:
    fields = [b"X-%d: v%d " % (i, i) for i in range(12)]
    head = b"GET / HTTP/1.1\r\nHost: a\r\n" + b"\r\n".join(fields)
    cold_cache()
    cold = outcome(HttpRequestParser()._parse_message_head, head)
    assert outcome(HttpRequestParser()._parse_message_head, head) == cold
    for line in fields[:misses]:
        del field_section._CACHE[line]
    assert outcome(HttpRequestParser()._parse_message_head, head) == cold
    broken = head.replace(fields[0], b"X-0 : v")
    assert outcome(HttpRequestParser()._parse_message_head, broken) == strict_outcome(
        broken, ParserLimits()
    )


def test_a_stream_of_new_lines_does_not_fill_the_cache_and_a_returning_head_does() -> None:
    cold_cache()
    parser = HttpRequestParser()
    for i in range(100):
        parser._parse_message_head(b"GET / HTTP/1.1\r\n" + b"\r\n".join(_fields(12, i)))
    assert len(field_section._CACHE) == 0
    head = b"GET / HTTP/1.1\r\n" + b"\r\n".join(_fields(12, 1000))
    parser._parse_message_head(head)
    assert len(field_section._CACHE) == 0
    parser._parse_message_head(head)
    assert set(field_section._CACHE) == set(_fields(12, 1000))


def _fields(count: int, tag: int) -> list[bytes]:
    return [b"Host: a"] + [b"X-%d: %d" % (i, tag) for i in range(1, count)]


def test_the_field_line_cache_stays_bounded() -> None:
    cold_cache()
    parser = HttpRequestParser()
    for i in range(3 * field_section._CACHE_SIZE):
        parser._parse_message_head(b"GET / HTTP/1.1\r\nHost: a\r\nX: %d\r\nY: %d" % (i, i))
        assert len(field_section._CACHE) <= field_section._CACHE_SIZE
    longest = b"X: " + b"v" * (field_section._CACHED_LINE_LENGTH - 3)
    too_long = longest + b"v"
    for line in (longest, too_long):
        parser._parse_message_head(b"GET / HTTP/1.1\r\nHost: a\r\n" + line)
    assert longest in field_section._CACHE
    assert too_long not in field_section._CACHE
    for i in range(3 * field_section._CACHE_BYTES // field_section._CACHED_LINE_LENGTH):
        line = longest[:-7] + b"%07d" % i
        parser._parse_message_head(b"GET / HTTP/1.1\r\nHost: a\r\n" + line)
        assert line in field_section._CACHE
        assert sum(map(len, field_section._CACHE)) <= field_section._CACHE_BYTES
    for i in range(3 * field_section._SEEN_SIZE // 12):
        parser._parse_message_head(b"GET / HTTP/1.1\r\n" + b"\r\n".join(_fields(12, i)))
        assert len(field_section._SEEN) <= field_section._SEEN_SIZE


# -- one whole head fed alone (feed_data's shortcut) -----------------------------------------------

LONE = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"


def test_a_lone_head_is_held_back_at_max_heads_zero() -> None:
    parser = new_parser()
    assert parser.feed_data(LONE, max_heads=0) == []
    held = parser.holding_back
    events = parser.feed_data(b"", max_heads=1)
    assert [type(e) for e in events] == [RequestHead, MessageComplete]
    assert (held, parser.holding_back, parser.idle) == (True, False, True)


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
def test_a_lone_head_gives_the_same_events_whatever_the_buffer_type(kind: type) -> None:
    expected = events_signature(StrictParser().feed_data(LONE))
    assert events_signature(new_parser().feed_data(kind(LONE))) == expected


def test_a_lone_head_after_a_partial_one_is_parsed_as_one_stream() -> None:
    parser = new_parser()
    assert parser.feed_data(LONE[:10]) == []
    assert events_signature(parser.feed_data(LONE[10:])) == events_signature(
        StrictParser().feed_data(LONE)
    )


def test_a_lone_head_with_a_body_waits_for_it() -> None:
    parser = new_parser()
    events = parser.feed_data(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n")
    assert [type(e) for e in events] == [RequestHead]
    assert parser.feed_data(b"ok") == [BodyData(b"ok"), MessageComplete()]


def test_a_lone_broken_head_ends_the_stream() -> None:
    parser = new_parser()
    events = parser.feed_data(b"GET / HTTP/1.1\r\n\r\n")
    assert isinstance(events[-1], ParseError)
    assert events[-1].error.message == "Missing Host header"
    assert parser.done
    assert parser.feed_data(LONE) == []
    assert parser.feed_eof() == []


@pytest.mark.parametrize("extra", [0, 1])
def test_a_lone_head_at_and_over_max_head_size(extra: int) -> None:
    limits = ParserLimits(max_head_size=len(LONE) - extra)
    events = new_parser(limits).feed_data(LONE)
    assert events_signature(events) == events_signature(StrictParser(limits).feed_data(LONE))
    assert isinstance(events[-1], ParseError) == bool(extra)


def test_empty_lines_before_a_lone_head_still_count() -> None:
    limits = ParserLimits(max_empty_lines=1)
    assert [type(e) for e in new_parser(limits).feed_data(b"\r\n" + LONE)] == [
        RequestHead,
        MessageComplete,
    ]
    events = new_parser(limits).feed_data(b"\r\n\r\n" + LONE)
    assert [type(e) for e in events] == [ParseError]

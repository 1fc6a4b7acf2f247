"""``take_bodiless_request``: the connection's fast lane decides and consumes as feed_data does.

Whatever the bytes, taking them (then, when refused, feeding them) must give the same
messages, the same state for the next request and the same errors as feeding them
alone; a head refused for its body is not parsed twice.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from parser_backends import new_parser
from test_fast_path_equivalence import LIMITS, events_signature, heads

from aiostrata.http_parser import (
    Event,
    HttpRequestParser,
    MessageComplete,
    ParserLimits,
    RawRequestMessage,
    RequestHead,
)

pytestmark = pytest.mark.usefixtures("parser_backend")

NEXT = b"GET /next HTTP/1.1\r\nHost: h\r\n\r\n"
TAILS = st.sampled_from(
    [b"", b"", b"\r\n\r\n", b"\r\n", b"\r\n\r\nab", b"\r\n\r\n" + NEXT, b"\r\n\r\nGET"]
)


def _take_then_feed(parser: HttpRequestParser, data: bytes) -> list[Event]:
    message = parser.take_bodiless_request(data)
    if message is None:
        return parser.feed_data(data)
    return [RequestHead(message, False), MessageComplete()]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(head=heads(), tail=TAILS, limits=LIMITS, body_field=st.booleans())
def test_taking_then_feeding_gives_the_events_of_feeding(
    head: bytes, tail: bytes, limits: ParserLimits, body_field: bool
) -> None:
    if body_field:
        head += b"\r\nContent-Length: 2"
    data = head + tail
    fed = new_parser(limits)
    expected = events_signature(fed.feed_data(data) + fed.feed_data(NEXT) + fed.feed_eof())
    taken = new_parser(limits)
    got = events_signature(_take_then_feed(taken, data) + taken.feed_data(NEXT) + taken.feed_eof())
    assert got == expected


def test_a_lone_bodiless_head_is_taken_whole() -> None:
    parser = new_parser()
    message = parser.take_bodiless_request(b"GET /a?b=1 HTTP/1.1\r\nHost: x\r\n\r\n")
    assert message is not None
    assert (message.method, message.path, message.headers["Host"]) == ("GET", "/a?b=1", "x")
    assert parser.idle
    second = parser.take_bodiless_request(b"HEAD /b HTTP/1.1\r\nHost: x\r\n\r\n")
    assert second is not None
    assert second.method == "HEAD"


def test_a_closing_request_ends_the_parser() -> None:
    parser = new_parser()
    message = parser.take_bodiless_request(b"GET / HTTP/1.0\r\n\r\n")
    assert message is not None
    assert message.should_close
    assert parser.done
    assert parser.take_bodiless_request(b"GET / HTTP/1.0\r\n\r\n") is None
    assert parser.feed_data(b"GET / HTTP/1.0\r\n\r\n") == []


@pytest.mark.parametrize(
    "data",
    [
        b"GET / HTTP/1.1\r\nHost: x\r\n",  # not yet whole
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n",  # two
        b"\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n",  # an empty line first
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc",  # the body with it
        b"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",  # an error: feed_data says which
        b"GET / HTTP/1.1\nHost: x\r\n\r\n",
    ],
)
def test_anything_else_is_left_untouched(data: bytes) -> None:
    parser = new_parser()
    assert parser.take_bodiless_request(data) is None
    fresh = new_parser()
    assert events_signature(parser.feed_data(data)) == events_signature(fresh.feed_data(data))


def test_a_head_refused_for_its_body_is_not_parsed_twice() -> None:
    parsed: list[bytes] = []

    backend: type[HttpRequestParser] = type(new_parser())

    class Counting(backend):  # type: ignore[valid-type,misc]
        def _parse_message_head(self, head: bytes) -> RawRequestMessage:
            parsed.append(head)
            message: RawRequestMessage = super()._parse_message_head(head)
            return message

    parser = Counting()
    data = b"PUT /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n"
    assert parser.take_bodiless_request(data) is None
    events = parser.feed_data(data)
    assert len(parsed) == 1
    assert isinstance(events[0], RequestHead)
    assert events[0].has_body
    # Other bytes, even equal ones, are parsed afresh.
    parser2 = Counting()
    assert parser2.take_bodiless_request(data) is None
    parser2.feed_data(bytes(bytearray(data)))
    assert len(parsed) == 3

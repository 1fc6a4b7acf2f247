"""The field-section cache: a section seen again is taken whole, and decides as a cold parse does.

Whatever the bytes and whichever parser's limits warmed the cache, a head whose section
is cached must give the message (or the error) the strict rules give; the cache stays
within its bounds, never fills from unique sections, and hands out read-only headers.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from multidict import CIMultiDictProxy
from parser_backends import new_parser
from test_fast_path_equivalence import LIMITS, cold_cache, heads, outcome, strict_outcome

from aiostrata.http_parser import ParserLimits, section_cache

pytestmark = pytest.mark.usefixtures("parser_backend")

WARMING_LIMITS = st.sampled_from(
    [ParserLimits(), ParserLimits(max_line_size=40, max_field_size=40, max_headers=4)]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(head=heads(), warming=WARMING_LIMITS, limits=LIMITS, request_line=st.booleans())
def test_a_cached_section_decides_as_the_strict_rules_do(
    head: bytes, warming: ParserLimits, limits: ParserLimits, request_line: bool
) -> None:
    cold_cache()
    for _ in range(3):  # seen, cached, hit
        outcome(new_parser(warming)._parse_message_head, head)
    if request_line:  # the same fields behind another request line
        _, sep, rest = head.partition(b"\r\n")
        head = b"DELETE /other?x=1 HTTP/1.0" + sep + rest
    assert outcome(new_parser(limits)._parse_message_head, head) == strict_outcome(head, limits)


REQUEST_LINES = [
    b"GET / HTTP/1.1",
    b"GET /a HTTP/1.0",
    b"POST /b?c=d HTTP/1.1",
    b"CONNECT example.com:443 HTTP/1.1",
    b"CONNECT example.com:443 HTTP/1.0",
    b"OPTIONS * HTTP/1.1",
]
FIELD_SECTIONS = [
    b"Host: a",
    b"Host: a\r\nConnection: close",
    b"Host: a\r\nConnection: keep-alive",
    b"Host: a\r\nTransfer-Encoding: chunked",
    b"Host: a\r\nContent-Length: 5",
    b"Host: a\r\nContent-Encoding: gzip, identity",
    b"Host: a\r\nConnection: Upgrade\r\nUpgrade: websocket",
    b"Host: a\r\nTransfer-Encoding: gzip, chunked",
]


@pytest.mark.parametrize("fields", FIELD_SECTIONS)
@pytest.mark.parametrize("order", [1, -1])
def test_what_a_cached_section_means_is_decided_per_version_and_method(
    fields: bytes, order: int
) -> None:
    """The meaning kept with a section (framing, persistence, coding) is right for every
    request line it is met behind: each version, and CONNECT, which is never kept."""
    cold_cache()
    for request_line in REQUEST_LINES[::order] * 3:  # seen, cached, then meanings kept and hit
        head = request_line + b"\r\n" + fields
        got = outcome(new_parser()._parse_message_head, head)
        assert got == strict_outcome(head, ParserLimits()), head


def test_a_section_is_cached_the_second_time_and_then_shared_read_only() -> None:
    cold_cache()
    head = b"GET / HTTP/1.1\r\nHost: a\r\nAccept: */*"
    parser = new_parser()
    first = parser._parse_message_head(head)
    assert not section_cache.SECTIONS
    second = parser._parse_message_head(head)
    assert len(section_cache.SECTIONS) == 1
    third = parser._parse_message_head(b"POST /x HTTP/1.1\r\nHost: a\r\nAccept: */*")
    assert third.headers is second.headers
    assert third.raw_headers is second.raw_headers
    assert first.headers == third.headers
    assert type(third.headers) is CIMultiDictProxy  # no way to change what others share
    assert (third.method, third.path) == ("POST", "/x")


def test_unique_sections_never_fill_it_and_it_stays_bounded() -> None:
    cold_cache()
    parser = new_parser()
    for i in range(1000):
        parser._parse_message_head(b"GET / HTTP/1.1\r\nHost: a\r\nX-N: %d" % i)
    assert not section_cache.SECTIONS
    for i in range(2 * section_cache.MAX_SECTIONS):
        for _ in range(2):
            parser._parse_message_head(b"GET / HTTP/1.1\r\nHost: a\r\nX-M: %d" % i)
        assert 0 < len(section_cache.SECTIONS) <= section_cache.MAX_SECTIONS
    big = b"GET / HTTP/1.1\r\nHost: a\r\n" + b"\r\n".join(
        b"X-%d: %s" % (i, b"v" * 200) for i in range(30)
    )
    cold_cache()
    for _ in range(3):
        parser._parse_message_head(big)
    assert not section_cache.SECTIONS  # longer than MAX_SECTION_LENGTH: never kept

"""Header field lines, Host and the head's size limits (RFC 9112 2, 5; RFC 9110 5)."""

from __future__ import annotations

import pytest
from parser_backends import new_parser

from aiostrata.http_parser import (
    Event,
    HttpProcessingError,
    InvalidHeader,
    LineTooLong,
    MessageComplete,
    ParseError,
    ParserLimits,
    RawRequestMessage,
    RequestHead,
)

pytestmark = pytest.mark.usefixtures("parser_backend")


def parse(data: bytes, limits: ParserLimits | None = None) -> list[Event]:
    return new_parser(limits).feed_data(data)


def head(events: list[Event]) -> RawRequestMessage:
    assert isinstance(events[0], RequestHead), events
    return events[0].message


def error(events: list[Event]) -> HttpProcessingError:
    assert events, "expected a ParseError"
    last = events[-1]
    assert isinstance(last, ParseError), events
    assert not any(isinstance(event, RequestHead) for event in events)
    return last.error


def with_fields(*fields: bytes, version: bytes = b"HTTP/1.1") -> bytes:
    return b"GET / " + version + b"\r\n" + b"".join(f + b"\r\n" for f in fields) + b"\r\n"


# -- field line syntax -----------------------------------------------------------------------------


def test_obs_fold_with_space_is_a_400() -> None:
    exc = error(parse(with_fields(b"Host: a", b"X-A: one", b" two")))
    assert exc.code == 400


def test_obs_fold_with_tab_is_a_400() -> None:
    exc = error(parse(with_fields(b"Host: a", b"X-A: one", b"\ttwo")))
    assert exc.code == 400


def test_first_field_line_starting_with_whitespace_is_a_400() -> None:
    exc = error(parse(with_fields(b" Host: a")))
    assert exc.code == 400


@pytest.mark.parametrize("line", [b"Host : a", b"Host\t: a", b"Host  :a"])
def test_whitespace_between_name_and_colon_is_a_400(line: bytes) -> None:
    exc = error(parse(with_fields(line)))
    assert isinstance(exc, InvalidHeader)
    assert exc.code == 400


@pytest.mark.parametrize(
    "line", [b"Host: a", b"NoColonHere", b": empty-name", b"X(A): 1", b"X\xc3\xa9: 1", b"X/Y: 1"]
)
def test_invalid_field_names_or_missing_colon_are_a_400(line: bytes) -> None:
    data = with_fields(b"Host: a", line) if line != b"Host: a" else with_fields(line, b"@: x")
    exc = error(parse(data))
    assert exc.code == 400


@pytest.mark.parametrize("ctl", [b"\x00", b"\x01", b"\x08", b"\x0b", b"\x0c", b"\x1b", b"\x7f"])
def test_ctl_bytes_in_a_value_are_a_400(ctl: bytes) -> None:
    exc = error(parse(with_fields(b"Host: a", b"X-A: a" + ctl + b"b")))
    assert isinstance(exc, InvalidHeader)
    assert exc.code == 400


def test_nul_at_the_end_of_a_value_is_a_400() -> None:
    exc = error(parse(with_fields(b"Host: a", b"X-A: ab\x00")))
    assert exc.code == 400


def test_htab_and_obs_text_inside_a_value_are_kept() -> None:
    message = head(parse(with_fields(b"Host: a", b"X-A: a\tb \xc3\xa9")))
    assert message.raw_headers[1] == (b"X-A", b"a\tb \xc3\xa9")
    assert message.headers["X-A"] == "a\tb \xe9"


def test_bare_cr_in_a_value_cannot_start_a_new_header() -> None:
    # GHSA-45c4-8wx5-qw6w: "X: a\rTransfer-Encoding: chunked" must not become two fields.
    data = b"POST / HTTP/1.1\r\nHost: a\r\nX: a\rTransfer-Encoding: chunked\r\n\r\n"
    exc = error(parse(data))
    assert exc.code == 400


def test_bare_cr_at_the_end_of_a_field_line_is_a_400() -> None:
    exc = error(parse(b"GET / HTTP/1.1\r\nHost: a\r\r\n\r\n"))
    assert exc.code == 400


def test_bare_cr_after_the_request_line_is_a_400() -> None:
    exc = error(parse(b"GET / HTTP/1.1\rHost: a\r\n\r\n"))
    assert exc.code == 400


def test_bare_cr_before_the_head_is_complete_is_refused_without_waiting() -> None:
    parser = new_parser()
    exc = error(parser.feed_data(b"GET / HTTP/1.1\r\nHost: a\rX"))
    assert exc.code == 400
    assert parser.done


@pytest.mark.parametrize(
    "data",
    [
        b"GET / HTTP/1.1\nHost: a\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: a\n\r\n",
        b"GET / HTTP/1.1\r\nHost: a\r\nX: 1\n\n",
        b"GET / HTTP/1.1\r\nHost: a\r\n\n",
        b"GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n",
        b"\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
    ],
)
def test_bare_lf_anywhere_in_the_head_is_a_400(data: bytes) -> None:
    exc = error(parse(data))
    assert exc.code == 400


@pytest.mark.parametrize(
    "partial",
    [b"GET / HTTP/1.1\n", b"GET / HTTP/1.1\r\nHost: a\n", b"\n", b"GET / HTTP/1.1\r\nX: a\nb"],
)
def test_bare_lf_before_the_head_is_complete_is_refused_without_waiting(partial: bytes) -> None:
    parser = new_parser()
    exc = error(parser.feed_data(partial))
    assert exc.code == 400
    assert parser.done


def test_bare_lf_split_across_feeds_is_refused() -> None:
    parser = new_parser()
    assert parser.feed_data(b"GET / HTTP/1.1\r\nHost: a") == []
    exc = error(parser.feed_data(b"\nX: 1"))
    assert exc.code == 400


def test_crlf_split_across_feeds_is_not_mistaken_for_a_bare_cr() -> None:
    parser = new_parser()
    assert parser.feed_data(b"GET / HTTP/1.1\r") == []
    assert parser.feed_data(b"\nHost: a\r") == []
    assert parser.feed_data(b"\n\r") == []
    events = parser.feed_data(b"\n")
    assert head(events).headers["Host"] == "a"
    assert events[-1] == MessageComplete()


# -- Host ------------------------------------------------------------------------------------------


def test_http_1_1_without_host_is_a_400() -> None:
    exc = error(parse(with_fields(b"X-A: 1")))
    assert exc.code == 400


def test_two_host_headers_are_a_400() -> None:
    # CVE-2026-34525: which Host routes the request must never be ambiguous.
    exc = error(parse(with_fields(b"Host: a", b"Host: b")))
    assert exc.code == 400


def test_two_identical_host_headers_are_a_400() -> None:
    exc = error(parse(with_fields(b"Host: a", b"host: a")))
    assert exc.code == 400


def test_two_host_headers_on_http_1_0_are_a_400() -> None:
    exc = error(parse(with_fields(b"Host: a", b"Host: b", version=b"HTTP/1.0")))
    assert exc.code == 400


@pytest.mark.parametrize(
    "host",
    [
        b"a b",
        b"user@example.com",
        b"user:pw@example.com",
        b"example.com/path",
        b"example.com\\x",
        b"example.com?q",
        b"example.com#f",
        b"[::1",
        b"example.com:80x",
    ],
)
def test_host_with_space_userinfo_or_path_is_a_400(host: bytes) -> None:
    exc = error(parse(with_fields(b"Host: " + host)))
    assert exc.code == 400


@pytest.mark.parametrize(
    "host", [b"example.com", b"example.com:8080", b"127.0.0.1", b"[::1]:443", b"xn--e1a.x", b""]
)
def test_valid_host_values_are_accepted(host: bytes) -> None:
    message = head(parse(with_fields(b"Host: " + host)))
    assert message.headers["Host"] == host.decode()


def test_http_1_0_without_host_is_accepted() -> None:
    message = head(parse(b"GET / HTTP/1.0\r\n\r\n"))
    assert "Host" not in message.headers
    assert message.raw_headers == ()


# -- values and names ------------------------------------------------------------------------------


def test_values_are_stripped_of_optional_whitespace() -> None:
    message = head(parse(with_fields(b"Host:a", b"X-A: \t  one two \t ", b"X-B:", b"X-C:   ")))
    assert message.headers["Host"] == "a"
    assert message.headers["X-A"] == "one two"
    assert message.headers["X-B"] == ""
    assert message.headers["X-C"] == ""
    assert message.raw_headers[1] == (b"X-A", b"one two")


def test_name_case_is_preserved_in_raw_headers_and_lookup_is_case_insensitive() -> None:
    message = head(parse(with_fields(b"hOsT: a", b"X-Custom-NAME: v1", b"x-custom-name: v2")))
    assert [name for name, _ in message.raw_headers] == [
        b"hOsT",
        b"X-Custom-NAME",
        b"x-custom-name",
    ]
    assert message.headers["HOST"] == "a"
    assert message.headers.getall("X-CUSTOM-name") == ["v1", "v2"]
    assert [name for name, _ in message.headers.items()] == [
        "hOsT",
        "X-Custom-NAME",
        "x-custom-name",
    ]


def test_repeated_fields_keep_their_order() -> None:
    message = head(parse(with_fields(b"Host: a", b"Accept: x", b"Cookie: 1", b"Accept: y")))
    assert message.headers.getall("Accept") == ["x", "y"]
    assert message.raw_headers == (
        (b"Host", b"a"),
        (b"Accept", b"x"),
        (b"Cookie", b"1"),
        (b"Accept", b"y"),
    )


def test_value_may_contain_colons() -> None:
    message = head(parse(with_fields(b"Host: a:80", b"X-Time: 12:34:56")))
    assert message.headers["X-Time"] == "12:34:56"


def test_headers_are_read_only() -> None:
    message = head(parse(with_fields(b"Host: a")))
    with pytest.raises(TypeError):
        message.headers["X"] = "y"  # type: ignore[index]


# -- limits ----------------------------------------------------------------------------------------


def test_max_headers_fields_are_accepted() -> None:
    fields = [b"Host: a"] + [b"X-%d: v" % i for i in range(9)]
    message = head(parse(with_fields(*fields), ParserLimits(max_headers=10)))
    assert len(message.raw_headers) == 10


def test_more_than_max_headers_fields_is_a_431() -> None:
    fields = [b"Host: a"] + [b"X-%d: v" % i for i in range(10)]
    exc = error(parse(with_fields(*fields), ParserLimits(max_headers=10)))
    assert isinstance(exc, LineTooLong)
    assert exc.code == 431


def test_field_at_max_field_size_is_accepted() -> None:
    line = b"X-A: " + b"v" * 95
    assert len(line) == 100
    message = head(parse(with_fields(b"Host: a", line), ParserLimits(max_field_size=100)))
    assert message.headers["X-A"] == "v" * 95


def test_field_longer_than_max_field_size_is_a_431() -> None:
    line = b"X-A: " + b"v" * 96
    exc = error(parse(with_fields(b"Host: a", line), ParserLimits(max_field_size=100)))
    assert isinstance(exc, LineTooLong)
    assert exc.code == 431


def test_overlong_field_is_refused_before_its_end_arrives() -> None:
    parser = new_parser(ParserLimits(max_field_size=100))
    assert parser.feed_data(b"GET / HTTP/1.1\r\nHost: a\r\nX-A: " + b"v" * 90) == []
    exc = error(parser.feed_data(b"v" * 20))
    assert exc.code == 431


def test_field_at_the_limit_split_after_its_cr_is_accepted() -> None:
    parser = new_parser(ParserLimits(max_field_size=100))
    assert parser.feed_data(b"GET / HTTP/1.1\r\nHost: a\r\nX-A: " + b"v" * 95 + b"\r") == []
    assert head(parser.feed_data(b"\n\r\n")).headers["X-A"] == "v" * 95


def _head_of_size(size: int) -> bytes:
    start = b"GET / HTTP/1.1\r\nHost: a\r\nX-Pad: "
    return start + b"p" * (size - len(start) - 4) + b"\r\n\r\n"


def test_head_at_max_head_size_is_accepted() -> None:
    data = _head_of_size(1000)
    assert len(data) == 1000
    limits = ParserLimits(max_head_size=1000, max_field_size=2000)
    assert head(parse(data, limits)).headers["X-Pad"].startswith("ppp")


def test_head_over_max_head_size_is_a_431() -> None:
    limits = ParserLimits(max_head_size=1000, max_field_size=2000)
    exc = error(parse(_head_of_size(1001), limits))
    assert isinstance(exc, LineTooLong)
    assert exc.code == 431


def test_oversized_head_is_refused_as_soon_as_it_exceeds_the_bound() -> None:
    parser = new_parser(ParserLimits(max_head_size=1000))
    fed = parser.feed_data(b"GET / HTTP/1.1\r\nHost: a\r\n")
    assert fed == []
    sent = 25
    events: list[Event] = []
    for i in range(1000):
        piece = b"X-%04d: %s\r\n" % (i, b"v" * 40)
        events = parser.feed_data(piece)
        sent += len(piece)
        if events:
            break
    exc = error(events)
    assert exc.code == 431
    assert 1000 < sent <= 1000 + 50  # refused with the first piece past the bound
    assert parser.done


def test_many_small_fields_are_refused_by_the_head_size_before_the_end() -> None:
    parser = new_parser(ParserLimits(max_head_size=500, max_headers=10_000))
    exc = error(parser.feed_data(b"GET / HTTP/1.1\r\nHost: a\r\n" + b"X: y\r\n" * 200))
    assert exc.code == 431


# -- leading empty lines ---------------------------------------------------------------------------


def test_leading_empty_lines_up_to_the_limit_are_ignored() -> None:
    data = b"\r\n" * 3 + with_fields(b"Host: a")
    events = parse(data, ParserLimits(max_empty_lines=3))
    assert head(events).method == "GET"
    assert events[-1] == MessageComplete()


def test_too_many_leading_empty_lines_are_a_400() -> None:
    exc = error(parse(b"\r\n" * 4 + with_fields(b"Host: a"), ParserLimits(max_empty_lines=3)))
    assert exc.code == 400


def test_endless_empty_lines_are_refused_while_they_arrive() -> None:
    parser = new_parser(ParserLimits(max_empty_lines=8))
    events: list[Event] = []
    for _ in range(9):
        events = parser.feed_data(b"\r\n")
        if events:
            break
    assert error(events).code == 400


def test_empty_lines_between_pipelined_requests_are_tolerated() -> None:
    events = parse(with_fields(b"Host: a") + b"\r\n\r\n" + with_fields(b"Host: b"))
    heads = [e.message.headers["Host"] for e in events if isinstance(e, RequestHead)]
    assert heads == ["a", "b"]


def test_eof_inside_a_head_is_an_error() -> None:
    parser = new_parser()
    assert parser.feed_data(b"GET / HTTP/1.1\r\nHost: a\r\n") == []
    exc = error(parser.feed_eof())
    assert exc.code == 400


def test_eof_between_requests_is_not_an_error() -> None:
    parser = new_parser()
    assert parser.feed_data(with_fields(b"Host: a"))[-1] == MessageComplete()
    assert parser.idle
    assert parser.feed_eof() == []

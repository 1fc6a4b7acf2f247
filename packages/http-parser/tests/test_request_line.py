"""The request line: method token, request-target forms and HTTP version (RFC 9112 3)."""

from __future__ import annotations

import pytest
from parser_backends import new_parser
from yarl import URL

from aiostrata.http_parser import (
    BadHttpMessage,
    Event,
    HttpProcessingError,
    HttpVersion10,
    HttpVersion11,
    LineTooLong,
    MessageComplete,
    ParseError,
    ParserLimits,
    RawRequestMessage,
    RequestHead,
    UnsupportedVersion,
)

pytestmark = pytest.mark.usefixtures("parser_backend")


def parse(data: bytes, limits: ParserLimits | None = None) -> list[Event]:
    return new_parser(limits).feed_data(data)


def request(line: bytes, host: bytes = b"example.com") -> bytes:
    return line + b"\r\nHost: " + host + b"\r\n\r\n"


def head(events: list[Event]) -> RawRequestMessage:
    assert isinstance(events[0], RequestHead), events
    assert events[-1] == MessageComplete()
    return events[0].message


def error(events: list[Event]) -> HttpProcessingError:
    assert events, "expected a ParseError"
    last = events[-1]
    assert isinstance(last, ParseError), events
    assert not any(isinstance(event, RequestHead) for event in events)
    return last.error


# -- methods ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method", [b"GET", b"POST", b"get", b"Get", b"PROPFIND", b"M-SEARCH", b"X_CUSTOM!#$%&'*+.^`|~"]
)
def test_method_is_any_token_kept_exactly_as_sent(method: bytes) -> None:
    message = head(parse(request(method + b" / HTTP/1.1")))
    assert message.method == method.decode()


def test_method_comparison_is_case_sensitive() -> None:
    message = head(parse(request(b"head / HTTP/1.1")))
    assert message.method == "head"
    assert message.method != "HEAD"


@pytest.mark.parametrize(
    "method",
    [
        b"GE(T",
        b"GE/T",
        b"GE:T",
        b'G"ET',
        b"GE\x00T",
        b"GE\x7fT",
        b"GE\tT",
        b"G\xc3\x89T",
        b"[GET]",
        b"GET,",
        b"",
    ],
)
def test_invalid_method_characters_are_a_400(method: bytes) -> None:
    exc = error(parse(request(method + b" / HTTP/1.1")))
    assert isinstance(exc, BadHttpMessage)
    assert exc.code == 400


# -- versions --------------------------------------------------------------------------------------


def test_http_1_1_is_accepted() -> None:
    message = head(parse(request(b"GET / HTTP/1.1")))
    assert message.version == HttpVersion11


def test_http_1_0_is_accepted_without_host() -> None:
    message = head(parse(b"GET / HTTP/1.0\r\n\r\n"))
    assert message.version == HttpVersion10
    assert message.version < HttpVersion11


@pytest.mark.parametrize(
    "version", [b"HTTP/2.0", b"HTTP/0.9", b"HTTP/1.2", b"HTTP/3.0", b"HTTP/9.9"]
)
def test_well_formed_but_unsupported_versions_are_a_505(version: bytes) -> None:
    exc = error(parse(request(b"GET / " + version)))
    assert isinstance(exc, UnsupportedVersion)
    assert exc.code == 505


@pytest.mark.parametrize(
    "version",
    [
        b"HTTP/1.x",
        b"http/1.1",
        b"Http/1.1",
        b"HTTP/1",
        b"HTTP/11",
        b"HTTP/1.10",
        b"HTTP/01.1",
        b"HTTP/1.1.1",
        b"HTTP 1.1",
        b"HTTP/\xd9\xa1.\xd9\xa1",  # ARABIC-INDIC DIGIT ONE, twice
        b"HTTP/\xef\xbc\x91.\xef\xbc\x91",  # FULLWIDTH DIGIT ONE
        b"HTTP/1.\xd9\xa1",
        b"",
    ],
)
def test_malformed_versions_are_a_400(version: bytes) -> None:
    exc = error(parse(request(b"GET / " + version)))
    assert exc.code == 400


def test_trailing_space_after_version_is_a_400() -> None:
    exc = error(parse(request(b"GET / HTTP/1.1 ")))
    assert exc.code == 400


@pytest.mark.parametrize(
    "line",
    [
        b"GET  / HTTP/1.1",
        b"GET /  HTTP/1.1",
        b" GET / HTTP/1.1",
        b"GET\t/ HTTP/1.1",
        b"GET /\tHTTP/1.1",
        b"GET / HTTP/1.1\t",
        b"GET /",
        b"GET",
        b"GET / HTTP/1.1 extra",
    ],
)
def test_request_line_must_be_three_parts_separated_by_single_spaces(line: bytes) -> None:
    exc = error(parse(request(line)))
    assert exc.code == 400


# -- request-target forms --------------------------------------------------------------------------


def test_origin_form_puts_path_and_query_into_the_url() -> None:
    message = head(parse(request(b"GET /a/b%20c?x=1&y=%2F HTTP/1.1")))
    assert message.path == "/a/b%20c?x=1&y=%2F"
    assert not message.url.absolute
    assert message.url.raw_path == "/a/b%20c"
    assert message.url.raw_query_string == "x=1&y=%2F"
    assert message.url.path == "/a/b c"
    assert message.url.query["y"] == "/"


def test_origin_form_without_query() -> None:
    message = head(parse(request(b"GET /index.html HTTP/1.1")))
    assert message.url == URL("/index.html")
    assert message.url.query_string == ""


def test_absolute_form_gives_an_absolute_url() -> None:
    message = head(parse(request(b"GET http://example.com/a?b HTTP/1.1")))
    assert message.path == "http://example.com/a?b"
    assert message.url.absolute
    assert message.url.scheme == "http"
    assert message.url.host == "example.com"
    assert message.url.path == "/a"
    assert message.url.query_string == "b"


def test_absolute_form_with_https_and_port() -> None:
    message = head(parse(request(b"GET https://example.com:8443/ HTTP/1.1")))
    assert message.url.scheme == "https"
    assert message.url.port == 8443


@pytest.mark.parametrize(
    "target",
    [
        b"ftp://example.com/",
        b"http:///nohost",
        b"http:/a",
        b"example.com",
        b"example.com:443",
        b"a/b",
        b"?q",
    ],
)
def test_target_that_is_neither_origin_nor_absolute_form_is_a_400(target: bytes) -> None:
    exc = error(parse(request(b"GET " + target + b" HTTP/1.1")))
    assert exc.code == 400


def test_authority_form_is_accepted_for_connect() -> None:
    events = parse(request(b"CONNECT example.com:443 HTTP/1.1", host=b"example.com:443"))
    message = head(events)
    assert message.method == "CONNECT"
    assert message.path == "example.com:443"
    assert message.url.host == "example.com"
    assert message.url.port == 443
    assert message.upgrade


def test_authority_form_with_ipv6_literal_for_connect() -> None:
    message = head(parse(request(b"CONNECT [::1]:8080 HTTP/1.1", host=b"[::1]:8080")))
    assert message.url.port == 8080


@pytest.mark.parametrize(
    "target", [b"example.com", b"example.com:", b":443", b"user@example.com:443", b"/", b"[::1]"]
)
def test_connect_requires_host_and_port(target: bytes) -> None:
    exc = error(parse(request(b"CONNECT " + target + b" HTTP/1.1")))
    assert exc.code == 400


@pytest.mark.parametrize("method", [b"GET", b"POST", b"OPTIONS"])
def test_authority_form_is_refused_for_other_methods(method: bytes) -> None:
    exc = error(parse(request(method + b" example.com:443 HTTP/1.1")))
    assert exc.code == 400


def test_asterisk_form_is_accepted_for_options() -> None:
    message = head(parse(request(b"OPTIONS * HTTP/1.1")))
    assert message.path == "*"
    assert message.url.path == "*"


@pytest.mark.parametrize("method", [b"GET", b"POST", b"options", b"CONNECT"])
def test_asterisk_form_is_refused_for_other_methods(method: bytes) -> None:
    exc = error(parse(request(method + b" * HTTP/1.1")))
    assert exc.code == 400


@pytest.mark.parametrize(
    "target",
    [
        b"/a#frag",
        b"/#",
        b"http://example.com/#x",
        b"/a\x00b",
        b"/a\x01",
        b"/a\x7f",
        b"/a\x1b[0m",
        b"/caf\xc3\xa9",
        b"/\xff",
        b"/a\x0bb",
    ],
)
def test_fragment_ctl_and_non_ascii_bytes_in_target_are_a_400(target: bytes) -> None:
    exc = error(parse(request(b"GET " + target + b" HTTP/1.1")))
    assert isinstance(exc, BadHttpMessage)
    assert exc.code == 400


def test_space_inside_the_target_is_a_400() -> None:
    exc = error(parse(request(b"GET /a b HTTP/1.1")))
    assert exc.code == 400


# -- size limit ------------------------------------------------------------------------------------


def _line_of(length: int) -> bytes:
    prefix, suffix = b"GET /", b" HTTP/1.1"
    return prefix + b"a" * (length - len(prefix) - len(suffix)) + suffix


def test_request_line_at_max_line_size_is_accepted() -> None:
    line = _line_of(100)
    assert len(line) == 100
    message = head(parse(request(line), ParserLimits(max_line_size=100)))
    assert len(message.path) == 100 - len(b"GET  HTTP/1.1")


def test_request_line_longer_than_max_line_size_is_a_414() -> None:
    exc = error(parse(request(_line_of(101)), ParserLimits(max_line_size=100)))
    assert isinstance(exc, LineTooLong)
    assert exc.code == 414


def test_overlong_request_line_is_refused_before_its_end_arrives() -> None:
    parser = new_parser(ParserLimits(max_line_size=100))
    assert parser.feed_data(b"GET /" + b"a" * 90) == []
    events = parser.feed_data(b"a" * 20)
    exc = error(events)
    assert exc.code == 414
    assert parser.done
    assert parser.feed_data(b" HTTP/1.1\r\nHost: a\r\n\r\n") == []


def test_complete_overlong_request_line_is_refused_before_the_head_ends() -> None:
    parser = new_parser(ParserLimits(max_line_size=100))
    exc = error(parser.feed_data(_line_of(150) + b"\r\nHost: a\r\n"))
    assert exc.code == 414


def test_request_line_at_the_limit_split_after_its_cr_is_accepted() -> None:
    line = _line_of(100)
    parser = new_parser(ParserLimits(max_line_size=100))
    assert parser.feed_data(line + b"\r") == []
    events = parser.feed_data(b"\nHost: a\r\n\r\n")
    assert head(events).path.startswith("/aaa")


def test_nothing_is_parsed_after_an_error() -> None:
    parser = new_parser()
    events = parser.feed_data(b"GET / HTTP/2.0\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")
    assert len(events) == 1
    assert error(events).code == 505
    assert parser.done
    assert parser.feed_data(request(b"GET / HTTP/1.1")) == []
    assert parser.feed_eof() == []


def test_error_is_typed_with_a_repr_naming_the_code() -> None:
    exc = error(parse(request(b"GET / HTTP/1.x")))
    assert isinstance(exc, HttpProcessingError)
    assert "400" in repr(exc)


@pytest.mark.parametrize("target", [b"http://a:99999/", b"http://a:x/", b"http://[::1/"])
def test_invalid_authority_in_absolute_form_is_a_400_never_a_bare_value_error(
    target: bytes,
) -> None:
    exc = error(parse(request(b"GET " + target + b" HTTP/1.1")))
    assert exc.code == 400


@pytest.mark.parametrize("target", [b"example.com:99999", b"example.com:-1", b"example.com:8x"])
def test_connect_with_invalid_port_is_a_400(target: bytes) -> None:
    exc = error(parse(request(b"CONNECT " + target + b" HTTP/1.1")))
    assert exc.code == 400


@pytest.mark.parametrize(
    "target",
    [b"http://user@example.com/", b"http://user:pw@example.com/", b"https://@example.com/"],
)
def test_absolute_form_with_userinfo_is_a_400(target: bytes) -> None:
    """RFC 9110 4.2.4: userinfo in an http(s) target is an error."""
    events = new_parser().feed_data(b"GET " + target + b" HTTP/1.1\r\nHost: example.com\r\n\r\n")
    assert len(events) == 1
    assert isinstance(events[0], ParseError)
    assert events[0].error.code == 400

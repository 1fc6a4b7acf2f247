"""Attributes parsed from request headers: content type, cookies, ranges, conditions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from requests_from_bytes import make_request


def head(*lines: str) -> bytes:
    return ("GET / HTTP/1.1\r\nHost: h\r\n" + "".join(f"{line}\r\n" for line in lines)).encode(
        "utf-8"
    ) + b"\r\n"


async def test_content_type_and_charset() -> None:
    request = make_request(head("Content-Type: Text/HTML; Charset=ISO-8859-1"))
    assert request.content_type == "text/html"
    assert request.charset == "ISO-8859-1"
    bare = make_request(head())
    assert bare.content_type == "application/octet-stream"
    assert bare.charset is None


async def test_content_type_reads_quoted_parameters_as_responses_do() -> None:
    request = make_request(head('Content-Type: text/plain; foo="a;b"; charset=utf-8'))
    assert request.content_type == "text/plain"
    assert request.charset == "utf-8"
    assert make_request(head("Content-Type: nonsense")).content_type == "text/plain"


async def test_cookies_are_parsed_and_read_only() -> None:
    request = make_request(head('Cookie: a=1; b="two words"; bad name=3; c=', "Cookie: a=9; d=4"))
    assert dict(request.cookies) == {"a": "1", "b": "two words", "c": "", "d": "4"}
    with pytest.raises(TypeError):
        request.cookies["x"] = "y"  # type: ignore[index]


async def test_many_invalid_cookies_are_dropped_without_logging(
    caplog: pytest.LogCaptureFixture,
) -> None:
    request = make_request(head("Cookie: " + "; ".join(f"bad name{i}=x" for i in range(500))))
    assert dict(request.cookies) == {}
    assert caplog.records == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, slice(None, None, 1)),
        ("bytes=0-499", slice(0, 500, 1)),
        ("bytes=500-", slice(500, None, 1)),
        ("bytes=-500", slice(-500, None, 1)),
        ("Bytes=0-1", slice(0, 2, 1)),
        # RFC 9110 14.1.1: a last position past the end, however long, means "to the end".
        ("bytes=0-" + "9" * 32, slice(0, 10**18 + 1, 1)),
        ("bytes=-" + "9" * 32, slice(-(10**18), None, 1)),
        ("bytes=" + "0" * 30 + "5-" + "0" * 30 + "9", slice(5, 10, 1)),
    ],
)
async def test_http_range(value: str | None, expected: slice) -> None:
    request = make_request(head(f"Range: {value}") if value else head())
    assert request.http_range == expected


@pytest.mark.parametrize(
    "value",
    [
        "bytes=5-1",
        "bytes=-",
        "bytes=1-2,4-5",
        "items=1-2",
        "bytes=\u0661-\u0662",  # ARABIC-INDIC digits: GHSA-mqqc-3gqh-h2x8's class
    ],
)
async def test_malformed_range_raises_value_error(value: str) -> None:
    request = make_request(head(f"Range: {value}"))
    with pytest.raises(ValueError, match=r".+"):
        _ = request.http_range


async def test_conditional_dates() -> None:
    request = make_request(
        head(
            "If-Modified-Since: Wed, 21 Oct 2015 07:28:00 GMT",
            "If-Unmodified-Since: not a date",
            "If-Range: Wed, 21 Oct 2015 07:28:00 GMT",
        )
    )
    assert request.if_modified_since == datetime(2015, 10, 21, 7, 28, tzinfo=UTC)
    assert request.if_unmodified_since is None
    assert request.if_range == datetime(2015, 10, 21, 7, 28, tzinfo=UTC)


@pytest.mark.parametrize(
    "lines",
    [
        # RFC 9110 13.1.3/13.1.4: more than one member, or not a valid date: ignored.
        ("{name}: Wed, 21 Oct 2015 07:28:00 GMT", "{name}: Wed, 21 Oct 2015 07:28:00 GMT"),
        ("{name}: Wed, 21 Oct 2015 07:28:00 GMT, Thu, 22 Oct 2015 07:28:00 GMT",),
        ("{name}: Wed, 21 Oct 2015 07:28:00 GMT", "{name}: garbage"),
        ("{name}: 21 Oct 2015 GMT yesterday",),
    ],
)
@pytest.mark.parametrize("name", ["If-Modified-Since", "If-Unmodified-Since", "If-Range"])
async def test_a_repeated_or_invalid_conditional_date_is_ignored(
    lines: tuple[str, ...], name: str
) -> None:
    request = make_request(head(*(line.format(name=name) for line in lines)))
    attribute = name.lower().replace("-", "_")
    assert getattr(request, attribute) is None


async def test_entity_tags() -> None:
    request = make_request(head('If-Match: "a", W/"b"', "If-None-Match: *"))
    match = request.if_match
    assert match is not None
    assert [(tag.value, tag.is_weak) for tag in match] == [("a", False), ("b", True)]
    none_match = request.if_none_match
    assert none_match is not None
    assert [tag.value for tag in none_match] == ["*"]
    assert make_request(head()).if_match is None


async def test_forwarded_header_is_parsed_per_hop() -> None:
    request = make_request(
        head('Forwarded: for=192.0.2.60;proto=http;by="[2001:db8::1]", for=198.51.100.17')
    )
    assert [dict(hop) for hop in request.forwarded] == [
        {"for": "192.0.2.60", "proto": "http", "by": "[2001:db8::1]"},
        {"for": "198.51.100.17"},
    ]


async def test_content_length() -> None:
    assert make_request(head()).content_length is None
    request = make_request(b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc")
    assert request.content_length == 3
    assert request.body_exists


async def test_a_malformed_range_is_also_a_416_response() -> None:
    from aiostrata.web_response import HTTPRequestRangeNotSatisfiable

    request = make_request(head("Range: bytes=9-1"))
    with pytest.raises(HTTPRequestRangeNotSatisfiable) as info:
        _ = request.http_range
    assert isinstance(info.value, ValueError)
    assert info.value.status == 416
    assert str(info.value) == "start cannot be after end"


async def test_a_bare_cookie_name_has_an_empty_value() -> None:
    request = make_request(head("Cookie: flag; a=1"))
    assert dict(request.cookies) == {"flag": "", "a": "1"}


async def test_a_date_past_year_9999_is_just_invalid() -> None:
    request = make_request(head("If-Modified-Since: Mon, 01 Jan 99999999999 00:00:00 GMT"))
    assert request.if_modified_since is None

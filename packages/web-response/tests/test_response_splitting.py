"""Nothing a handler sets can end the head early or forge a header
(RFC 9112 2.2, 4; CVE-2026-34519)."""

from __future__ import annotations

import pytest
from _web_response_testkit import FakeRequest, send
from hypothesis import given
from hypothesis import strategies as st

from aiostrata.http_parser import UnsafeHeaderError
from aiostrata.web_response import (
    HTTPFound,
    HTTPNotFound,
    HTTPUnavailableForLegalReasons,
    Response,
    StreamResponse,
)

_BAD_REASONS = [
    "OK\r\nSet-Cookie: evil=1",
    "OK\nX: y",
    "OK\r",
    "bad\x00nul",
    "bell\x07",
    "del\x7f",
]


@pytest.mark.parametrize("reason", _BAD_REASONS)
def test_reason_with_control_characters_is_refused_at_construction(reason: str) -> None:
    with pytest.raises(ValueError, match="control"):
        Response(reason=reason)
    with pytest.raises(ValueError, match="control"):
        StreamResponse(reason=reason)


@pytest.mark.parametrize("reason", _BAD_REASONS)
def test_reason_with_control_characters_is_refused_by_set_status(reason: str) -> None:
    response = Response()
    with pytest.raises(ValueError, match="control"):
        response.set_status(200, reason)
    assert response.reason == "OK"


def test_reason_with_control_characters_is_refused_on_http_exceptions() -> None:
    with pytest.raises(ValueError, match="control"):
        HTTPNotFound(reason="Not Found\r\nX: 1")


def test_reason_with_tab_and_non_ascii_is_accepted() -> None:
    assert Response(reason="Fine\tand dandy é").reason == "Fine\tand dandy é"


@given(st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=20))
def test_any_reason_is_either_refused_or_free_of_line_breaks(reason: str) -> None:
    try:
        response = Response(reason=reason)
    except ValueError:
        assert any((ord(c) < 0x20 and c != "\t") or c == "\x7f" for c in reason)
    else:
        assert "\r" not in response.reason
        assert "\n" not in response.reason


@pytest.mark.parametrize(
    ("name", "value"),
    [("X-Evil", "a\r\nSet-Cookie: evil=1"), ("X-Evil", "a\nb"), ("Bad Name", "v"), ("X:Y", "v")],
)
async def test_unsafe_header_is_refused_at_prepare_and_nothing_is_sent(
    name: str, value: str
) -> None:
    request = FakeRequest()
    response = Response(text="x", headers={name: value})
    with pytest.raises(UnsafeHeaderError):
        await response.prepare(request)
    assert request.wire == b""
    # Nothing was queued: the response is not taken for sent, so a 500 can still go out.
    assert not response.prepared


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("/x\r\n", "/x"),
        ("/x\r\nSet-Cookie: evil=1", "/xSet-Cookie:%20evil=1"),
        ("/a b/ä", "/a%20b/%C3%A4"),
        ("http://example.com/p?q=1 2", "http://example.com/p?q=1+2"),
    ],
)
async def test_a_redirect_location_is_made_safe_through_yarl(location: str, expected: str) -> None:
    redirect = HTTPFound(location)
    assert redirect.headers["Location"] == expected
    wire = await send(redirect)
    assert wire.status_line == "HTTP/1.1 302 Found"
    assert wire.getall("Location") == [expected]
    assert wire.get("Set-Cookie") is None


def test_a_legal_block_link_is_made_safe_through_yarl() -> None:
    blocked = HTTPUnavailableForLegalReasons("https://authority.example/why\r\nX: 1")
    assert blocked.headers["Link"] == '<https://authority.example/whyX:%201>; rel="blocked-by"'


@pytest.mark.parametrize("field", ["path", "domain"])
@pytest.mark.parametrize("value", ["/\r\nX: 1", "/; HttpOnly=no", "a\x00b"])
def test_cookie_attribute_that_would_inject_is_refused(field: str, value: str) -> None:
    response = Response()
    with pytest.raises(ValueError, match="invalid cookie"):
        response.set_cookie("name", "v", **{field: value})  # type: ignore[arg-type]


def test_cookie_value_with_line_break_is_quoted_not_sent_raw() -> None:
    response = Response()
    response.set_cookie("name", "a\r\nb")
    assert "\r" not in response.cookies["name"].OutputString()
    assert "\n" not in response.cookies["name"].OutputString()

"""HTTP exceptions are raisable and complete responses with aiohttp's defaults."""

from __future__ import annotations

import inspect

import pytest
from _web_response_testkit import FakeRequest, send
from yarl import URL

from aiostrata import web_response
from aiostrata.web_response import (
    HTTPBadRequest,
    HTTPClientError,
    HTTPError,
    HTTPException,
    HTTPExpectationFailed,
    HTTPFound,
    HTTPInternalServerError,
    HTTPMethodNotAllowed,
    HTTPMove,
    HTTPNoContent,
    HTTPNotFound,
    HTTPNotModified,
    HTTPOk,
    HTTPRedirection,
    HTTPRequestEntityTooLarge,
    HTTPResetContent,
    HTTPServerError,
    HTTPSuccessful,
    HTTPUnavailableForLegalReasons,
    Response,
)

_CONCRETE = {
    name: cls
    for name, cls in vars(web_response).items()
    if inspect.isclass(cls) and issubclass(cls, HTTPException) and cls.status_code != -1
}

_EXPECTED_CODES = {
    200, 201, 202, 203, 204, 205, 206,
    300, 301, 302, 303, 304, 305, 307, 308,
    400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417,
    421, 422, 424, 426, 428, 429, 431, 451,
    500, 501, 502, 503, 504, 505, 506, 507, 510, 511,
}  # fmt: skip


def _build(cls: type[HTTPException]) -> HTTPException:
    if issubclass(cls, HTTPMove):
        return cls("/elsewhere")
    if cls is HTTPMethodNotAllowed:
        return cls("GET", ["POST"])
    if cls is HTTPRequestEntityTooLarge:
        return cls(max_size=1, actual_size=2)
    if cls is HTTPUnavailableForLegalReasons:
        return cls("https://authority.example/")
    return cls()


def test_every_aiohttp_status_class_exists_once() -> None:
    codes = [cls.status_code for cls in _CONCRETE.values()]
    assert sorted(codes) == sorted(_EXPECTED_CODES)


@pytest.mark.parametrize("name", sorted(_CONCRETE))
def test_status_class_has_status_reason_and_family(name: str) -> None:
    cls = _CONCRETE[name]
    exc = _build(cls)
    assert isinstance(exc, Response)
    assert isinstance(exc, Exception)
    assert exc.status == cls.status_code
    assert str(exc) == exc.reason
    family = {2: HTTPSuccessful, 3: HTTPRedirection, 4: HTTPClientError, 5: HTTPServerError}
    assert isinstance(exc, family[cls.status_code // 100])
    if cls.status_code >= 400:
        assert isinstance(exc, HTTPError)


@pytest.mark.parametrize("name", sorted(_CONCRETE))
def test_default_body_is_code_and_reason_unless_empty(name: str) -> None:
    exc = _build(_CONCRETE[name])
    if exc.empty_body:
        assert exc.body is None
    elif isinstance(exc, HTTPRequestEntityTooLarge):
        assert exc.text == "Maximum request body size 1 exceeded, actual body size 2"
    else:
        assert exc.text == f"{exc.status}: {exc.reason}"
        assert exc.content_type == "text/plain"


def test_empty_body_classes() -> None:
    empty = {cls.status_code for cls in _CONCRETE.values() if cls.empty_body}
    assert empty == {204, 205, 304}


def test_exception_can_be_raised_and_caught_as_response() -> None:
    with pytest.raises(HTTPNotFound) as info:
        raise HTTPNotFound(reason="No such thing", text="nope", headers={"X-A": "1"})
    assert info.value.status == 404
    assert info.value.reason == "No such thing"
    assert info.value.text == "nope"
    assert info.value.headers["X-A"] == "1"


def test_exceptions_are_truthy_and_compare_by_identity() -> None:
    a, b = HTTPNotFound(), HTTPNotFound()
    assert a
    assert a != b
    assert a == a
    assert len({a, b}) == 2


def test_content_type_is_passed_to_response() -> None:
    exc = HTTPBadRequest(text='{"error": 1}', content_type="application/json")
    assert exc.headers["Content-Type"] == "application/json; charset=utf-8"


def test_body_argument_is_deprecated_but_works() -> None:
    with pytest.warns(DeprecationWarning, match="body argument is deprecated"):
        exc = HTTPBadRequest(body=b"raw")
    assert exc.body == b"raw"


async def test_not_found_on_the_wire() -> None:
    wire = await send(HTTPNotFound())
    assert wire.status_line == "HTTP/1.1 404 Not Found"
    assert wire.get("Content-Type") == "text/plain; charset=utf-8"
    assert wire.get("Content-Length") == "14"
    assert wire.body == b"404: Not Found"


@pytest.mark.parametrize("cls", [HTTPNoContent, HTTPNotModified])
async def test_bodiless_exceptions_on_the_wire(cls: type[HTTPException]) -> None:
    wire = await send(cls())
    assert wire.get("Content-Length") is None
    assert wire.get("Content-Type") is None
    assert wire.body == b""


async def test_reset_content_on_the_wire_has_zero_length() -> None:
    wire = await send(HTTPResetContent())
    assert wire.status_line == "HTTP/1.1 205 Reset Content"
    assert wire.get("Content-Length") == "0"
    assert wire.body == b""


def test_redirect_sets_location() -> None:
    exc = HTTPFound("/login?next=/")
    assert exc.location == "/login?next=/"
    assert exc.headers["Location"] == "/login?next=/"


def test_redirect_location_is_stringified() -> None:
    class Url:
        def __str__(self) -> str:
            return "http://example.com/"

    url = Url()
    exc = HTTPFound(url)
    assert exc.location is url
    assert exc.headers["Location"] == "http://example.com/"


@pytest.mark.parametrize("location", ["", None])
def test_redirect_without_location_is_refused(location: str | None) -> None:
    with pytest.raises(ValueError, match="location"):
        HTTPFound(location)


async def test_redirect_with_line_break_in_location_cannot_forge_a_header() -> None:
    # As aiohttp: the location goes through yarl, which drops the line break.
    wire = await send(HTTPFound("/x\r\nSet-Cookie: a=b"))
    assert wire.getall("Location") == ["/xSet-Cookie:%20a=b"]
    assert wire.get("Set-Cookie") is None


def test_method_not_allowed_sets_sorted_allow() -> None:
    exc = HTTPMethodNotAllowed("get", ["PUT", "POST", "GET", "POST"])
    assert exc.headers["Allow"] == "GET,POST,PUT"
    assert exc.allowed_methods == {"GET", "POST", "PUT"}
    assert exc.method == "GET"
    assert exc.status == 405


def test_method_not_allowed_with_no_methods_has_empty_allow() -> None:
    assert HTTPMethodNotAllowed("GET", []).headers["Allow"] == ""


def test_request_entity_too_large_text_can_be_overridden() -> None:
    exc = HTTPRequestEntityTooLarge(max_size=10, actual_size=20, text="too big")
    assert exc.text == "too big"
    assert exc.status == 413


def test_unavailable_for_legal_reasons_links_to_authority() -> None:
    exc = HTTPUnavailableForLegalReasons("https://authority.example/why")
    assert exc.link == URL("https://authority.example/why")  # a yarl URL, as in aiohttp
    assert exc.headers["Link"] == '<https://authority.example/why>; rel="blocked-by"'


def test_unavailable_for_legal_reasons_without_link() -> None:
    exc = HTTPUnavailableForLegalReasons(None)
    assert exc.link is None
    assert "Link" not in exc.headers


def test_base_exception_classes_have_no_real_status() -> None:
    assert HTTPException.status_code == -1
    assert HTTPError.status_code == -1


def test_base_exception_cannot_be_sent() -> None:
    exc = HTTPException()
    assert exc.status == -1


async def test_base_exception_is_refused_at_prepare() -> None:
    with pytest.raises(ValueError, match="three digits"):
        await HTTPException().prepare(FakeRequest())


def test_names_the_router_needs_are_exported() -> None:
    for name in ("HTTPNotFound", "HTTPMethodNotAllowed", "HTTPExpectationFailed"):
        assert name in web_response.__all__
    assert HTTPExpectationFailed.status_code == 417
    assert HTTPOk.status_code == 200
    assert HTTPInternalServerError.status_code == 500

"""Header properties: content type and charset, length, Last-Modified, ETag, chunking."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from multidict import CIMultiDict

from aiostrata.web_response import ETag, Response, StreamResponse


def test_headers_is_a_ci_multidict_copy_of_the_argument() -> None:
    given_headers = CIMultiDict({"X-A": "1"})
    response = StreamResponse(headers=given_headers)
    assert isinstance(response.headers, CIMultiDict)
    assert response.headers["x-a"] == "1"
    response.headers["X-B"] = "2"
    assert "X-B" not in given_headers


def test_headers_accept_pairs() -> None:
    response = StreamResponse(headers=[("X-A", "1"), ("X-A", "2")])
    assert response.headers.getall("X-A") == ["1", "2"]


def test_default_status_and_reason() -> None:
    response = StreamResponse()
    assert (response.status, response.reason) == (200, "OK")


def test_content_type_defaults_to_octet_stream() -> None:
    response = StreamResponse()
    assert response.content_type == "application/octet-stream"
    assert response.charset is None


def test_content_type_setter_keeps_charset() -> None:
    response = StreamResponse()
    response.content_type = "text/html"
    response.charset = "UTF-8"
    response.content_type = "text/plain"
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.charset == "utf-8"


def test_content_type_reads_header_set_directly() -> None:
    response = StreamResponse()
    response.headers["Content-Type"] = 'Text/HTML; Charset="ISO-8859-1"; level=1'
    assert response.content_type == "text/html"
    assert response.charset == "ISO-8859-1"
    response.headers["Content-Type"] = "application/json"
    assert response.content_type == "application/json"
    assert response.charset is None


def test_setting_charset_keeps_a_quoted_parameter_whole() -> None:
    response = StreamResponse(headers={"Content-Type": 'text/plain; foo="a;b"; charset=utf-8'})
    response.charset = "latin-1"
    assert response.headers["Content-Type"] == 'text/plain; foo="a;b"; charset=latin-1'
    response.content_type = "text/html"
    assert response.headers["Content-Type"] == 'text/html; foo="a;b"; charset=latin-1'
    assert response.charset == "latin-1"


def test_content_type_without_subtype_reads_as_text_plain() -> None:
    response = StreamResponse(headers={"Content-Type": "garbage"})
    assert response.content_type == "text/plain"


def test_charset_on_octet_stream_is_refused() -> None:
    with pytest.raises(RuntimeError, match="octet-stream"):
        StreamResponse().charset = "utf-8"


def test_charset_can_be_removed() -> None:
    response = Response(text="x")
    response.charset = None
    assert response.headers["Content-Type"] == "text/plain"


def test_content_length_property() -> None:
    response = StreamResponse()
    assert response.content_length is None
    response.content_length = 42
    assert response.headers["Content-Length"] == "42"
    assert response.content_length == 42
    response.content_length = None
    assert "Content-Length" not in response.headers


def test_negative_content_length_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        StreamResponse().content_length = -1


def test_content_length_and_chunking_are_exclusive() -> None:
    chunked = StreamResponse()
    chunked.enable_chunked_encoding()
    with pytest.raises(RuntimeError, match="chunked"):
        chunked.content_length = 10

    sized = StreamResponse()
    sized.content_length = 10
    with pytest.raises(RuntimeError, match="content length"):
        sized.enable_chunked_encoding()


def test_chunked_property_is_deprecated() -> None:
    response = StreamResponse()
    response.enable_chunked_encoding()
    with pytest.warns(DeprecationWarning, match="chunked"):
        assert response.chunked is True


def test_chunk_size_argument_is_deprecated() -> None:
    with pytest.warns(DeprecationWarning, match="Chunk size"):
        StreamResponse().enable_chunked_encoding(chunk_size=1024)


def test_response_content_length_follows_body() -> None:
    response = Response(body=b"12345")
    assert response.content_length == 5
    response.body = None
    assert response.content_length == 0
    response.enable_chunked_encoding()
    assert response.content_length is None


def test_response_content_length_cannot_be_set() -> None:
    with pytest.raises(RuntimeError, match="automatically"):
        Response().content_length = 5


def test_last_modified_from_timestamp_datetime_and_string() -> None:
    response = StreamResponse()
    assert response.last_modified is None
    response.last_modified = 0
    assert response.headers["Last-Modified"] == "Thu, 01 Jan 1970 00:00:00 GMT"
    response.last_modified = 1.2  # rounded up to the next whole second
    assert response.headers["Last-Modified"] == "Thu, 01 Jan 1970 00:00:02 GMT"
    moment = datetime.datetime(2024, 2, 29, 13, 5, 9, tzinfo=datetime.UTC)
    response.last_modified = moment
    assert response.headers["Last-Modified"] == "Thu, 29 Feb 2024 13:05:09 GMT"
    assert response.last_modified == moment
    response.last_modified = "Sun, 06 Nov 1994 08:49:37 GMT"
    assert response.last_modified == datetime.datetime(1994, 11, 6, 8, 49, 37, tzinfo=datetime.UTC)
    response.last_modified = None
    assert "Last-Modified" not in response.headers


def test_last_modified_from_aware_datetime_is_converted_to_gmt() -> None:
    response = StreamResponse()
    tz = datetime.timezone(datetime.timedelta(hours=2))
    response.last_modified = datetime.datetime(2024, 1, 1, 2, 0, 0, tzinfo=tz)
    assert response.headers["Last-Modified"] == "Mon, 01 Jan 2024 00:00:00 GMT"


def test_last_modified_accepts_obsolete_date_forms() -> None:
    response = StreamResponse()
    response.headers["Last-Modified"] = "Sunday, 06-Nov-94 08:49:37 GMT"
    assert response.last_modified is not None
    response.headers["Last-Modified"] = "Sun Nov  6 08:49:37 1994"
    assert response.last_modified == datetime.datetime(1994, 11, 6, 8, 49, 37, tzinfo=datetime.UTC)


def test_unparsable_last_modified_reads_as_none() -> None:
    response = StreamResponse(headers={"Last-Modified": "not a date"})
    assert response.last_modified is None


def test_last_modified_of_wrong_type_is_refused() -> None:
    with pytest.raises(TypeError):
        StreamResponse().last_modified = [1]  # type: ignore[assignment]


@given(st.datetimes(min_value=datetime.datetime(1970, 1, 1), timezones=st.just(datetime.UTC)))
def test_last_modified_round_trips_whole_seconds(moment: datetime.datetime) -> None:
    response = StreamResponse()
    response.last_modified = moment
    assert response.last_modified == moment.replace(microsecond=0)


def test_etag_strong_weak_and_any() -> None:
    response = StreamResponse()
    assert response.etag is None
    response.etag = "abc"
    assert response.headers["ETag"] == '"abc"'
    assert response.etag == ETag(value="abc", is_weak=False)
    response.etag = ETag(value="v1", is_weak=True)
    assert response.headers["ETag"] == 'W/"v1"'
    assert response.etag == ETag(value="v1", is_weak=True)
    response.etag = "*"
    assert response.headers["ETag"] == "*"
    assert response.etag == ETag(value="*")
    response.etag = ETag("*", is_weak=True)
    assert response.headers["ETag"] == "*"
    response.etag = None
    assert "ETag" not in response.headers


@pytest.mark.parametrize("value", ['a"b', "with space", "tab\t", "nl\n", "ctl\x01"])
def test_invalid_etag_value_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="not a valid etag"):
        StreamResponse().etag = value
    with pytest.raises(ValueError, match="not a valid etag"):
        StreamResponse().etag = ETag(value)


@pytest.mark.parametrize("value", [1, b"bytes", ETag(value=1)])  # type: ignore[arg-type]
def test_etag_of_wrong_type_is_refused(value: object) -> None:
    with pytest.raises(ValueError, match="Unsupported etag"):
        StreamResponse().etag = value  # type: ignore[assignment]


@pytest.mark.parametrize("raw", ["abc", '"unterminated', 'w/"lower"', '"a" "b"'])
def test_malformed_etag_header_reads_as_none(raw: str) -> None:
    assert StreamResponse(headers={"ETag": raw}).etag is None


def test_etag_is_a_frozen_value() -> None:
    tag = ETag("x")
    with pytest.raises(AttributeError):
        tag.value = "y"  # type: ignore[misc]
    assert tag == ETag("x", is_weak=False)
    assert hash(tag) == hash(ETag("x"))

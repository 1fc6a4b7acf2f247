"""Range requests on FileResponse (RFC 9110 14): 206, 416, suffixes, If-Range."""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path

import pytest
from file_response_fakes import make_request, serve_file, write_file

from aiostrata.web_response.http_dates import format_http_date

DATA = bytes(range(256)) * 4  # 1024 bytes, every byte value


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    return write_file(tmp_path / "data.bin", DATA)


@pytest.mark.parametrize(
    ("header", "start", "stop"),
    [
        ("bytes=0-0", 0, 1),
        ("bytes=10-19", 10, 20),
        ("bytes=1000-", 1000, 1024),
        ("bytes=1000-5000", 1000, 1024),
        ("bytes=-24", 1000, 1024),
        ("bytes=-5000", 0, 1024),
        ("bytes=0-1023", 0, 1024),
    ],
)
async def test_a_satisfiable_range_is_answered_206_with_exactly_those_bytes(
    data_file: Path, header: str, start: int, stop: int
) -> None:
    wire = await serve_file(data_file, make_request(Range=header))
    assert wire.status_line == "HTTP/1.1 206 Partial Content"
    assert wire.body == DATA[start:stop]
    assert wire.get("Content-Length") == str(stop - start)
    assert wire.get("Content-Range") == f"bytes {start}-{stop - 1}/1024"
    assert wire.get("Accept-Ranges") == "bytes"


@pytest.mark.parametrize("header", ["bytes=1024-", "bytes=2000-3000", "bytes=-0"])
async def test_a_range_past_the_end_is_416_with_the_complete_length(
    data_file: Path, header: str
) -> None:
    wire = await serve_file(data_file, make_request(Range=header))
    # The reason phrase is the running Python's (3.13 took RFC 9110's "Range Not Satisfiable").
    assert wire.status_line == f"HTTP/1.1 416 {HTTPStatus(416).phrase}"
    assert wire.get("Content-Range") == "bytes */1024"
    assert wire.body == b""
    assert wire.get("Content-Length") == "0"


@pytest.mark.parametrize("header", ["bytes=5-2", "bytes=-", "bytes=0-1,5-6", "bytes=abc"])
async def test_a_malformed_or_multiple_range_is_rejected_with_416(
    data_file: Path, header: str
) -> None:
    wire = await serve_file(data_file, make_request(Range=header))
    assert wire.status_line.startswith("HTTP/1.1 416 ")
    assert wire.get("Content-Range") == "bytes */1024"


async def test_an_unknown_range_unit_is_ignored(data_file: Path) -> None:
    wire = await serve_file(data_file, make_request(Range="items=0-5"))
    assert wire.status_line == "HTTP/1.1 200 OK"
    assert wire.body == DATA


async def test_any_range_of_an_empty_file_is_unsatisfiable(tmp_path: Path) -> None:
    empty = write_file(tmp_path / "empty.txt", b"")
    for header in ("bytes=0-", "bytes=-5"):
        wire = await serve_file(empty, make_request(Range=header))
        assert wire.status_line.startswith("HTTP/1.1 416 ")
        assert wire.get("Content-Range") == "bytes */0"


async def test_head_ignores_range_and_describes_the_whole_file(data_file: Path) -> None:
    wire = await serve_file(data_file, make_request("HEAD", Range="bytes=0-9"))
    assert wire.status_line == "HTTP/1.1 200 OK"
    assert wire.get("Content-Length") == "1024"
    assert wire.get("Content-Range") is None
    assert wire.body == b""


async def test_if_range_with_the_current_etag_allows_the_range(data_file: Path) -> None:
    etag = (await serve_file(data_file)).get("ETag")
    assert etag is not None
    wire = await serve_file(data_file, make_request(Range="bytes=0-3", If_Range=etag))
    assert wire.status_line == "HTTP/1.1 206 Partial Content"
    assert wire.body == DATA[:4]


@pytest.mark.parametrize("if_range", ['"stale-tag"', "W/{etag}", "not a date or tag"])
async def test_if_range_that_does_not_match_sends_the_whole_file(
    data_file: Path, if_range: str
) -> None:
    etag = (await serve_file(data_file)).get("ETag")
    assert etag is not None
    request = make_request(Range="bytes=0-3", If_Range=if_range.format(etag=etag))
    wire = await serve_file(data_file, request)
    assert wire.status_line == "HTTP/1.1 200 OK"
    assert wire.body == DATA


async def test_if_range_date_must_equal_last_modified_exactly(data_file: Path) -> None:
    last_modified = (await serve_file(data_file)).get("Last-Modified")
    assert last_modified is not None
    exact = await serve_file(data_file, make_request(Range="bytes=0-3", If_Range=last_modified))
    assert exact.status_line == "HTTP/1.1 206 Partial Content"
    later = format_http_date(1_800_000_000)
    other = await serve_file(data_file, make_request(Range="bytes=0-3", If_Range=later))
    assert other.status_line == "HTTP/1.1 200 OK"

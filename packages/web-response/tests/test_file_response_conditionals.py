"""Conditional requests on FileResponse (RFC 9110 13): 304, 412 and their precedence."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from file_response_fakes import make_request, serve_file, write_file

from aiostrata.web_response.http_dates import format_http_date

MTIME = 1_700_000_000.25
BEFORE = format_http_date(MTIME - 10)
AFTER = format_http_date(MTIME + 10)


@pytest.fixture
def page(tmp_path: Path) -> Path:
    return write_file(tmp_path / "page.html", b"<p>hi</p>", mtime=MTIME)


async def current_etag(path: Path) -> str:
    etag = (await serve_file(path)).get("ETag")
    assert etag is not None
    return etag


async def test_etag_is_hex_mtime_ns_dash_hex_size_and_last_modified_is_rounded_up(
    page: Path,
) -> None:
    wire = await serve_file(page)
    mtime_ns = os.stat(page).st_mtime_ns
    assert wire.get("ETag") == f'"{mtime_ns:x}-9"'
    assert wire.get("Last-Modified") == format_http_date(1_700_000_001)
    assert wire.get("Content-Type") == "text/html"


async def test_if_none_match_with_the_current_etag_is_304_with_validators(page: Path) -> None:
    etag = await current_etag(page)
    wire = await serve_file(page, make_request(If_None_Match=etag))
    assert wire.status_line == "HTTP/1.1 304 Not Modified"
    assert wire.body == b""
    assert wire.get("ETag") == etag
    assert wire.get("Last-Modified") is not None
    assert wire.get("Content-Length") is None


@pytest.mark.parametrize("form", ["W/{etag}", '"other", {etag}', "*"])
async def test_if_none_match_uses_weak_comparison(page: Path, form: str) -> None:
    etag = await current_etag(page)
    wire = await serve_file(page, make_request(If_None_Match=form.format(etag=etag)))
    assert wire.status_line == "HTTP/1.1 304 Not Modified"


async def test_if_none_match_on_a_post_fails_with_412_instead_of_304(page: Path) -> None:
    etag = await current_etag(page)
    wire = await serve_file(page, make_request("POST", If_None_Match=etag))
    assert wire.status_line == "HTTP/1.1 412 Precondition Failed"


async def test_if_match_with_another_etag_is_412_without_body(page: Path) -> None:
    wire = await serve_file(page, make_request(If_Match='"nope"'))
    assert wire.status_line == "HTTP/1.1 412 Precondition Failed"
    assert wire.get("Content-Length") == "0"
    assert wire.body == b""


async def test_if_match_uses_strong_comparison(page: Path) -> None:
    etag = await current_etag(page)
    weak = await serve_file(page, make_request(If_Match=f"W/{etag}"))
    assert weak.status_line == "HTTP/1.1 412 Precondition Failed"
    strong = await serve_file(page, make_request(If_Match=etag))
    assert strong.status_line == "HTTP/1.1 200 OK"
    star = await serve_file(page, make_request(If_Match="*"))
    assert star.status_line == "HTTP/1.1 200 OK"


async def test_if_unmodified_since_before_the_mtime_is_412(page: Path) -> None:
    failed = await serve_file(page, make_request(If_Unmodified_Since=BEFORE))
    assert failed.status_line == "HTTP/1.1 412 Precondition Failed"
    passed = await serve_file(page, make_request(If_Unmodified_Since=AFTER))
    assert passed.status_line == "HTTP/1.1 200 OK"


async def test_if_match_takes_precedence_over_if_unmodified_since(page: Path) -> None:
    etag = await current_etag(page)
    wire = await serve_file(page, make_request(If_Match=etag, If_Unmodified_Since=BEFORE))
    assert wire.status_line == "HTTP/1.1 200 OK"


async def test_if_modified_since_last_modified_is_304_and_earlier_is_200(page: Path) -> None:
    last_modified = (await serve_file(page)).get("Last-Modified")
    assert last_modified is not None
    echoed = await serve_file(page, make_request(If_Modified_Since=last_modified))
    assert echoed.status_line == "HTTP/1.1 304 Not Modified"
    older = await serve_file(page, make_request(If_Modified_Since=BEFORE))
    assert older.status_line == "HTTP/1.1 200 OK"
    assert older.body == b"<p>hi</p>"


async def test_if_none_match_takes_precedence_over_if_modified_since(page: Path) -> None:
    wire = await serve_file(page, make_request(If_None_Match='"other"', If_Modified_Since=AFTER))
    assert wire.status_line == "HTTP/1.1 200 OK"


async def test_if_modified_since_is_ignored_for_methods_other_than_get_and_head(
    page: Path,
) -> None:
    wire = await serve_file(page, make_request("POST", If_Modified_Since=AFTER))
    assert wire.status_line == "HTTP/1.1 200 OK"


async def test_an_invalid_date_is_ignored(page: Path) -> None:
    wire = await serve_file(page, make_request(If_Modified_Since="yesterday-ish"))
    assert wire.status_line == "HTTP/1.1 200 OK"


async def test_preconditions_are_checked_before_the_range(page: Path) -> None:
    etag = await current_etag(page)
    wire = await serve_file(page, make_request(If_None_Match=etag, Range="bytes=0-1"))
    assert wire.status_line == "HTTP/1.1 304 Not Modified"

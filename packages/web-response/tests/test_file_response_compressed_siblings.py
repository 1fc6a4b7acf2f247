"""Pre-compressed siblings (``name.br``, ``name.gz``): chosen by Accept-Encoding, never
followed through a symlink (GHSA-jwhx-xcg6-8xhj's class)."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest
from file_response_fakes import make_request, serve_file, write_file

PLAIN = b"console.log('hello');\n" * 20


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = write_file(tmp_path / "app.js", PLAIN)
    write_file(tmp_path / "app.js.gz", gzip.compress(PLAIN))
    write_file(tmp_path / "app.js.br", b"pretend-brotli")
    return path


async def test_brotli_is_preferred_when_both_are_accepted(script: Path) -> None:
    wire = await serve_file(script, make_request(Accept_Encoding="gzip, deflate, br"))
    assert wire.get("Content-Encoding") == "br"
    assert wire.get("Vary") == "Accept-Encoding"
    assert (wire.get("Content-Type") or "").endswith("/javascript")  # varies by Python
    assert wire.body == b"pretend-brotli"


async def test_gzip_sibling_is_served_when_only_gzip_is_accepted(script: Path) -> None:
    wire = await serve_file(script, make_request(Accept_Encoding="GZIP"))
    assert wire.get("Content-Encoding") == "gzip"
    assert gzip.decompress(wire.body) == PLAIN
    assert wire.get("Content-Length") == str(len(wire.body))


@pytest.mark.parametrize("accept", ["", "identity", "gzip;q=0, br;q=0", "*;q=0", "deflate"])
async def test_the_plain_file_is_served_when_no_sibling_coding_is_acceptable(
    script: Path, accept: str
) -> None:
    wire = await serve_file(script, make_request(Accept_Encoding=accept))
    assert wire.get("Content-Encoding") is None
    assert wire.get("Vary") is None
    assert wire.body == PLAIN


async def test_a_wildcard_accepts_the_siblings(script: Path) -> None:
    wire = await serve_file(script, make_request(Accept_Encoding="*"))
    assert wire.get("Content-Encoding") == "br"


async def test_the_sibling_has_its_own_etag(script: Path) -> None:
    plain = await serve_file(script)
    compressed = await serve_file(script, make_request(Accept_Encoding="gzip"))
    assert plain.get("ETag") != compressed.get("ETag")


async def test_a_symlinked_sibling_is_never_followed(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    secret = write_file(tmp_path / "secret.gz", b"outside the root")
    page = write_file(root / "index.html", b"inside")
    os.symlink(secret, root / "index.html.gz")
    wire = await serve_file(page, make_request(Accept_Encoding="gzip"))
    assert wire.body == b"inside"
    assert wire.get("Content-Encoding") is None


async def test_a_sibling_that_is_a_directory_is_skipped(tmp_path: Path) -> None:
    page = write_file(tmp_path / "style.css", b"body{}")
    (tmp_path / "style.css.gz").mkdir()
    wire = await serve_file(page, make_request(Accept_Encoding="gzip"))
    assert wire.body == b"body{}"
    assert wire.get("Content-Type") == "text/css"


async def test_a_range_applies_to_the_compressed_bytes(script: Path) -> None:
    wire = await serve_file(script, make_request(Accept_Encoding="br", Range="bytes=0-7"))
    assert wire.status_line == "HTTP/1.1 206 Partial Content"
    assert wire.body == b"pretend-"
    assert wire.get("Content-Range") == f"bytes 0-7/{len(b'pretend-brotli')}"


async def test_a_304_for_a_sibling_keeps_vary_but_no_content_encoding(script: Path) -> None:
    etag = (await serve_file(script, make_request(Accept_Encoding="gzip"))).get("ETag")
    assert etag is not None
    wire = await serve_file(script, make_request(Accept_Encoding="gzip", If_None_Match=etag))
    assert wire.status_line == "HTTP/1.1 304 Not Modified"
    assert wire.get("Vary") == "Accept-Encoding"
    assert wire.get("Content-Encoding") is None

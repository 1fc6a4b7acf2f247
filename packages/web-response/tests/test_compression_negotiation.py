"""enable_compression(): Accept-Encoding negotiation and compressed bodies on the wire."""

from __future__ import annotations

import gzip
import zlib
from concurrent.futures import ThreadPoolExecutor

import pytest
from _web_response_testkit import FakeRequest, dechunk, parse_wire, send

from aiostrata.http_parser import HttpVersion10
from aiostrata.web_response import ContentCoding, Response, StreamResponse
from aiostrata.web_response.content_coding import select_coding

_BODY = "compress me " * 50


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("", ContentCoding.identity),
        ("identity", ContentCoding.identity),
        ("br", ContentCoding.identity),
        ("gzip", ContentCoding.gzip),
        ("GZIP", ContentCoding.gzip),
        ("x-gzip", ContentCoding.gzip),
        ("deflate", ContentCoding.deflate),
        ("gzip, deflate", ContentCoding.deflate),
        ("gzip, deflate, br", ContentCoding.deflate),
        ("gzip;q=1.0, deflate;q=0.5", ContentCoding.gzip),
        ("deflate;q=0, gzip", ContentCoding.gzip),
        ("gzip;q=0", ContentCoding.identity),
        ("gzip;q=bogus", ContentCoding.identity),
        ("  gzip ;  q=0.3 ,, ", ContentCoding.gzip),
    ],
)
def test_accept_encoding_selects_coding(accept: str, expected: ContentCoding) -> None:
    assert select_coding(accept) is expected


def test_content_coding_values() -> None:
    assert [c.value for c in ContentCoding] == ["deflate", "gzip", "identity"]


def test_compression_is_off_by_default() -> None:
    response = StreamResponse()
    assert response.compression is False
    response.enable_compression()
    assert response.compression is True


async def test_gzip_response_has_compressed_body_and_exact_length() -> None:
    response = Response(text=_BODY)
    response.enable_compression()
    wire = await send(response, FakeRequest(raw_headers={"Accept-Encoding": "gzip"}))
    assert wire.get("Content-Encoding") == "gzip"
    assert wire.get("Content-Length") == str(len(wire.body))
    assert gzip.decompress(wire.body).decode() == _BODY


async def test_deflate_response_is_zlib_wrapped() -> None:
    response = Response(text=_BODY)
    response.enable_compression()
    wire = await send(response, FakeRequest(raw_headers={"Accept-Encoding": "deflate"}))
    assert wire.get("Content-Encoding") == "deflate"
    assert zlib.decompress(wire.body).decode() == _BODY


async def test_no_accept_encoding_leaves_body_untouched() -> None:
    response = Response(text=_BODY)
    response.enable_compression()
    wire = await send(response)
    assert wire.get("Content-Encoding") is None
    assert wire.body.decode() == _BODY


async def test_forced_coding_ignores_accept_encoding() -> None:
    response = Response(text=_BODY)
    response.enable_compression(force=ContentCoding.gzip)
    wire = await send(response)
    assert wire.get("Content-Encoding") == "gzip"
    assert gzip.decompress(wire.body).decode() == _BODY


async def test_forced_identity_never_compresses() -> None:
    response = Response(text=_BODY)
    response.enable_compression(force=ContentCoding.identity)
    wire = await send(response, FakeRequest(raw_headers={"Accept-Encoding": "gzip"}))
    assert wire.get("Content-Encoding") is None
    assert wire.body.decode() == _BODY


@pytest.mark.parametrize(("force", "encoding"), [(True, "deflate"), (False, None)])
async def test_boolean_force_is_deprecated_but_works(force: bool, encoding: str | None) -> None:
    response = Response(text=_BODY)
    with pytest.warns(DeprecationWarning, match="boolean"):
        response.enable_compression(force=force)
    wire = await send(response)
    assert wire.get("Content-Encoding") == encoding


def test_force_of_wrong_type_is_refused() -> None:
    with pytest.raises(TypeError):
        StreamResponse().enable_compression(force="gzip")  # type: ignore[arg-type]


async def test_strategy_is_used() -> None:
    response = Response(text=_BODY)
    response.enable_compression(force=ContentCoding.deflate, strategy=zlib.Z_HUFFMAN_ONLY)
    wire = await send(response)
    assert zlib.decompress(wire.body).decode() == _BODY
    plain = Response(text=_BODY)
    plain.enable_compression(force=ContentCoding.deflate)
    assert len(wire.body) != len((await send(plain)).body)


async def test_stream_response_compression_is_chunked_without_length() -> None:
    request = FakeRequest(raw_headers={"Accept-Encoding": "gzip"})
    response = StreamResponse()
    response.content_length = 1000
    response.enable_compression()
    await response.prepare(request)
    await response.write(b"part one, ")
    await response.write(b"part two")
    await response.write_eof()
    wire = parse_wire(request.wire)
    assert wire.get("Content-Length") is None
    assert wire.get("Transfer-Encoding") == "chunked"
    assert gzip.decompress(dechunk(wire.body)) == b"part one, part two"


async def test_stream_response_compression_on_http10_closes() -> None:
    request = FakeRequest(version=HttpVersion10, raw_headers={"Accept-Encoding": "deflate"})
    response = StreamResponse()
    response.enable_compression()
    await response.prepare(request)
    await response.write_eof(b"abc")
    wire = parse_wire(request.wire)
    assert zlib.decompress(wire.body) == b"abc"
    assert response.keep_alive is False


async def test_large_body_is_compressed_in_given_executor() -> None:
    used: list[str] = []

    class CountingExecutor(ThreadPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
            used.append("yes")
            return super().submit(fn, *args, **kwargs)

    with CountingExecutor(max_workers=1) as executor:
        response = Response(text=_BODY, zlib_executor_size=10, zlib_executor=executor)
        response.enable_compression(force=ContentCoding.gzip)
        wire = await send(response)
    assert used == ["yes"]
    assert gzip.decompress(wire.body).decode() == _BODY


async def test_executor_threshold_none_compresses_inline() -> None:
    used: list[str] = []

    class CountingExecutor(ThreadPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
            used.append("yes")
            return super().submit(fn, *args, **kwargs)

    with CountingExecutor(max_workers=1) as executor:
        response = Response(text=_BODY, zlib_executor_size=None, zlib_executor=executor)
        response.enable_compression(force=ContentCoding.gzip)
        await send(response)
    assert used == []


async def test_head_compressed_response_announces_compressed_length_without_body() -> None:
    response = Response(text=_BODY)
    response.enable_compression(force=ContentCoding.gzip)
    wire = await send(response, FakeRequest(method="HEAD"))
    assert wire.get("Content-Encoding") == "gzip"
    assert int(wire.get("Content-Length") or 0) > 0
    assert wire.body == b""


async def test_empty_body_is_not_compressed_and_keeps_zero_length() -> None:
    response = Response()
    response.enable_compression(force=ContentCoding.gzip)
    wire = await send(response)
    assert wire.get("Content-Encoding") is None
    assert wire.get("Content-Length") == "0"
    assert wire.body == b""


async def test_chunked_response_compresses_while_streaming() -> None:
    response = Response(text=_BODY)
    response.enable_chunked_encoding()
    response.enable_compression(force=ContentCoding.deflate)
    wire = await send(response)
    assert wire.get("Transfer-Encoding") == "chunked"
    assert zlib.decompress(dechunk(wire.body)).decode() == _BODY

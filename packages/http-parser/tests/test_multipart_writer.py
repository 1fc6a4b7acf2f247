"""MultipartWriter: the bytes it writes, its size, and what it refuses."""

from __future__ import annotations

import gzip

import pytest
from multipart_bodies import PiecewiseContent, render

from aiostrata.http_parser import (
    BodyPartReader,
    InvalidBoundary,
    MultipartReader,
    MultipartWriter,
    UnsafeHeaderError,
)


async def test_writes_rfc_2046_framing() -> None:
    writer = MultipartWriter("mixed", boundary="xyz")
    writer.append("hi")
    assert await render(writer) == (
        b"--xyz\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhi\r\n--xyz--\r\n"
    )
    assert writer.headers["Content-Type"] == "multipart/mixed; boundary=xyz"


async def test_empty_writer_is_just_the_closing_line() -> None:
    writer = MultipartWriter(boundary="e")
    assert await render(writer) == b"--e--\r\n"
    assert writer.size == len(b"--e--\r\n")
    assert len(writer) == 0
    assert bool(writer)


def test_boundary_needing_quotes_is_quoted_in_content_type() -> None:
    writer = MultipartWriter("form-data", boundary="a b:c")
    assert writer.content_type == 'multipart/form-data; boundary="a b:c"'


def test_default_boundary_is_random_and_valid() -> None:
    first, second = MultipartWriter(), MultipartWriter()
    assert first.boundary != second.boundary
    assert 1 <= len(first.boundary) <= 70


@pytest.mark.parametrize("boundary", ["", "a" * 71, "ends with space ", "a\r\nb", 'quote"d', "ü"])
def test_invalid_boundary_is_refused(boundary: str) -> None:
    with pytest.raises(InvalidBoundary):
        MultipartWriter(boundary=boundary)


def test_invalid_subtype_is_refused() -> None:
    with pytest.raises(ValueError, match="subtype"):
        MultipartWriter("form data")


@pytest.mark.parametrize(
    "headers",
    [{"X-Evil": "a\r\nInjected: 1"}, {"Bad Name": "x"}, {"X": "a\nb"}, {"X": "nul\x00"}],
)
def test_header_injection_is_refused_at_append(headers: dict[str, str]) -> None:
    writer = MultipartWriter()
    with pytest.raises(UnsafeHeaderError):
        writer.append(b"x", headers)
    assert len(writer) == 0


def test_content_disposition_injection_is_refused() -> None:
    part = MultipartWriter().append(b"x")
    assert not isinstance(part, MultipartWriter)
    with pytest.raises(ValueError, match="control"):
        part.set_content_disposition("form-data", name='a"\r\n--boundary')


def test_unsupported_payload_types_are_refused() -> None:
    with pytest.raises(TypeError, match="bytes, str"):
        MultipartWriter().append(123)  # type: ignore[arg-type]
    writer = MultipartWriter()
    with pytest.raises(ValueError, match="itself"):
        writer.append(writer)
    with pytest.raises(ValueError, match="boundary"):
        writer.append(MultipartWriter(), {"Content-Type": "text/plain"})


async def test_json_form_transfer_encodings_and_charsets_read_back() -> None:
    writer = MultipartWriter("mixed")
    writer.append_json({"a": [1, "é"]})
    writer.append_form([("k", "v 1"), ("k", "v&2")])
    writer.append(b"\x00\xffbinary", {"Content-Transfer-Encoding": "base64"})
    writer.append("caf\u00e9 = ok", {"Content-Type": "text/plain; charset=latin-1",
                                      "Content-Transfer-Encoding": "quoted-printable"})  # fmt: skip
    writer.append(gzip.compress(b"zipped"), {"Content-Encoding": "gzip"})
    wire = await render(writer)
    assert len(wire) == writer.size
    reader = MultipartReader(writer.headers, PiecewiseContent([wire]))
    results = []
    async for part in reader:
        assert isinstance(part, BodyPartReader)
        results.append(part)
        if len(results) == 1:
            assert await part.json() == {"a": [1, "é"]}
        elif len(results) == 2:
            assert await part.form() == [("k", "v 1"), ("k", "v&2")]
        elif len(results) == 3:
            assert await part.read(decode=True) == b"\x00\xffbinary"
        elif len(results) == 4:
            assert await part.text() == "café = ok"
        else:
            assert await part.read(decode=True) == b"zipped"
    assert len(results) == 5


async def test_unknown_transfer_encoding_is_refused_when_appending() -> None:
    with pytest.raises(ValueError, match="Transfer-Encoding"):
        MultipartWriter().append(b"x", {"Content-Transfer-Encoding": "x-uuencode"})


async def test_nested_writer_size_and_framing() -> None:
    inner = MultipartWriter("alternative", boundary="in")
    inner.append("plain")
    outer = MultipartWriter("mixed", boundary="out")
    outer.append(inner)
    wire = await render(outer)
    assert len(wire) == outer.size
    assert wire.startswith(
        b"--out\r\nContent-Type: multipart/alternative; boundary=in\r\n\r\n--in\r\n"
    )
    assert wire.endswith(b"--in--\r\n\r\n--out--\r\n")

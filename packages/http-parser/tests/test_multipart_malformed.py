"""Malformed multipart bodies are typed 400s, and a short body is an error, never a hang."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest
from multipart_bodies import PiecewiseContent, form, reader_for

from aiostrata.http_parser import (
    BadHttpMessage,
    BodyPartReader,
    IncompleteMultipart,
    InvalidBoundary,
    InvalidPartHeader,
    MalformedMultipart,
    MultipartReader,
    StreamReader,
    UnsupportedPartEncoding,
)

NAMED = 'Content-Disposition: form-data; name="f"'


async def drain(reader: MultipartReader) -> None:
    async for part in reader:
        assert isinstance(part, BodyPartReader)
        await part.read(decode=True)


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "multipart/form-data",
        "multipart/form-data; charset=utf-8",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=" + "a" * 71,
        'multipart/form-data; boundary="bad boundary "',
        "multipart/form-data; boundary=ab\\cd",
        "multipart/form-data; boundary=a; boundary=b",
        'multipart/form-data; boundary="unterminated',
        "text/plain; boundary=abc",
    ],
)
async def test_missing_or_invalid_boundary_is_invalid_boundary(content_type: str | None) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    with pytest.raises(InvalidBoundary) as info:
        MultipartReader(headers, PiecewiseContent([b""]))
    assert info.value.code == 400
    assert isinstance(info.value, BadHttpMessage)


async def test_quoted_boundary_with_allowed_specials_is_accepted() -> None:
    boundary = "'()+_,-./:=? x"
    headers = {"Content-Type": f'multipart/mixed; boundary="{boundary}"'}
    body = form(("X: y", b"data"), boundary=boundary)
    reader = MultipartReader(headers, PiecewiseContent([body]))
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    assert await part.read() == b"data"


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"--b0undX\r\n\r\nx\r\n--b0und--", MalformedMultipart),  # no CRLF after boundary
        (b"--b0und\r\n" + NAMED.encode() + b"\r\n", IncompleteMultipart),  # truncated headers
        (b"--b0und\r\n" + NAMED.encode(), IncompleteMultipart),
        (b"--b0und\r\n" + NAMED.encode() + b"\r\n\r\nhalf a bo", IncompleteMultipart),
        (b"--b0und\r\n" + NAMED.encode() + b"\r\n\r\nbody\r\n--b0und", IncompleteMultipart),
        (b"--b0und\r\n" + NAMED.encode() + b"\r\n\r\nbody\r\n--b0und-", IncompleteMultipart),
        (b"no boundary at all", IncompleteMultipart),
        (b"", IncompleteMultipart),
        (b"--b0und\r\nBad Header: x\r\n\r\nx\r\n--b0und--", InvalidPartHeader),
        (b"--b0und\r\nNoColon\r\n\r\nx\r\n--b0und--", InvalidPartHeader),
        (b"--b0und\r\nX: a\r\n folded\r\n\r\nx\r\n--b0und--", InvalidPartHeader),
        (b"--b0und\r\nX: a\x00b\r\n\r\nx\r\n--b0und--", InvalidPartHeader),
        (
            b"--b0und\r\nContent-Transfer-Encoding: x-uu\r\n\r\nx\r\n--b0und--",
            UnsupportedPartEncoding,
        ),
        (b"--b0und\r\nContent-Encoding: br2\r\n\r\nx\r\n--b0und--", UnsupportedPartEncoding),
        (
            b"--b0und\r\nContent-Encoding: gzip\r\n\r\nnot gzip\r\n--b0und--",
            UnsupportedPartEncoding,
        ),
    ],
)
@pytest.mark.parametrize("piece", [0, 1, 4])
async def test_malformed_body_is_a_typed_400(
    body: bytes, error: type[Exception], piece: int
) -> None:
    with pytest.raises(error) as info:
        await asyncio.wait_for(drain(reader_for(body, piece=piece)), 5)
    assert isinstance(info.value, MalformedMultipart)
    assert info.value.code == 400


async def test_truncated_body_on_a_stream_reader_fails_instead_of_hanging_cve_2024_30251() -> None:
    stream = StreamReader()
    stream.feed_data(form((NAMED, b"x" * 1000))[:-30])
    stream.feed_eof()
    reader = MultipartReader({"Content-Type": "multipart/form-data; boundary=b0und"}, stream)
    with pytest.raises(IncompleteMultipart):
        await asyncio.wait_for(drain(reader), 5)


async def test_empty_reads_end_the_body_ghsa_jj3x_wxrx_4x23() -> None:
    content = PiecewiseContent([b"--b0und\r\n" + NAMED.encode() + b"\r\n\r\nabc"])
    reader = MultipartReader({"Content-Type": "multipart/form-data; boundary=b0und"}, content)
    with pytest.raises(IncompleteMultipart):
        await asyncio.wait_for(drain(reader), 5)
    assert content.reads < 10


def test_errors_hold_under_python_dash_o() -> None:
    """No ``assert`` carries control flow: with asserts stripped the errors are the same."""
    code = (
        "import asyncio\n"
        "from aiostrata.http_parser import MultipartReader, StreamReader, IncompleteMultipart\n"
        "async def main():\n"
        "    s = StreamReader(); s.feed_data(b'--b\\r\\nX: y\\r\\n\\r\\nbody'); s.feed_eof()\n"
        "    r = MultipartReader({'Content-Type': 'multipart/mixed; boundary=b'}, s)\n"
        "    p = await r.next()\n"
        "    try:\n"
        "        await p.read()\n"
        "    except IncompleteMultipart:\n"
        "        print('typed error')\n"
        "asyncio.run(main())\n"
    )
    result = subprocess.run(
        [sys.executable, "-O", "-c", code], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.stdout.strip() == "typed error", result.stderr


async def test_transport_padding_after_boundary_is_allowed() -> None:
    body = b"--b0und \t\r\n" + NAMED.encode() + b"\r\n\r\nok\r\n--b0und--  \r\n"
    part = await reader_for(body).next()
    assert isinstance(part, BodyPartReader)
    assert await part.read() == b"ok"


async def test_boundary_lookalike_inside_a_body_is_not_a_delimiter() -> None:
    # "--b0und" not preceded by CRLF is data (RFC 2046 5.1.1: the delimiter includes the CRLF).
    data = b"x--b0und\n--b0und-ish"
    part = await reader_for(form((NAMED, data)), piece=3).next()
    assert isinstance(part, BodyPartReader)
    assert await part.read() == data

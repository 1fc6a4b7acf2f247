"""The one place a response's body framing and persistence are decided (RFC 9112 6, 9.3)."""

from __future__ import annotations

import asyncio
from typing import cast

import pytest
from multidict import CIMultiDict

from aiostrata.http_parser import (
    HttpVersion,
    HttpVersion10,
    HttpVersion11,
    StreamWriter,
    WritableConnection,
    frame_body,
    frame_known_length,
    say_persistence,
)


class _NoConnection:
    transport: asyncio.Transport | None = None

    async def writer_drain(self) -> None:  # pragma: no cover - nothing is written here
        return None


def _writer() -> StreamWriter:
    return StreamWriter(cast(WritableConnection, _NoConnection()))


def _frame(
    version: HttpVersion = HttpVersion11,
    *,
    headers: dict[str, str] | None = None,
    keep_alive: bool = True,
    no_body: bool = False,
    chunked: bool = False,
    length_check: bool = True,
    content_length: int | None = None,
    drop_length: bool = False,
) -> tuple[StreamWriter, CIMultiDict[str], bool]:
    writer = _writer()
    fields: CIMultiDict[str] = CIMultiDict(headers or {})
    kept = frame_body(
        writer,
        fields,
        version,
        keep_alive=keep_alive,
        no_body=no_body,
        chunked=chunked,
        length_check=length_check,
        content_length=content_length,
        drop_length=drop_length,
    )
    return writer, fields, kept


def test_a_known_length_bounds_the_writer_and_keeps_the_connection() -> None:
    writer, fields, kept = _frame(headers={"Content-Length": "5"}, content_length=5)
    assert (writer.length, writer.chunked, kept) == (5, False, True)
    assert dict(fields) == {"Content-Length": "5"}


def test_an_unknown_length_is_chunked_on_http_1_1() -> None:
    writer, fields, kept = _frame(content_length=None)
    assert writer.chunked
    assert fields["Transfer-Encoding"] == "chunked"
    assert kept


def test_an_unknown_length_on_http_1_0_is_ended_by_closing() -> None:
    writer, fields, kept = _frame(HttpVersion10, content_length=None)
    assert not writer.chunked
    assert "Transfer-Encoding" not in fields
    assert kept is False


def test_asked_for_chunks_on_http_1_1() -> None:
    writer, fields, _ = _frame(chunked=True)
    assert writer.chunked
    assert fields["Transfer-Encoding"] == "chunked"


def test_chunks_on_http_1_0_are_refused() -> None:
    with pytest.raises(RuntimeError, match=r"HTTP/1\.0"):
        _frame(HttpVersion10, chunked=True)


def test_a_forbidden_body_leaves_nothing_after_the_head() -> None:
    headers = {"Content-Length": "10", "Transfer-Encoding": "chunked"}
    writer, fields, kept = _frame(headers=headers, no_body=True, drop_length=True)
    assert writer.length == 0
    assert "Content-Length" not in fields
    assert "Transfer-Encoding" not in fields
    assert kept


def test_a_forbidden_body_keeps_a_length_that_describes_the_representation() -> None:
    # A HEAD answer may say how long the GET answer would be (RFC 9110 8.6).
    _, fields, _ = _frame(headers={"Content-Length": "10"}, no_body=True, drop_length=False)
    assert fields["Content-Length"] == "10"


def test_without_the_length_check_the_writer_is_left_unbounded() -> None:
    writer, fields, kept = _frame(length_check=False, content_length=None)
    assert (writer.length, writer.chunked, kept) == (None, False, True)
    assert "Transfer-Encoding" not in fields


@pytest.mark.parametrize(
    ("version", "keep_alive", "expected"),
    [
        (HttpVersion11, True, None),
        (HttpVersion11, False, "close"),
        (HttpVersion10, True, "keep-alive"),
        (HttpVersion10, False, None),
    ],
)
def test_persistence_is_said_as_the_version_needs(
    version: HttpVersion, keep_alive: bool, expected: str | None
) -> None:
    fields: CIMultiDict[str] = CIMultiDict()
    say_persistence(fields, version, keep_alive)
    assert fields.get("Connection") == expected


def test_an_applications_connection_field_is_kept() -> None:
    fields: CIMultiDict[str] = CIMultiDict({"Connection": "upgrade"})
    say_persistence(fields, HttpVersion11, False)
    assert fields.getall("Connection") == ["upgrade"]


@pytest.mark.parametrize(
    ("version", "length"),
    [(HttpVersion11, 5), (HttpVersion10, 5), (HttpVersion10, None)],
)
def test_a_transfer_encoding_set_by_the_application_goes_when_the_length_frames_the_body(
    version: HttpVersion, length: int | None
) -> None:
    headers = {"Transfer-Encoding": "chunked"}
    if length is not None:
        headers["Content-Length"] = str(length)
    writer, fields, _ = _frame(version, headers=headers, content_length=length)
    assert "Transfer-Encoding" not in fields  # never both (RFC 9112 6.2), never a false one
    assert not writer.chunked


@pytest.mark.parametrize("version", [HttpVersion11, HttpVersion10])
@pytest.mark.parametrize("extra", [{}, {"Transfer-Encoding": "chunked"}])
def test_the_known_length_shortcut_frames_as_frame_body_does(
    version: HttpVersion, extra: dict[str, str]
) -> None:
    headers = {"Content-Length": "5", **extra}
    expected_writer, expected_fields, kept = _frame(version, headers=headers, content_length=5)
    writer = _writer()
    fields: CIMultiDict[str] = CIMultiDict(headers)
    frame_known_length(writer, fields, 5)
    assert kept is True  # a known length never costs the connection
    assert (writer.length, writer.chunked) == (expected_writer.length, expected_writer.chunked)
    assert list(fields.items()) == list(expected_fields.items())

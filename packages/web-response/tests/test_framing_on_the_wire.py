"""How responses are framed on the wire: Content-Length, chunked, close-delimited,
the bodiless statuses and methods, and the Connection header."""

from __future__ import annotations

import re

import pytest
from _web_response_testkit import FakeRequest, dechunk, parse_wire, send

from aiostrata.http_parser import HttpVersion, HttpVersion10
from aiostrata.web_response import Response, StreamResponse, __version__


async def test_text_response_has_exact_head_and_body() -> None:
    wire = await send(Response(text="All right!"))
    assert wire.status_line == "HTTP/1.1 200 OK"
    assert wire.get("Content-Type") == "text/plain; charset=utf-8"
    assert wire.get("Content-Length") == "10"
    assert wire.body == b"All right!"
    assert wire.get("Connection") is None
    assert wire.get("Transfer-Encoding") is None


async def test_response_head_and_body_leave_in_one_write() -> None:
    request = FakeRequest()
    response = Response(text="x")
    await response.prepare(request)
    await response.write_eof()
    transport = request.connection._transport
    assert transport is not None
    assert len(transport.writes) == 1


async def test_date_and_server_headers_are_added() -> None:
    wire = await send(Response())
    date = wire.get("Date")
    assert date is not None
    assert re.fullmatch(r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT", date)
    server = wire.get("Server")
    assert server is not None
    assert re.fullmatch(rf"Python/3\.\d+ aiostrata/{re.escape(__version__)}", server)


async def test_own_date_and_server_headers_are_kept() -> None:
    response = Response(headers={"Server": "mine", "Date": "yesterday"})
    wire = await send(response)
    assert wire.getall("Server") == ["mine"]
    assert wire.getall("Date") == ["yesterday"]


async def test_empty_response_has_zero_length_and_no_content_type() -> None:
    wire = await send(Response())
    assert wire.get("Content-Length") == "0"
    assert wire.get("Content-Type") is None
    assert wire.body == b""


async def test_custom_reason_goes_into_status_line() -> None:
    wire = await send(Response(status=299, reason="Fine Indeed"))
    assert wire.status_line == "HTTP/1.1 299 Fine Indeed"


async def test_unknown_status_has_empty_reason() -> None:
    wire = await send(Response(status=299))
    assert wire.status_line == "HTTP/1.1 299 "


async def test_status_outside_three_digits_is_refused_at_prepare() -> None:
    response = Response(status=1000)
    with pytest.raises(ValueError, match="three digits"):
        await response.prepare(FakeRequest())


async def test_stream_response_without_length_is_chunked_on_http11() -> None:
    request = FakeRequest()
    response = StreamResponse()
    await response.prepare(request)
    await response.write(b"hello ")
    await response.write(bytearray(b"world"))
    await response.write(memoryview(b"!"))
    await response.write_eof()
    wire = parse_wire(request.wire)
    assert wire.get("Transfer-Encoding") == "chunked"
    assert wire.get("Content-Length") is None
    assert wire.get("Content-Type") == "application/octet-stream"
    assert wire.body == b"6\r\nhello \r\n5\r\nworld\r\n1\r\n!\r\n0\r\n\r\n"
    assert dechunk(wire.body) == b"hello world!"
    assert response.keep_alive is True


async def test_stream_response_head_is_sent_at_prepare() -> None:
    request = FakeRequest()
    response = StreamResponse()
    await response.prepare(request)
    assert request.wire.startswith(b"HTTP/1.1 200 OK\r\n")
    assert request.wire.endswith(b"\r\n\r\n")


async def test_stream_response_without_length_closes_on_http10() -> None:
    request = FakeRequest(version=HttpVersion10)
    response = StreamResponse()
    await response.prepare(request)
    await response.write(b"data")
    await response.write_eof()
    wire = parse_wire(request.wire)
    assert wire.status_line == "HTTP/1.0 200 OK"
    assert wire.get("Transfer-Encoding") is None
    assert wire.get("Connection") is None  # 1.0 closes by default
    assert wire.body == b"data"
    assert response.keep_alive is False


async def test_stream_response_with_length_is_not_chunked_and_is_cut_at_length() -> None:
    request = FakeRequest()
    response = StreamResponse()
    response.content_length = 4
    await response.prepare(request)
    await response.write(b"abcdef")
    await response.write_eof()
    wire = parse_wire(request.wire)
    assert wire.get("Content-Length") == "4"
    assert wire.get("Transfer-Encoding") is None
    assert wire.body == b"abcd"


async def test_explicit_chunked_encoding_frames_each_write() -> None:
    request = FakeRequest()
    response = StreamResponse()
    response.enable_chunked_encoding()
    await response.prepare(request)
    await response.write(b"ab")
    await response.write_eof(b"cd")
    wire = parse_wire(request.wire)
    assert wire.get("Transfer-Encoding") == "chunked"
    assert wire.body == b"2\r\nab\r\n2\r\ncd\r\n0\r\n\r\n"


async def test_chunked_response_with_text_body() -> None:
    response = Response(text="chunky")
    response.enable_chunked_encoding()
    wire = await send(response)
    assert wire.get("Content-Length") is None
    assert dechunk(wire.body) == b"chunky"


async def test_chunked_encoding_on_http10_is_refused() -> None:
    response = StreamResponse()
    response.enable_chunked_encoding()
    with pytest.raises(RuntimeError, match=r"HTTP/1\.0"):
        await response.prepare(FakeRequest(version=HttpVersion10))


async def test_http10_keep_alive_says_keep_alive() -> None:
    wire = await send(Response(text="x"), FakeRequest(version=HttpVersion10, keep_alive=True))
    assert wire.status_line == "HTTP/1.0 200 OK"
    assert wire.get("Connection") == "keep-alive"


async def test_http11_without_keep_alive_says_close() -> None:
    response = Response(text="x")
    wire = await send(response, FakeRequest(keep_alive=False))
    assert wire.get("Connection") == "close"
    assert response.keep_alive is False


async def test_force_close_says_close_and_overrides_request() -> None:
    response = Response(text="x")
    response.force_close()
    wire = await send(response, FakeRequest(keep_alive=True))
    assert wire.get("Connection") == "close"
    assert response.keep_alive is False


async def test_keep_alive_copies_request_after_prepare() -> None:
    response = Response()
    assert response.keep_alive is None
    await send(response, FakeRequest(keep_alive=True))
    assert response.keep_alive is True


async def test_own_connection_header_is_kept() -> None:
    response = Response(headers={"Connection": "upgrade"})
    wire = await send(response, FakeRequest(keep_alive=False))
    assert wire.getall("Connection") == ["upgrade"]


async def test_head_keeps_content_length_but_sends_no_body() -> None:
    wire = await send(Response(text="hello"), FakeRequest(method="HEAD"))
    assert wire.get("Content-Length") == "5"
    assert wire.get("Content-Type") == "text/plain; charset=utf-8"
    assert wire.body == b""


async def test_head_with_empty_body_has_no_content_length() -> None:
    wire = await send(Response(), FakeRequest(method="HEAD"))
    assert wire.get("Content-Length") is None
    assert wire.body == b""


async def test_head_stream_response_drops_written_body() -> None:
    request = FakeRequest(method="HEAD")
    response = StreamResponse()
    await response.prepare(request)
    await response.write(b"not sent")
    await response.write_eof(b"nor this")
    wire = parse_wire(request.wire)
    assert wire.get("Transfer-Encoding") is None
    assert wire.body == b""


@pytest.mark.parametrize("status", [204, 304, 100, 103])
async def test_bodiless_status_sends_no_body_nor_length(status: int) -> None:
    wire = await send(Response(text="ignored", status=status))
    assert wire.get("Content-Length") is None
    assert wire.get("Transfer-Encoding") is None
    assert wire.body == b""


@pytest.mark.parametrize("status", [204, 304])
async def test_bodiless_status_drops_declared_length_and_chunking(status: int) -> None:
    response = StreamResponse(status=status, headers={"Content-Length": "10"})
    wire = await send(response)
    assert wire.get("Content-Length") is None

    chunked = StreamResponse(status=status)
    chunked.enable_chunked_encoding()
    wire = await send(chunked)
    assert wire.get("Transfer-Encoding") is None
    assert wire.body == b""


async def test_bodiless_status_adds_no_default_content_type() -> None:
    wire = await send(StreamResponse(status=204))
    assert wire.get("Content-Type") is None


async def test_successful_connect_has_no_body_nor_length() -> None:
    wire = await send(Response(text="tunnel"), FakeRequest(method="CONNECT"))
    assert wire.get("Content-Length") is None
    assert wire.body == b""


async def test_version_of_request_is_echoed_in_status_line() -> None:
    wire = await send(Response(), FakeRequest(version=HttpVersion(1, 1)))
    assert wire.status_line.startswith("HTTP/1.1 ")

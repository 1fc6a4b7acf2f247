"""Requests whose body arrives in pieces, for the multipart form tests."""

from __future__ import annotations

import asyncio
from typing import Any

from requests_from_bytes import FakeConnection

from aiostrata.http_parser import (
    BodyData,
    HttpRequestParser,
    MessageComplete,
    RequestHead,
    StreamReader,
    StreamWriter,
)
from aiostrata.web_request import BaseRequest


def multipart_request(
    body: bytes,
    *,
    boundary: str = "b0und",
    content_type: str | None = None,
    client_max_size: int = 1024**2,
    piece: int = 100,
) -> tuple[BaseRequest, asyncio.Task[None]]:
    """A POST with ``body``, fed to the request's stream ``piece`` bytes at a time by a task."""
    loop = asyncio.get_running_loop()
    ctype = content_type or f"multipart/form-data; boundary={boundary}"
    head = (
        f"POST /upload HTTP/1.1\r\nHost: t\r\nContent-Type: {ctype}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    parser = HttpRequestParser()
    events = parser.feed_data(head)
    first = events[0]
    assert isinstance(first, RequestHead)
    payload = StreamReader(None, 2**16, loop=loop)

    async def feed() -> None:
        for start in range(0, len(body), piece):
            for event in parser.feed_data(body[start : start + piece]):
                if isinstance(event, BodyData):
                    payload.feed_data(event.data)
                elif isinstance(event, MessageComplete):
                    payload.feed_eof()
            await asyncio.sleep(0)
        if not body:
            payload.feed_eof()

    connection = FakeConnection({"peername": ("127.0.0.1", 1)})
    request = BaseRequest(
        first.message,
        payload,
        connection,
        StreamWriter(connection, loop),
        None,
        loop,
        client_max_size=client_max_size,
    )
    extra: Any = asyncio.create_task(feed())
    return request, extra


def form_body(*parts: tuple[str, bytes], boundary: str = "b0und") -> bytes:
    out = bytearray()
    for head, data in parts:
        out += f"--{boundary}\r\n{head}\r\n\r\n".encode() + data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out)

"""Drive ``Application._handle`` with real requests parsed from bytes, no socket."""

from __future__ import annotations

import asyncio
from typing import Any

from aiostrata.http_parser import EMPTY_PAYLOAD, HttpRequestParser, RequestHead, StreamWriter
from aiostrata.web_app import Application, Request
from aiostrata.web_response import HTTPException, StreamResponse


class _Transport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.written = bytearray()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return ("127.0.0.1", 1) if name == "peername" else default

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written.extend(data)

    def is_closing(self) -> bool:
        return False


class _Connection:
    def __init__(self) -> None:
        self._transport = _Transport()

    @property
    def transport(self) -> _Transport:
        return self._transport

    async def writer_drain(self) -> None:
        return None


def request_for(app: Application, method: str, path: str, *headers: str) -> Request:
    raw = f"{method} {path} HTTP/1.1\r\nHost: test\r\n" + "".join(f"{h}\r\n" for h in headers)
    events = HttpRequestParser().feed_data(raw.encode() + b"\r\n")
    head = events[0]
    assert isinstance(head, RequestHead)
    loop = asyncio.get_running_loop()
    connection = _Connection()
    return app.request_factory(
        head.message, EMPTY_PAYLOAD, connection, StreamWriter(connection, loop), None
    )


async def call(app: Application, method: str, path: str, *headers: str) -> StreamResponse:
    """The response the app gives, with raised HTTP exceptions returned as responses."""
    app.freeze()
    try:
        return await app.request_handler(request_for(app, method, path, *headers))
    except HTTPException as exc:
        return exc

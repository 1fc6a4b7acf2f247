"""Build real requests from raw bytes through the real parser, for tests."""

from __future__ import annotations

import asyncio
from typing import Any

from aiostrata.http_parser import (
    EMPTY_PAYLOAD,
    BodyData,
    HttpRequestParser,
    MessageComplete,
    RequestHead,
    StreamReader,
    StreamWriter,
)
from aiostrata.web_request import BaseRequest, Request


class FakeTransport(asyncio.Transport):
    def __init__(self, extra: dict[str, Any]) -> None:
        super().__init__()
        self._extra = extra
        self.written = bytearray()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._extra.get(name, default)

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written.extend(data)

    def is_closing(self) -> bool:
        return False


class FakeConnection:
    def __init__(self, extra: dict[str, Any]) -> None:
        self._transport = FakeTransport(extra)

    @property
    def transport(self) -> FakeTransport:
        return self._transport

    async def writer_drain(self) -> None:
        return None


def make_request(
    raw: bytes,
    *,
    cls: type[BaseRequest] = BaseRequest,
    peername: Any = ("203.0.113.7", 51000),
    tls: bool = False,
    client_max_size: int = 1024**2,
    eof: bool = True,
) -> BaseRequest:
    """Parse one request head (and its body, if complete) into a request object."""
    loop = asyncio.get_running_loop()
    parser = HttpRequestParser()
    events = parser.feed_data(raw)
    head = events[0]
    assert isinstance(head, RequestHead), events
    payload: StreamReader = EMPTY_PAYLOAD
    if head.has_body:
        payload = StreamReader(None, 2**16, loop=loop)
        for event in events[1:]:
            if isinstance(event, BodyData):
                payload.feed_data(event.data)
            elif isinstance(event, MessageComplete) and eof:
                payload.feed_eof()
    extra: dict[str, Any] = {"peername": peername}
    if tls:
        extra["sslcontext"] = object()
    connection = FakeConnection(extra)
    writer = StreamWriter(connection, loop)
    return cls(
        head.message, payload, connection, writer, None, loop, client_max_size=client_max_size
    )


def make_routed_request(raw: bytes, **kwargs: Any) -> Request:
    request = make_request(raw, cls=Request, **kwargs)
    assert isinstance(request, Request)
    return request

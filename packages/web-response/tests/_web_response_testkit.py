"""Test kit: a real ``StreamWriter`` over a fake transport, and a fake request that
satisfies ``PreparingRequest``: enough to see a response's exact bytes on the wire.

The module name is unusual on purpose: tests of every package may share one
``sys.path`` when the monorepo's suites run together."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from multidict import CIMultiDict, CIMultiDictProxy

from aiostrata.http_parser import HttpVersion, HttpVersion11, StreamWriter
from aiostrata.web_response import StreamResponse


class FakeTransport(asyncio.Transport):
    """Records every write; can be closed to simulate a lost peer."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closing = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closing

    @property
    def data(self) -> bytes:
        return b"".join(self.writes)


class FakeConnection:
    """Satisfies ``aiostrata.http_parser.WritableConnection``."""

    def __init__(self) -> None:
        self._transport: FakeTransport | None = FakeTransport()
        self.drains = 0

    @property
    def transport(self) -> asyncio.Transport | None:
        return self._transport

    async def writer_drain(self) -> None:
        self.drains += 1


@dataclass
class FakeRequest:
    """Satisfies ``aiostrata.web_response.PreparingRequest``."""

    method: str = "GET"
    version: HttpVersion = HttpVersion11
    keep_alive: bool = True
    path: str = "/"
    raw_headers: dict[str, str] = field(default_factory=dict)
    task: asyncio.Task[None] | None = None
    connection: FakeConnection = field(default_factory=FakeConnection)
    hook_calls: list[StreamResponse] = field(default_factory=list)
    on_prepare: Callable[[StreamResponse], Awaitable[None]] | None = None
    # False lets Response.send_now() skip the hook, as for an app without prepare receivers.
    hooks: bool = True

    def __post_init__(self) -> None:
        self.writer = StreamWriter(self.connection)

    @property
    def headers(self) -> CIMultiDictProxy[str]:
        return CIMultiDictProxy(CIMultiDict(self.raw_headers))

    def has_prepare_hooks(self) -> bool:
        return self.hooks

    async def run_prepare_hooks(self, response: StreamResponse) -> None:
        self.hook_calls.append(response)
        if self.on_prepare is not None:
            await self.on_prepare(response)

    @property
    def wire(self) -> bytes:
        transport = self.connection._transport
        assert transport is not None
        return transport.data


@dataclass
class Wire:
    """A response as it left: status line, headers in order, raw body bytes."""

    status_line: str
    headers: list[tuple[str, str]]
    body: bytes

    def get(self, name: str) -> str | None:
        values = self.getall(name)
        return values[0] if values else None

    def getall(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]


def parse_wire(data: bytes) -> Wire:
    head, sep, body = data.partition(b"\r\n\r\n")
    assert sep, f"no end of head in {data!r}"
    status_line, *lines = head.decode("utf-8").split("\r\n")
    headers = []
    for line in lines:
        name, _, value = line.partition(": ")
        headers.append((name, value))
    return Wire(status_line, headers, body)


def dechunk(body: bytes) -> bytes:
    """Decode a chunked body, checking the framing on the way."""
    out = b""
    while True:
        size_line, sep, rest = body.partition(b"\r\n")
        assert sep
        size = int(size_line, 16)
        if size == 0:
            assert rest == b"\r\n", f"bad last chunk: {rest!r}"
            return out
        out += rest[:size]
        assert rest[size : size + 2] == b"\r\n"
        body = rest[size + 2 :]


async def send(response: StreamResponse, request: FakeRequest | None = None) -> Wire:
    """What the connection layer does: prepare, write_eof; then parse the bytes."""
    request = request or FakeRequest()
    await response.prepare(request)
    await response.write_eof()
    return parse_wire(request.wire)

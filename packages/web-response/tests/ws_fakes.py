"""Fakes for WebSocketResponse tests: an upgradable connection over a recording transport,
a request that carries it, and a client side that masks what it sends and parses what the
server wrote (with the codec's own reader, as a client would)."""

from __future__ import annotations

import asyncio
import base64
import os
from dataclasses import dataclass, field
from typing import Any

from multidict import CIMultiDict, CIMultiDictProxy

from aiostrata.http_parser import (
    DeflateParams,
    HttpVersion,
    HttpVersion11,
    StreamWriter,
    WebSocketFrameEncoder,
    WebSocketReader,
    WSMessage,
    encode_frame,
)
from aiostrata.web_response import StreamResponse, UpgradedReceiver, WebSocketResponse


class WSFakeTransport(asyncio.Transport):
    """Records writes; ``close()`` marks it closing, as a real transport does at once."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False
        self.closed_event = asyncio.Event()
        self.extra: dict[str, Any] = {"peername": ("127.0.0.1", 5555)}

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self.closed:
            raise AssertionError("write after close")
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True
        self.closed_event.set()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self.extra.get(name, default)

    @property
    def data(self) -> bytes:
        return b"".join(self.writes)


class FakeUpgradableConnection:
    """Satisfies ``UpgradableConnection``; records pauses and the receiver it gets."""

    def __init__(self) -> None:
        self._transport: WSFakeTransport | None = WSFakeTransport()
        self.receiver: UpgradedReceiver | None = None
        self.paused = False
        self.pauses = 0
        self.resumes = 0
        self.drains = 0

    @property
    def transport(self) -> asyncio.Transport | None:
        return self._transport

    @property
    def fake_transport(self) -> WSFakeTransport:
        assert self._transport is not None
        return self._transport

    async def writer_drain(self) -> None:
        self.drains += 1

    def pause_reading(self) -> None:
        self.paused = True
        self.pauses += 1

    def resume_reading(self) -> None:
        self.paused = False
        self.resumes += 1

    def set_upgraded_receiver(self, receiver: UpgradedReceiver) -> None:
        self.receiver = receiver

    def lose(self, exc: BaseException | None = None) -> None:
        """The peer vanished: the transport is gone and the receiver hears of it."""
        transport = self.fake_transport
        transport.closed = True
        self._transport = None
        if self.receiver is not None:
            self.receiver.connection_lost(exc)


def handshake_headers(**extra: str) -> dict[str, str]:
    headers = {
        "Host": "example.com",
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(),
        "Sec-WebSocket-Version": "13",
    }
    headers.update({name.replace("_", "-"): value for name, value in extra.items()})
    return headers


@dataclass
class FakeWSRequest:
    """Satisfies ``PreparingRequest`` and has ``protocol``, like ``web.Request``."""

    method: str = "GET"
    version: HttpVersion = HttpVersion11
    keep_alive: bool = True
    path: str = "/ws"
    raw_headers: dict[str, str] = field(default_factory=handshake_headers)
    task: asyncio.Task[None] | None = None
    protocol: FakeUpgradableConnection = field(default_factory=FakeUpgradableConnection)
    prepared_responses: list[StreamResponse] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.writer = StreamWriter(self.protocol)

    @property
    def headers(self) -> CIMultiDictProxy[str]:
        return CIMultiDictProxy(CIMultiDict(self.raw_headers))

    def has_prepare_hooks(self) -> bool:
        return True  # the fake records every prepared response

    async def run_prepare_hooks(self, response: StreamResponse) -> None:
        self.prepared_responses.append(response)


class FakeClient:
    """The client end of a prepared WebSocketResponse on fakes."""

    def __init__(self, request: FakeWSRequest, deflate: DeflateParams | None = None) -> None:
        self.request = request
        self._encoder = WebSocketFrameEncoder(is_server=False, deflate=deflate)
        self._reader = WebSocketReader(0, is_server=False, deflate=deflate)
        self._seen = 0
        head, sep, _ = request.protocol.fake_transport.data.partition(b"\r\n\r\n")
        assert sep, "no response head was written"
        self.head = head.decode()
        self._seen = len(head) + len(sep)

    @property
    def transport(self) -> WSFakeTransport:
        return self.request.protocol.fake_transport

    def send_raw(self, data: bytes) -> None:
        receiver = self.request.protocol.receiver
        assert receiver is not None, "the response did not take the connection over"
        receiver.feed_data(data)

    def send(self, payload: bytes | str, opcode: int) -> None:
        data = payload.encode() if isinstance(payload, str) else payload
        self.send_raw(self._encoder.encode(data, opcode))

    def send_close(self, code: int = 1000, reason: str = "") -> None:
        self.send_raw(self._encoder.close(code, reason))

    def send_unmasked(self, payload: bytes, opcode: int) -> None:
        self.send_raw(encode_frame(payload, opcode))

    def received(self) -> list[WSMessage]:
        """The messages the server wrote since the last call."""
        data = self.transport.data
        new, self._seen = data[self._seen :], len(data)
        return self._reader.feed_data(new)


async def started(
    response: WebSocketResponse | None = None, request: FakeWSRequest | None = None
) -> tuple[WebSocketResponse, FakeClient]:
    response = response or WebSocketResponse()
    request = request or FakeWSRequest()
    await response.prepare(request)
    return response, FakeClient(request)

"""A recording connection that satisfies ``WritableConnection`` for the writer tests."""

from __future__ import annotations

import asyncio


class RecordingTransport(asyncio.Transport):
    """Keeps every write; ``closing`` simulates a transport on its way down."""

    def __init__(self) -> None:
        super().__init__()
        self.written: list[bytes] = []
        self.closing = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closing


class RecordingConnection:
    """Counts the drains the writer asks for; ``lose()`` drops the transport."""

    def __init__(self) -> None:
        self.recorder = RecordingTransport()
        self._transport: RecordingTransport | None = self.recorder
        self.drains = 0

    @property
    def transport(self) -> asyncio.Transport | None:
        return self._transport

    async def writer_drain(self) -> None:
        self.drains += 1

    def lose(self) -> None:
        self._transport = None

    def wire(self) -> bytes:
        return b"".join(self.recorder.written)

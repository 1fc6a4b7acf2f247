"""Requests held back by the bounded queue are all answered, even after a half-close."""

from __future__ import annotations

import asyncio
from typing import Any

from aiostrata.web_app import Application
from aiostrata.web_request import Request
from aiostrata.web_response import Response
from aiostrata.web_runner import AppRunner


class RecordingTransport(asyncio.Transport):
    """Everything the server writes, with pause/resume and half-close support."""

    def __init__(self) -> None:
        super().__init__()
        self.written = bytearray()
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written.extend(data)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return ("127.0.0.1", 1) if name in ("peername", "sockname") else default

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def can_write_eof(self) -> bool:
        return True

    def write_eof(self) -> None:
        pass


async def test_held_back_requests_then_eof_in_one_read_are_all_answered() -> None:
    app = Application()

    async def ok(request: Request) -> Response:
        return Response(text=request.path)

    app.router.add_get("/{n}", ok)
    runner = AppRunner(app, max_pipelined=2, access_log=None)
    await runner.setup()
    server = runner.server
    assert server is not None
    protocol = server()
    transport = RecordingTransport()
    protocol.connection_made(transport)
    protocol.data_received(b"".join(b"GET /%d HTTP/1.1\r\nHost: t\r\n\r\n" % n for n in range(6)))
    protocol.eof_received()  # the half-close arrives while 4 requests are held back
    for _ in range(200):
        if transport.closed:
            break
        await asyncio.sleep(0.01)
    await runner.cleanup()
    answers = bytes(transport.written)
    assert answers.count(b"HTTP/1.1 200 OK") == 6
    assert answers.index(b"/0") < answers.index(b"/5")

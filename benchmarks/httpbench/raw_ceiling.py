"""The ceiling: the fastest any Python asyncio HTTP/1.1 server can be on this core.

Run as ``python -m httpbench.raw_ceiling`` (BENCH_PORT, optional LOOP=uvloop). An
asyncio.Protocol that parses nothing: each blank line ending a request head gets one canned
keep-alive 200, chosen by a prefix test only where the body size is the point of the
scenario (/download: 1 MiB, /static/: 64 KiB; everything else: 12 bytes). Request bodies
(the upload scenario's 16 KiB) are received and dropped. No websockets.

Whatever a real server does on top of this (parsing, routing, building responses) is what
the ``÷ ceiling`` ratio measures; the event loop and socket costs are shared.
"""

from __future__ import annotations

import asyncio
import os

from httpbench import payloads

HEAD_END = b"\r\n\r\n"


def canned(body: bytes, content_type: str) -> bytes:
    head = (
        "HTTP/1.1 200 OK\r\n"
        f"Content-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Date: Thu, 01 Jan 2026 00:00:00 GMT\r\n"
        "Server: raw-ceiling\r\n"
        "\r\n"
    )
    return head.encode("ascii") + body


SMALL = canned(payloads.PLAINTEXT.encode(), "text/plain; charset=utf-8")
DOWNLOAD = canned(payloads.pattern(payloads.DOWNLOAD_SIZE), "application/octet-stream")
STATIC = canned(payloads.pattern(payloads.STATIC_SIZE), "application/octet-stream")


class CannedResponder(asyncio.Protocol):
    """Counts request-head terminators; answers each with canned bytes."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.tail = b""  # the last <4 bytes of a chunk that did not end a head

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        heads = data.count(HEAD_END)
        if self.tail:  # a terminator may straddle the previous chunk and this one
            heads += (self.tail + data[:3]).count(HEAD_END)
        if data.endswith(HEAD_END):
            self.tail = b""
        else:
            self.tail = (self.tail + data)[-3:] if len(data) < 3 else data[-3:]
        if not heads or self.transport is None:
            return
        if data.startswith(b"GET /download"):
            answer = DOWNLOAD
        elif data.startswith(b"GET /static/"):
            answer = STATIC
        else:
            answer = SMALL
        self.transport.write(answer * heads if heads > 1 else answer)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None


async def serve(port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(CannedResponder, "127.0.0.1", port, backlog=1024)
    async with server:
        await server.serve_forever()


def main() -> None:
    port = int(os.environ["BENCH_PORT"])
    if os.environ.get("LOOP", "asyncio") == "uvloop":
        import uvloop

        uvloop.run(serve(port))
    else:
        asyncio.run(serve(port))


if __name__ == "__main__":
    main()

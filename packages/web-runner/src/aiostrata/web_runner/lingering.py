"""Reading past what a handler left of a request body, within bounds of size and time.

A keep-alive connection can serve its next request only once the current
body has been read to its end. What the handler did not read is discarded
here, raw (a compressed body is never inflated just to be thrown away), and
only up to ``max_bytes`` and for at most ``lingering_time`` seconds: past
either bound the connection closes instead.
"""

from __future__ import annotations

import asyncio

from aiostrata.http_parser import DecodingStreamReader, HttpProcessingError, StreamReader

__all__ = ("discard_unread_body",)


async def discard_unread_body(
    payload: StreamReader,
    loop: asyncio.AbstractEventLoop,
    lingering_time: float,
    max_bytes: int,
) -> bool:
    """Read ``payload`` to its end; False (close) when it is too large or too slow."""
    if isinstance(payload, DecodingStreamReader):
        payload = payload.raw
    if payload.at_eof():
        return True
    deadline = loop.time() + lingering_time
    discarded = 0
    try:
        while not payload.at_eof():
            remaining = deadline - loop.time()
            if remaining <= 0 or discarded > max_bytes:
                return False
            chunk = await asyncio.wait_for(payload.readany(), remaining)
            discarded += len(chunk)
    except (TimeoutError, ConnectionError, HttpProcessingError):
        return False
    return True

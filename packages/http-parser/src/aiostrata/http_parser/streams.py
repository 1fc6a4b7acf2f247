"""The request body stream: ``request.content`` in aiohttp's API.

Bytes are fed by the connection as they arrive and read by the handler at its
own pace. The buffer is bounded: above ``2 * limit`` buffered bytes the stream
asks its :class:`~aiostrata.http_parser.interfaces.FlowControl` to pause
reading from the socket, and below ``limit`` it resumes, so a slow handler never
lets a fast client fill memory.
"""

from __future__ import annotations

import asyncio
import collections
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Final

from .errors import BodyReadTimeout
from .interfaces import FlowControl, ReadPace

__all__ = ("EMPTY_PAYLOAD", "EmptyStreamReader", "EofStream", "StreamReader")

DEFAULT_LIMIT: Final = 2**16


class EofStream(Exception):
    """Raised by ``readany``-style helpers' callers to signal the end of data."""


class _NoFlowControl:
    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


class StreamReader:
    """An asyncio byte stream with aiohttp's ``StreamReader`` reading API."""

    def __init__(
        self,
        protocol: FlowControl | None = None,
        limit: int = DEFAULT_LIMIT,
        *,
        loop: asyncio.AbstractEventLoop | None = None,
        read_timeout: float | None = None,
        pace: ReadPace | None = None,
    ) -> None:
        if limit <= 0:
            raise ValueError("limit must be positive")
        # How long a reader may wait for the next bytes before the body counts as
        # abandoned (408): a client that stops sending mid-body cannot hold a handler.
        self._read_timeout = read_timeout
        # A minimum data rate over the time readers wait (see ReadPace), if any.
        self._pace = pace
        self._protocol: FlowControl = protocol if protocol is not None else _NoFlowControl()
        self._low_water = limit
        self._high_water = limit * 2
        self._loop = loop if loop is not None else asyncio.get_running_loop()
        self._buffer: collections.deque[bytes] = collections.deque()
        self._buffer_size = 0
        self._buffer_offset = 0  # bytes of _buffer[0] already consumed
        self._eof = False
        self._waiter: asyncio.Future[None] | None = None
        self._eof_waiter: asyncio.Future[None] | None = None
        self._exception: BaseException | None = None
        self._eof_callbacks: list[Callable[[], None]] = []
        self._paused = False
        # Ends of HTTP chunks, as cumulative byte offsets, for readchunk().
        self._http_chunk_splits: collections.deque[int] | None = None
        self._cursor = 0  # bytes consumed by readers so far
        self.total_bytes = 0

    def __repr__(self) -> str:
        state = ["eof"] if self._eof else []
        if self._buffer_size:
            state.append(f"{self._buffer_size} bytes")
        if self._exception is not None:
            state.append(f"e={self._exception!r}")
        return f"<{type(self).__name__} {' '.join(state)}>"

    # -- producer side -------------------------------------------------------

    def get_read_buffer_limits(self) -> tuple[int, int]:
        return (self._low_water, self._high_water)

    def exception(self) -> BaseException | None:
        return self._exception

    def set_exception(self, exc: BaseException, exc_cause: BaseException | None = None) -> None:
        self._exception = exc
        if exc_cause is not None:
            exc.__cause__ = exc_cause
        self._eof_callbacks.clear()
        self._wake_waiter(exc)
        if self._eof_waiter is not None and not self._eof_waiter.done():
            self._eof_waiter.set_exception(exc)
            # The exception is also delivered to readers; do not warn when unread.
            self._eof_waiter.exception()
        self._eof_waiter = None

    def on_eof(self, callback: Callable[[], None]) -> None:
        if self._eof:
            callback()
        else:
            self._eof_callbacks.append(callback)

    def feed_eof(self) -> None:
        self._eof = True
        self._wake_waiter()
        if self._eof_waiter is not None and not self._eof_waiter.done():
            self._eof_waiter.set_result(None)
        self._eof_waiter = None
        callbacks, self._eof_callbacks = self._eof_callbacks, []
        for callback in callbacks:
            callback()

    def feed_data(self, data: bytes) -> None:
        if self._eof:
            raise RuntimeError("feed_data after feed_eof")
        if not data:
            return
        self._buffer.append(data)
        self._buffer_size += len(data)
        self.total_bytes += len(data)
        if self._pace is not None:
            self._pace.received(len(data))
        self._wake_waiter()
        if self._buffer_size > self._high_water and not self._paused:
            self._paused = True
            self._protocol.pause_reading()

    def begin_http_chunk_receiving(self) -> None:
        if self._http_chunk_splits is None:
            self._http_chunk_splits = collections.deque()

    def end_http_chunk_receiving(self) -> None:
        if self._http_chunk_splits is None:
            raise RuntimeError("end_http_chunk_receiving without begin_http_chunk_receiving")
        position = self.total_bytes
        if self._http_chunk_splits and self._http_chunk_splits[-1] == position:
            return  # an empty chunk adds no boundary
        self._http_chunk_splits.append(position)
        self._wake_waiter()

    # -- state ---------------------------------------------------------------

    def is_eof(self) -> bool:
        """True once the producer has signalled the end (bytes may still be buffered)."""
        return self._eof

    def at_eof(self) -> bool:
        """True when the end was signalled and every byte has been read."""
        return self._eof and not self._buffer_size

    async def wait_eof(self) -> None:
        if self._eof:
            return
        if self._eof_waiter is None:
            self._eof_waiter = self._loop.create_future()
        await self._eof_waiter

    def unread_data(self, data: bytes) -> None:
        """Push bytes back in front of the buffer (deprecated in aiohttp, kept working)."""
        warnings.warn(
            "unread_data() is deprecated and will be removed", DeprecationWarning, stacklevel=2
        )
        if not data:
            return
        self._compact_head()
        self._buffer.appendleft(data)
        self._buffer_size += len(data)
        self._cursor -= len(data)

    # -- consumer side -------------------------------------------------------

    async def readline(self) -> bytes:
        return await self.readuntil(b"\n")

    async def readuntil(self, separator: bytes = b"\n") -> bytes:
        if not separator:
            raise ValueError("Separator should be at least one-byte string")
        self._raise_pending()
        while True:
            joined = self._peek_all()
            index = joined.find(separator)
            if index != -1:
                return self._take(index + len(separator))
            if self._buffer_size > self._high_water:
                raise ValueError("Chunk too big")
            if self._eof:
                return self._take(self._buffer_size)
            await self._wait("readuntil")

    async def read(self, n: int = -1) -> bytes:
        self._raise_pending()
        if n == 0:
            return b""
        if n < 0:
            parts = []
            while True:
                block = await self.readany()
                if not block:
                    break
                parts.append(block)
            return b"".join(parts)
        while not self._buffer_size and not self._eof:
            await self._wait("read")
        return self._take(min(n, self._buffer_size))

    async def readany(self) -> bytes:
        self._raise_pending()
        while not self._buffer_size and not self._eof:
            await self._wait("readany")
        return self._take_first_block()

    async def readchunk(self) -> tuple[bytes, bool]:
        """Return ``(data, end_of_http_chunk)``; ``(b"", False)`` at the end.

        ``end_of_http_chunk`` is True when ``data`` ends where an HTTP chunk ended;
        without chunked framing it is always False. Data of a chunk that has not
        ended yet is returned as it arrives (never buffered whole).
        """
        self._raise_pending()
        while True:
            splits = self._http_chunk_splits
            while splits:
                end = splits.popleft()
                if end >= self._cursor:  # ends at or before the cursor were read past
                    return self._take(end - self._cursor), True
            if self._buffer_size:
                return self._take_first_block(), False
            if self._eof:
                return b"", False
            await self._wait("readchunk")

    async def readexactly(self, n: int) -> bytes:
        self._raise_pending()
        while self._buffer_size < n:
            if self._eof:
                partial = self._take(self._buffer_size)
                raise asyncio.IncompleteReadError(partial, n)
            await self._wait("readexactly")
        return self._take(n)

    def read_nowait(self, n: int = -1) -> bytes:
        self._raise_pending()
        if self._waiter is not None:
            raise RuntimeError("Called while some coroutine is waiting for incoming data.")
        if n < 0 or n > self._buffer_size:
            n = self._buffer_size
        return self._take(n)

    def iter_chunked(self, n: int) -> AsyncIterator[bytes]:
        return _Iterator(lambda: self.read(n))

    def iter_any(self) -> AsyncIterator[bytes]:
        return _Iterator(self.readany)

    def iter_chunks(self) -> AsyncIterator[tuple[bytes, bool]]:
        return _ChunkIterator(self)

    def __aiter__(self) -> AsyncIterator[bytes]:
        return _Iterator(self.readline)

    # -- internals -----------------------------------------------------------

    def _raise_pending(self) -> None:
        if self._exception is not None:
            raise self._exception

    def _wake_waiter(self, exc: BaseException | None = None) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            if exc is None:
                waiter.set_result(None)
            else:
                waiter.set_exception(exc)

    async def _wait(self, func_name: str) -> None:
        if self._waiter is not None:
            raise RuntimeError(
                f"{func_name}() called while another coroutine is already waiting for data"
            )
        if self._paused:
            self._paused = False
            self._protocol.resume_reading()
        self._waiter = self._loop.create_future()
        timeout, on_timeout = self._read_timeout, self._read_timed_out
        pace = self._pace
        if pace is not None:
            allowed = pace.wait_started()
            if allowed is not None and (timeout is None or allowed < timeout):
                timeout, on_timeout = allowed, self._too_slow
        timer = None
        if timeout is not None:
            timer = self._loop.call_later(timeout, on_timeout)
        try:
            await self._waiter
        finally:
            self._waiter = None
            if timer is not None:
                timer.cancel()
            if pace is not None:
                pace.wait_ended()
        self._raise_pending()

    def _read_timed_out(self) -> None:
        self.set_exception(
            BodyReadTimeout(f"No body data for {self._read_timeout} seconds", code=408)
        )

    def _too_slow(self) -> None:
        if self._pace is not None:
            self.set_exception(self._pace.too_slow())

    def _compact_head(self) -> None:
        if self._buffer_offset:
            self._buffer[0] = self._buffer[0][self._buffer_offset :]
            self._buffer_offset = 0

    def _peek_all(self) -> bytes:
        self._compact_head()
        if len(self._buffer) > 1:
            joined = b"".join(self._buffer)
            self._buffer.clear()
            self._buffer.append(joined)
        return self._buffer[0] if self._buffer else b""

    def _take_first_block(self) -> bytes:
        if not self._buffer:
            return b""
        first = self._buffer.popleft()
        if self._buffer_offset:
            first = first[self._buffer_offset :]
            self._buffer_offset = 0
        return self._consumed(first)

    def _take(self, n: int) -> bytes:
        if n <= 0:
            return b""
        parts = []
        remaining = n
        while remaining:
            first = self._buffer[0]
            available = len(first) - self._buffer_offset
            if available <= remaining:
                parts.append(first[self._buffer_offset :] if self._buffer_offset else first)
                self._buffer.popleft()
                self._buffer_offset = 0
                remaining -= available
            else:
                end = self._buffer_offset + remaining
                parts.append(first[self._buffer_offset : end])
                self._buffer_offset = end
                remaining = 0
        return self._consumed(parts[0] if len(parts) == 1 else b"".join(parts))

    def _consumed(self, data: bytes) -> bytes:
        self._buffer_size -= len(data)
        cursor = self._cursor = self._cursor + len(data)
        splits = self._http_chunk_splits
        # Chunk ends already read past are dropped here, not only by readchunk(): a
        # handler reading with read()/readany() must not keep one entry per chunk.
        while splits and splits[0] < cursor:
            splits.popleft()
        if self._paused and self._buffer_size < self._low_water:
            self._paused = False
            self._protocol.resume_reading()
        return data


class EmptyStreamReader(StreamReader):
    """The body of a request that has none: always at EOF, never blocks."""

    def __init__(self) -> None:
        self._protocol = _NoFlowControl()
        self._read_timeout = None
        self._pace = None
        self._low_water = self._high_water = 1
        self._buffer = collections.deque()
        self._buffer_size = self._buffer_offset = 0
        self._eof = True
        self._waiter = self._eof_waiter = None
        self._exception = None
        self._eof_callbacks = []
        self._paused = False
        self._http_chunk_splits = None
        self._cursor = 0
        self.total_bytes = 0

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    def feed_data(self, data: bytes) -> None:
        if data:
            raise RuntimeError("the empty payload cannot receive data")

    def feed_eof(self) -> None:
        pass

    def set_exception(self, exc: BaseException, exc_cause: BaseException | None = None) -> None:
        pass

    def on_eof(self, callback: Callable[[], None]) -> None:
        callback()

    async def wait_eof(self) -> None:
        return


EMPTY_PAYLOAD: Final = EmptyStreamReader()


class _Iterator(AsyncIterator[bytes]):
    __slots__ = ("_read",)

    def __init__(self, read: Callable[[], Awaitable[bytes]]) -> None:
        self._read = read

    async def __anext__(self) -> bytes:
        data = await self._read()
        if not data:
            raise StopAsyncIteration
        return data


class _ChunkIterator(AsyncIterator[tuple[bytes, bool]]):
    __slots__ = ("_stream",)

    def __init__(self, stream: StreamReader) -> None:
        self._stream = stream

    async def __anext__(self) -> tuple[bytes, bool]:
        chunk = await self._stream.readchunk()
        if chunk == (b"", False):
            raise StopAsyncIteration
        return chunk

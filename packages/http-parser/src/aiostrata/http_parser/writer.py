"""Writing one response's bytes to a connection.

The head is held back until the first body write (or the end), so that a small
response leaves in a single ``transport.write``. Chunked framing and
compression are layered on the body here, below the response objects, which
only decide *whether* to use them.
"""

from __future__ import annotations

import abc
import asyncio
import os
import re
import zlib
from collections.abc import Callable, Iterable
from typing import BinaryIO, Final

from multidict import CIMultiDict

from .gathered_write import write_gathered
from .header_grammar import TOKEN_BYTES
from .interfaces import WritableConnection
from .serialize import encode_head

__all__ = ("AbstractStreamWriter", "StreamWriter")

_CRLF: Final = b"\r\n"
_DRAIN_THRESHOLD: Final = 2**16
# A complete interim response, as a handler may write it by hand before the final head.
_INTERIM_RESPONSE: Final = re.compile(
    rb"HTTP/1\.1 1(?!01)[0-9]{2} [^\x00-\x08\x0a-\x1f\x7f]*\r\n"
    rb"(?:" + TOKEN_BYTES + rb": [^\x00-\x08\x0a-\x1f\x7f]*\r\n)*\r\n"
)
_INTERIM_REASONS: Final = {100: "Continue", 102: "Processing", 103: "Early Hints"}
# Bodies up to this size leave in the same write as their head; larger ones follow it.
_JOIN_LIMIT: Final = 2**14
# aiohttp's documented switch (and ours) for hosts where sendfile(2) misbehaves.
_NO_SENDFILE: Final = bool(
    os.environ.get("AIOSTRATA_NOSENDFILE") or os.environ.get("AIOHTTP_NOSENDFILE")
)
# How much of a file one executor read brings in when the body cannot go by sendfile(2).
DEFAULT_FILE_CHUNK_SIZE: Final = 256 * 1024


def _read_at(file: BinaryIO, offset: int, size: int) -> bytes:
    """Seek and read in one executor call, so no other code moves the position between."""
    file.seek(offset)
    return file.read(size)


class AbstractStreamWriter(abc.ABC):
    """The payload writer a response writes through (``aiohttp.abc.AbstractStreamWriter``)."""

    buffer_size: int = 0
    output_size: int = 0
    length: int | None = 0

    @abc.abstractmethod
    async def write(self, chunk: bytes | bytearray | memoryview) -> None:
        """Write a chunk of the body."""

    @abc.abstractmethod
    async def write_eof(self, chunk: bytes = b"") -> None:
        """Write the last chunk and end the message."""

    @abc.abstractmethod
    async def drain(self) -> None:
        """Wait until the transport's buffer has room."""

    @abc.abstractmethod
    def enable_compression(self, encoding: str = "deflate", strategy: int | None = None) -> None:
        """Compress the body from now on."""

    @abc.abstractmethod
    def enable_chunking(self) -> None:
        """Use chunked transfer coding for the body."""

    @abc.abstractmethod
    async def write_headers(self, status_line: str, headers: CIMultiDict[str]) -> None:
        """Queue the status line and headers; they leave with the first body bytes."""

    def send_headers(self) -> None:  # noqa: B027 - optional hook with a no-op default
        """Send queued headers now instead of waiting for the body."""

    def send_interim(
        self, status: int, reason: str = "", headers: Iterable[tuple[str, str]] = ()
    ) -> None:
        """Send an interim (1xx) response before the final one, e.g. ``100 Continue``.

        Writers that cannot send one say so; :class:`StreamWriter` can.
        """
        raise RuntimeError(f"{type(self).__name__} cannot send interim responses")

    async def sendfile(
        self,
        file: BinaryIO,
        offset: int,
        count: int,
        *,
        chunk_size: int = DEFAULT_FILE_CHUNK_SIZE,
    ) -> None:
        """Send ``count`` bytes of ``file`` from ``offset`` as body bytes.

        This default reads the file in ``chunk_size`` pieces in the loop's
        executor (a disk read must not block the loop) and writes each through
        :meth:`write`, so compression, chunking and ``length`` apply as for any
        body. :class:`StreamWriter` hands plain bodies to ``loop.sendfile``.
        The caller owns ``file`` and closes it.
        """
        if chunk_size <= 0:
            raise ValueError(f"chunk_size must be positive, got {chunk_size}")
        loop = asyncio.get_running_loop()
        position, end = offset, offset + max(count, 0)
        while position < end:
            size = min(chunk_size, end - position)
            data = await loop.run_in_executor(None, _read_at, file, position, size)
            if not data:
                break  # the file shrank under us; what was framed can no longer be met
            position += len(data)
            await self.write(data)


class StreamWriter(AbstractStreamWriter):
    """Writes a response to a :class:`~.interfaces.WritableConnection`.

    ``hold``, when given, may keep a whole response (:meth:`send_message`) instead
    of writing it: it returns True when it took the bytes, which the connection
    then writes later, before anything else of its own (the server's connections
    send the answers of one event-loop pass together). Everything else is written
    at once.
    """

    def __init__(
        self,
        protocol: WritableConnection,
        loop: asyncio.AbstractEventLoop | None = None,
        *,
        hold: Callable[[bytes], bool] | None = None,
    ) -> None:
        self._protocol = protocol
        self.loop = loop
        if hold is not None:
            self._hold = hold

    # Per-response state: the class's defaults until set (a writer is made per request).
    length: int | None = None
    chunked = False
    buffer_size = 0
    output_size = 0
    _eof = False
    _compress: zlib._Compress | None = None
    _head: bytes | None = None
    _head_started = False  # the final response's head was queued
    _hold: Callable[[bytes], bool] | None = None

    @property
    def transport(self) -> asyncio.Transport | None:
        return self._protocol.transport

    @property
    def protocol(self) -> WritableConnection:
        return self._protocol

    def enable_chunking(self) -> None:
        self.chunked = True

    def enable_compression(self, encoding: str = "deflate", strategy: int | None = None) -> None:
        if encoding == "gzip":
            wbits = 16 + zlib.MAX_WBITS
        elif encoding == "deflate":
            wbits = zlib.MAX_WBITS
        else:
            raise ValueError(f"unsupported content coding for responses: {encoding!r}")
        self._compress = zlib.compressobj(
            wbits=wbits, strategy=zlib.Z_DEFAULT_STRATEGY if strategy is None else strategy
        )

    async def write_headers(self, status_line: str, headers: CIMultiDict[str]) -> None:
        self._head = encode_head(status_line, headers.items())
        self._head_started = True

    def send_interim(
        self, status: int, reason: str = "", headers: Iterable[tuple[str, str]] = ()
    ) -> None:
        """Send a 1xx response ahead of the final head (RFC 9110 15.2), HTTP/1.1 only.

        Allowed until the final head is queued; 101 is the final answer of an upgrade,
        not an interim one. The bytes do not count in ``output_size``: they are not
        part of the response the handler sends.
        """
        if self._head_started or self._eof:
            raise RuntimeError("interim responses go before the final response's head")
        if not 100 <= status <= 199 or status == 101:
            raise ValueError(f"not an interim status: {status}")
        phrase = reason or _INTERIM_REASONS.get(status, "")
        self._send_interim(encode_head(f"HTTP/1.1 {status} {phrase}", headers))

    def _send_interim(self, data: bytes) -> None:
        transport = self._protocol.transport
        if transport is None or transport.is_closing():
            raise ConnectionResetError("Cannot write to closing transport")
        transport.write(data)

    def send_headers(self) -> None:
        if self._head is not None:
            head, self._head = self._head, None
            self._send(head)

    async def write(self, chunk: bytes | bytearray | memoryview) -> None:
        if self._eof:
            raise RuntimeError("write() after write_eof()")
        data = bytes(chunk)
        if not self._head_started and _INTERIM_RESPONSE.fullmatch(data):
            # aiohttp's documented idiom for a custom expect handler:
            # ``request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")`` before any head.
            self._send_interim(data)
            return
        if self._compress is not None and data:
            data = self._compress.compress(data)
        if data:
            self._send_body(data)
        elif self._head is not None:
            self.send_headers()
        if self.buffer_size > 2**16:
            self.buffer_size = 0
            await self.drain()

    async def write_eof(self, chunk: bytes = b"") -> None:
        if self._eof:
            return
        data = bytes(chunk)
        if self._compress is not None:
            data = (self._compress.compress(data) if data else b"") + self._compress.flush()
        self._finish(self._head or b"", data)
        if self.needs_drain():
            await self.drain()

    def send_message(self, head: bytes, body: bytes = b"") -> None:
        """Send a whole response, head and body in one write, and end it.

        The synchronous path for a response known in full (``Response.send_now``):
        the body is framed like ``write_eof``'s (chunked, cut to ``length``) but
        never compressed; the caller checks ``needs_drain()`` afterwards.
        """
        if self._eof:
            raise RuntimeError("send_message() after write_eof()")
        if self._compress is not None:
            raise RuntimeError("send_message() cannot compress: use write_eof()")
        length = self.length
        if self.chunked or len(body) > _JOIN_LIMIT or (length is not None and len(body) > length):
            self._finish(head, body)
            return
        # The usual whole response: one write of head and body, nothing to cut or frame.
        if length is not None:
            self.length = length - len(body)
        self._eof = True
        self._head = None
        self._send(head + body if body else head, self._hold)

    def _finish(self, head: bytes, data: bytes) -> None:
        if self.chunked:
            tail = (
                (f"{len(data):x}\r\n".encode() + data + b"\r\n0\r\n\r\n") if data else b"0\r\n\r\n"
            )
        else:
            tail = self._limit(data)
        self._eof = True
        self._head = None
        if len(tail) > _JOIN_LIMIT and head:
            self._send_parts(head, tail)
        else:
            self._send(head + tail if tail else head)

    def needs_drain(self) -> bool:
        """Whether the transport holds enough unsent bytes to wait for (back-pressure).

        Most responses leave the kernel at once: skipping the drain coroutine then saves
        work on every request, while a client that stops reading still makes us wait.
        """
        transport = self._protocol.transport
        if transport is None:
            return False
        try:
            return transport.get_write_buffer_size() > _DRAIN_THRESHOLD
        except (AttributeError, NotImplementedError):  # cannot tell: drain to be safe
            return True

    async def drain(self) -> None:
        if self._protocol.transport is not None:
            await self._protocol.writer_drain()

    async def sendfile(
        self,
        file: BinaryIO,
        offset: int,
        count: int,
        *,
        chunk_size: int = DEFAULT_FILE_CHUNK_SIZE,
    ) -> None:
        """Send part of a file: by ``loop.sendfile`` when the body goes out as it is.

        The pending head leaves first. ``loop.sendfile(..., fallback=True)`` uses
        sendfile(2) on plain sockets and reads the file itself for transports
        that cannot (TLS). Compressed or chunked bodies, loops or transports
        without sendfile support, and processes started with
        ``AIOSTRATA_NOSENDFILE`` or ``AIOHTTP_NOSENDFILE`` set take the
        read-and-write path of the base class.
        Never sends more than a declared Content-Length allows (``length``).
        """
        if self._eof:
            raise RuntimeError("sendfile() after write_eof()")
        transport = self._protocol.transport
        if transport is None or transport.is_closing():
            raise ConnectionResetError("Cannot write to closing transport")
        if self.length is not None:
            count = min(count, self.length)
        if count <= 0:
            self.send_headers()
            return
        if self._compress is not None or self.chunked or _NO_SENDFILE:
            await super().sendfile(file, offset, count, chunk_size=chunk_size)
            return
        self.send_headers()
        loop = self.loop or asyncio.get_running_loop()
        try:
            sent = await loop.sendfile(transport, file, offset, count, fallback=True)
        except (NotImplementedError, RuntimeError) as exc:
            # Raised before any byte left: a loop (uvloop) or transport without
            # sendfile support, or a transport that started closing meanwhile.
            if transport.is_closing():
                raise ConnectionResetError("Cannot write to closing transport") from exc
            await super().sendfile(file, offset, count, chunk_size=chunk_size)
            return
        self.output_size += sent
        if self.length is not None:
            self.length -= sent

    def _limit(self, data: bytes) -> bytes:
        """Never write more than a declared Content-Length (RFC 9112 6.3)."""
        if self.length is None:
            return data
        if len(data) > self.length:
            data = data[: self.length]
        self.length -= len(data)
        return data

    def _send_body(self, data: bytes) -> None:
        data = f"{len(data):x}\r\n".encode() + data + _CRLF if self.chunked else self._limit(data)
        if self._head is not None:
            data = self._head + data
            self._head = None
        self._send(data)

    def _send_parts(self, head: bytes, body: bytes) -> None:
        """A head and a large body in one write (:func:`~.gathered_write.write_gathered`).

        Two writes would reach the client as two wake-ups (it reads the head, sleeps,
        is woken again for the body).
        """
        transport = self._protocol.transport
        if transport is None or transport.is_closing():
            raise ConnectionResetError("Cannot write to closing transport")
        size = len(head) + len(body)
        self.buffer_size += size
        self.output_size += size
        write_gathered(transport, (head, body))

    def _send(self, data: bytes, hold: Callable[[bytes], bool] | None = None) -> None:
        if not data:
            return
        transport = self._protocol.transport
        if transport is None or transport.is_closing():
            raise ConnectionResetError("Cannot write to closing transport")
        self.buffer_size += len(data)
        self.output_size += len(data)
        if hold is None or not hold(data):
            transport.write(data)

"""Finding delimiters in a multipart body as it streams in (RFC 2046 5.1.1).

:class:`DelimiterScanner` is the only place that reads from the underlying
stream. It keeps a small buffer: body bytes are handed out as soon as they
cannot be the start of a delimiter, and the buffer grows past one read only
while looking for a line (bounded by the caller's limit) or for the first
boundary (bounded by the preamble limit). Every wait ends: an empty read is the
end of the stream, and an end in the wrong place is
:class:`~.multipart_errors.IncompleteMultipart`, never a retry.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Final

from multidict import CIMultiDict, CIMultiDictProxy

from .header_grammar import TOKEN_CHARS
from .multipart_errors import (
    EpilogueTooLarge,
    IncompleteMultipart,
    InvalidPartHeader,
    MalformedMultipart,
    PartHeadersTooLarge,
    PreambleTooLarge,
    TooManyPartHeaders,
)
from .multipart_limits import MultipartLimits

__all__ = ("DelimiterScanner", "ReadSome")

ReadSome = Callable[[int], Awaitable[bytes]]
"""Reads up to n bytes; ``b""`` only at the end of the stream."""

_READ_SIZE: Final = 2**16
_CRLF: Final = b"\r\n"
_PADDING: Final = b" \t"
_TOKEN_BYTES: Final = frozenset(TOKEN_CHARS.encode("ascii"))
# RFC 9110 5.5: no CTLs but HTAB in a field value.
_BAD_VALUE_BYTES: Final = frozenset(range(0x20)) - {0x09} | {0x7F}


class DelimiterScanner:
    """Splits one multipart body at ``CRLF "--" boundary`` (RFC 2046 5.1.1)."""

    def __init__(self, read: ReadSome, boundary: str, limits: MultipartLimits) -> None:
        self._read = read
        self._delimiter = b"\r\n--" + boundary.encode("ascii")
        self._limits = limits
        # RFC 2046 5.1.1: the CRLF before the first boundary belongs to it, and a body with
        # no preamble opens with the dash-boundary alone: start with a CRLF to find both alike.
        self._buffer = bytearray(_CRLF)
        self._eof = False
        self.total_read = 0

    async def _fill(self) -> bool:
        """Read more into the buffer; False at the end of the stream."""
        if self._eof:
            return False
        chunk = await self._read(_READ_SIZE)
        if not chunk:
            self._eof = True
            return False
        self.total_read += len(chunk)
        self._buffer += chunk
        return True

    async def skip_preamble(self) -> None:
        """Discard everything up to and including the first delimiter."""
        limit = self._limits.max_preamble_size
        discarded = 0
        while True:
            index = self._buffer.find(self._delimiter)
            if index != -1:
                if discarded + index > limit + len(_CRLF):
                    raise PreambleTooLarge(f"more than {limit} bytes before the first boundary")
                del self._buffer[: index + len(self._delimiter)]
                return
            keep = len(self._delimiter) - 1
            if len(self._buffer) > keep:
                drop = len(self._buffer) - keep
                discarded += drop
                del self._buffer[:drop]
            if discarded > limit + len(_CRLF):
                raise PreambleTooLarge(f"more than {limit} bytes before the first boundary")
            if not await self._fill():
                raise IncompleteMultipart("the body has no boundary line")

    async def read_body(self, size: int) -> tuple[bytes, bool]:
        """Up to ``size`` bytes of the current part, and whether its delimiter was reached.

        The delimiter is consumed with the part's last bytes, so the caller knows the
        part ended without one more call.
        """
        delimiter = self._delimiter
        while True:
            index = self._buffer.find(delimiter)
            if index != -1:
                if index <= size:
                    data = self._take(index)
                    del self._buffer[: len(delimiter)]
                    return data, True
                return self._take(size), False
            safe = len(self._buffer) - (len(delimiter) - 1)
            if safe > 0:
                return self._take(min(safe, size)), False
            if not await self._fill():
                raise IncompleteMultipart("the body ended inside a part")

    async def after_delimiter(self) -> bool:
        """Read the rest of a boundary line; True if it was the closing one.

        RFC 2046 5.1.1: ``delimiter transport-padding CRLF`` opens a part and
        ``delimiter "--"`` closes the body; anything else is malformed.
        """
        while len(self._buffer) < 2 and await self._fill():
            pass
        if self._buffer[:2] == b"--":
            del self._buffer[:2]
            return True
        line = await self.read_line(self._limits.max_header_line, what="boundary line")
        if line.strip(_PADDING):
            raise MalformedMultipart("a boundary is not followed by CRLF")
        return False

    async def skip_epilogue(self) -> None:
        """Discard what follows the closing delimiter, up to ``max_epilogue_size`` bytes."""
        limit = self._limits.max_epilogue_size
        seen = len(self._buffer)
        self._buffer.clear()
        while seen <= limit:
            if not await self._fill():
                return
            seen += len(self._buffer)
            self._buffer.clear()
        raise EpilogueTooLarge(f"more than {limit} bytes after the closing boundary")

    async def read_line(self, limit: int, *, what: str) -> bytes:
        """One CRLF-terminated line without its CRLF, at most ``limit`` bytes long."""
        start = 0
        while True:
            index = self._buffer.find(_CRLF, start)
            if index != -1:
                if index > limit:
                    break
                line = bytes(self._buffer[:index])
                del self._buffer[: index + len(_CRLF)]
                return line
            if len(self._buffer) > limit + 1:
                break
            start = max(0, len(self._buffer) - 1)
            if not await self._fill():
                raise IncompleteMultipart(f"the body ended inside a {what}")
        raise PartHeadersTooLarge(f"{what} longer than {limit} bytes")

    async def read_headers(self) -> CIMultiDictProxy[str]:
        """A part's header block (RFC 2046 5.1.1, RFC 5322 2.2), bounded in count and size."""
        limits = self._limits
        headers: CIMultiDict[str] = CIMultiDict()
        total = 0
        while True:
            line = await self.read_line(limits.max_header_line, what="part header")
            if not line:
                return CIMultiDictProxy(headers)
            total += len(line) + len(_CRLF)
            if total > limits.max_headers_size:
                raise PartHeadersTooLarge(f"part headers longer than {limits.max_headers_size}")
            if len(headers) >= limits.max_part_headers:
                raise TooManyPartHeaders(f"more than {limits.max_part_headers} part headers")
            name, value = _split_header(line)
            headers.add(name, value)

    def _take(self, n: int) -> bytes:
        data = bytes(self._buffer[:n])
        del self._buffer[:n]
        return data


def _split_header(line: bytes) -> tuple[str, str]:
    """``name: value`` with a token name and a value free of CTLs; obs-fold is refused."""
    name, colon, value = line.partition(b":")
    if not colon or not name or not _TOKEN_BYTES.issuperset(name):
        # Also refuses obs-fold (RFC 9112 5.2): a continuation line starts with whitespace.
        raise InvalidPartHeader(f"invalid part header line {line[:80]!r}")
    if _BAD_VALUE_BYTES.intersection(value):
        raise InvalidPartHeader(f"control characters in part header {name[:40]!r}")
    # Browsers send file names as raw UTF-8; anything undecodable is replaced, not fatal.
    return name.decode("ascii"), value.strip(_PADDING).decode("utf-8", "replace")

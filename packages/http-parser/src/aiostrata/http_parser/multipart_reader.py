"""Streaming multipart reader: aiohttp's ``MultipartReader`` and ``BodyPartReader``.

A multipart body (RFC 2046 5.1, RFC 7578 for forms) is read part by part from
the request stream, never whole: ``await reader.next()`` yields a
:class:`BodyPartReader` (or a nested :class:`MultipartReader` for a
``multipart/*`` part) whose body is then read in chunks or at once. Every size
and count is bounded by :class:`~.multipart_limits.MultipartLimits`, every
mistake in the bytes is a typed 400, and a body that ends too early is an
error, never a wait.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Mapping
from functools import cached_property
from typing import Any, ClassVar, Protocol, Self
from urllib.parse import parse_qsl

from multidict import CIMultiDictProxy

from .content_disposition import content_disposition_filename, parse_content_disposition
from .header_grammar import HeaderParamError, parse_parameterized
from .multipart_boundary import boundary_from_content_type
from .multipart_decoding import PartDecoder
from .multipart_errors import (
    FieldTooLarge,
    MalformedMultipart,
    NestingTooDeep,
    TooManyParts,
    UnsupportedPartEncoding,
)
from .multipart_limits import MultipartLimits
from .multipart_scanner import DelimiterScanner

__all__ = ("BodyPartReader", "MultipartContent", "MultipartReader")

_DEFAULT_LIMITS = MultipartLimits()


class MultipartContent(Protocol):
    """What a multipart body is read from: ``StreamReader.read(n)`` (b"" only at the end)."""

    async def read(self, n: int = -1) -> bytes: ...


def _content_type_params(headers: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    value = headers.get("Content-Type")
    if not value:
        return "", {}
    try:
        media_type, params = parse_parameterized(value, media_type=True)
    except HeaderParamError:
        return "", {}
    return media_type, {p.name: p.value for p in params}


class BodyPartReader:
    """One part of a multipart body; read it in chunks, by line, or whole.

    Made by :meth:`MultipartReader.next`. The part's data is raw (as sent) from
    :meth:`read_chunk` and :meth:`readline`, and decoded (Content-Transfer-Encoding,
    then Content-Encoding) from ``read(decode=True)``, :meth:`text`, :meth:`json`,
    :meth:`form` and :meth:`read_decoded_chunk`. Reading whole is bounded by
    ``max_field_size``; reading in chunks is not, the caller keeps what it wants.
    """

    chunk_size: ClassVar[int] = 8192

    def __init__(
        self,
        boundary: bytes | str,
        headers: CIMultiDictProxy[str],
        content: DelimiterScanner,
        *,
        subtype: str = "mixed",
        default_charset: str | None = None,
        limits: MultipartLimits = _DEFAULT_LIMITS,
    ) -> None:
        self.headers = headers
        self._boundary = boundary.decode() if isinstance(boundary, bytes) else boundary
        self._content = content
        self._mimetype_subtype = subtype
        self._default_charset = default_charset
        self._limits = limits
        self._at_eof = False
        self._pending = bytearray()  # read from the stream but not yet handed out (readline)
        self._stream_decoder: PartDecoder | None = None
        self._bytes_read = 0

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} filename={self.filename!r}>"

    # -- identity ------------------------------------------------------------

    @cached_property
    def _disposition(self) -> tuple[str | None, dict[str, str]]:
        return parse_content_disposition(self.headers.get("Content-Disposition"))

    @cached_property
    def name(self) -> str | None:
        """The ``name`` parameter of Content-Disposition (RFC 7578 4.2)."""
        return content_disposition_filename(self._disposition[1], "name")

    @cached_property
    def filename(self) -> str | None:
        """The file name: ``filename*`` (RFC 6266 4.3, RFC 8187) before ``filename``."""
        return content_disposition_filename(self._disposition[1], "filename")

    def get_charset(self, default: str) -> str:
        """The Content-Type charset, else the form's ``_charset_`` default, else ``default``."""
        charset = _content_type_params(self.headers)[1].get("charset")
        return charset or self._default_charset or default

    def at_eof(self) -> bool:
        return self._at_eof and not self._pending

    @property
    def bytes_read(self) -> int:
        """Raw (still encoded) bytes of this part taken from the stream so far (aiostrata)."""
        return self._bytes_read

    # -- raw reading ---------------------------------------------------------

    async def read_chunk(self, size: int = chunk_size) -> bytes:
        """Up to ``size`` raw bytes of the part; ``b""`` at its end."""
        if size < 1:
            raise ValueError("size must be positive")
        if self._pending:
            data = bytes(self._pending[:size])
            del self._pending[:size]
            return data
        if self._at_eof:
            return b""
        data, ended = await self._content.read_body(size)
        self._bytes_read += len(data)
        if ended:
            self._at_eof = True
        return data

    async def read(self, *, decode: bool = False) -> bytearray:
        """The whole part, at most ``max_field_size`` bytes (raw and decoded)."""
        limit = self._limits.max_field_size
        data = bytearray()
        while chunk := await self.read_chunk(self.chunk_size):
            data += chunk
            # GHSA-3wq7-rqq7-wx6j: checked as the data arrives, not once it is all in memory.
            if len(data) > limit:
                raise FieldTooLarge(f"part larger than {limit} bytes")
        if decode:
            return bytearray(self._decoder(limit).decode_all(bytes(data)))
        return data

    async def readline(self) -> bytes:
        """The next raw line, with its newline (the last line may have none)."""
        limit = self._limits.max_field_size
        while True:
            index = self._pending.find(b"\n")
            if index != -1:
                line = bytes(self._pending[: index + 1])
                del self._pending[: index + 1]
                return line
            if self._at_eof:
                line = bytes(self._pending)
                self._pending.clear()
                return line
            if len(self._pending) > limit:
                raise FieldTooLarge(f"line longer than {limit} bytes")
            data, ended = await self._content.read_body(self.chunk_size)
            self._bytes_read += len(data)
            self._pending += data
            if ended:
                self._at_eof = True

    async def release(self) -> None:
        """Read the rest of the part to the void."""
        self._pending.clear()
        while not self._at_eof:
            await self.read_chunk(self.chunk_size)

    async def next(self) -> bytearray | None:
        """The whole part once, then None (aiohttp's part iteration)."""
        data = await self.read()
        return data if data else None

    def __aiter__(self) -> AsyncIterator[bytearray]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[bytearray]:
        while (data := await self.next()) is not None:
            yield data

    # -- decoded reading -----------------------------------------------------

    def _decoder(self, max_output: int | None, piece_size: int = 2**16) -> PartDecoder:
        return PartDecoder(
            self.headers.get("Content-Transfer-Encoding", ""),
            self.headers.get("Content-Encoding", ""),
            max_output=max_output,
            piece_size=piece_size,
        )

    def decode(self, data: bytes | bytearray) -> bytes:
        """Decode a whole raw body: Content-Transfer-Encoding, then Content-Encoding."""
        return self._decoder(self._limits.max_field_size).decode_all(bytes(data))

    async def read_decoded_chunk(
        self, size: int = chunk_size, *, on_raw: Callable[[], None] | None = None
    ) -> bytes:
        """Up to about ``size`` decoded bytes; ``b""`` at the end (an aiostrata addition).

        Decodes as the data streams, with a fixed amount of state, so a file part can be
        spooled to disk without holding it (or its expansion) in memory. ``on_raw`` runs
        after every raw read: raw bytes that decode to nothing (base64 whitespace,
        quoted-printable soft breaks) must still count against a caller's budget.
        """
        if self._stream_decoder is None:
            self._stream_decoder = self._decoder(None, piece_size=max(size, 1))
        decoder = self._stream_decoder
        while True:
            out = decoder.read()
            if out:
                return out
            if decoder.done:
                return b""
            if not decoder.wants_input:
                raise UnsupportedPartEncoding("the part's encoded data does not decode")
            raw = await self.read_chunk(size)
            if on_raw is not None:
                on_raw()
            if raw:
                decoder.feed(raw)
            else:
                decoder.feed_eof()

    async def text(self, *, encoding: str | None = None) -> str:
        data = await self.read(decode=True)
        return self._decode_text(data, encoding)

    async def json(self, *, encoding: str | None = None) -> Any:
        data = await self.read(decode=True)
        if not data:
            return None
        return json.loads(self._decode_text(data, encoding))

    async def form(self, *, encoding: str | None = None) -> list[tuple[str, str]]:
        """The part as ``application/x-www-form-urlencoded`` pairs."""
        data = await self.read(decode=True)
        if not data:
            return []
        charset = encoding or self.get_charset(default="utf-8")
        text = self._decode_text(data, charset).rstrip()
        try:
            return parse_qsl(text, keep_blank_values=True, encoding=charset, errors="strict")
        except (UnicodeDecodeError, ValueError):
            raise MalformedMultipart("part is not a valid urlencoded form") from None

    def _decode_text(self, data: bytes | bytearray, encoding: str | None) -> str:
        charset = encoding or self.get_charset(default="utf-8")
        try:
            return data.decode(charset)
        except LookupError:
            raise UnsupportedPartEncoding(f"unknown charset {charset[:40]!r}") from None
        except UnicodeDecodeError:
            raise MalformedMultipart(f"part is not valid {charset[:40]}") from None


class MultipartReader:
    """Reads a multipart body part by part (``async for part in reader``).

    ``content`` is the body stream (``request.content``) or, for a nested body, the
    :class:`BodyPartReader` holding it. A missing or invalid boundary is an
    :class:`~.multipart_errors.InvalidBoundary` (400) right here.
    """

    #: Reader made for nested ``multipart/*`` parts; None means this class.
    multipart_reader_cls: ClassVar[type[MultipartReader] | None] = None
    #: Reader made for other parts.
    part_reader_cls: ClassVar[type[BodyPartReader]] = BodyPartReader

    def __init__(
        self,
        headers: Mapping[str, str],
        content: MultipartContent | BodyPartReader,
        *,
        limits: MultipartLimits | None = None,
        _nesting_depth: int = 0,
    ) -> None:
        self.headers = headers
        self._limits = limits if limits is not None else _DEFAULT_LIMITS
        media_type, self._boundary = boundary_from_content_type(headers)
        self._subtype = media_type.partition("/")[2]
        read = content.read_chunk if isinstance(content, BodyPartReader) else content.read
        self._content = content
        self._scanner = DelimiterScanner(read, self._boundary, self._limits)
        self._depth = _nesting_depth
        self._started = False
        self._at_eof = False
        self._last_part: BodyPartReader | None = None
        self._parts = 0

    def __repr__(self) -> str:
        return f"<{type(self).__name__} multipart/{self._subtype} parts={self._parts}>"

    @property
    def boundary(self) -> str:
        return self._boundary

    @property
    def limits(self) -> MultipartLimits:
        return self._limits

    def at_eof(self) -> bool:
        """True once the closing boundary was read."""
        return self._at_eof

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> BodyPartReader | MultipartReader:
        part = await self.next()
        if part is None:
            raise StopAsyncIteration
        return part

    async def next(self) -> BodyPartReader | MultipartReader | None:
        """The next part (what is left of the previous one is skipped); None at the end."""
        if self._at_eof:
            return None
        if self._last_part is not None:
            await self._last_part.release()
            self._last_part = None
        elif not self._started:
            self._started = True
            await self._scanner.skip_preamble()
        if await self._scanner.after_delimiter():
            self._at_eof = True
            await self._scanner.skip_epilogue()
            return None
        self._parts += 1
        if self._parts > self._limits.max_parts:
            raise TooManyParts(f"more than {self._limits.max_parts} parts")
        headers = await self._scanner.read_headers()
        part = self.part_reader_cls(
            self._boundary,
            headers,
            self._scanner,
            subtype=self._subtype,
            limits=self._limits,
        )
        self._last_part = part
        if _content_type_params(headers)[0].startswith("multipart/"):
            if self._depth + 1 > self._limits.max_nesting_depth:
                raise NestingTooDeep(f"more than {self._limits.max_nesting_depth} levels")
            cls = self.multipart_reader_cls or type(self)
            return cls(headers, part, limits=self._limits, _nesting_depth=self._depth + 1)
        return part

    async def release(self) -> None:
        """Read every remaining part to the void."""
        while (part := await self.next()) is not None:
            await part.release()

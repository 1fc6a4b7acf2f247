"""Body payloads: what ``Response(body=...)`` accepts besides bytes and str.

A payload knows its ``Content-Type`` (and, for named files, a
``Content-Disposition``), its size when that can be known without reading it,
and how to write itself to the response's stream writer. Files are read in the
loop's executor in 64 KiB pieces, so a slow disk never stalls the event loop,
and are closed once the body is written or abandoned (a client that went away,
a cancelled task): CVE-2026-54280's class of descriptor leaks.

``as_payload`` is the registry: it picks the payload class for a body the way
aiohttp's ``PAYLOAD_REGISTRY`` does (bytes, str, text and binary file objects,
``io.BytesIO``, ``io.StringIO``, async iterables of bytes, and any object
shaped like a multipart writer: ``headers``, ``size`` and ``async write()``).
"""

from __future__ import annotations

import abc
import asyncio
import codecs
import contextlib
import io
import os
import stat
from collections.abc import AsyncIterable, AsyncIterator, Callable
from pathlib import Path
from typing import Any, Final, Protocol, runtime_checkable

from multidict import CIMultiDict, istr

from .content_type import parse_content_type
from .typedefs import LooseHeaders

__all__ = (
    "AsyncIterablePayload",
    "BodyPartPayload",
    "BodySink",
    "BufferedReaderPayload",
    "BytesIOPayload",
    "BytesPayload",
    "IOBasePayload",
    "IncompleteBodyError",
    "MultipartPayload",
    "Payload",
    "ReadablePart",
    "SelfWritingBody",
    "StringIOPayload",
    "StringPayload",
    "TextIOPayload",
    "as_payload",
)

_CONTENT_DISPOSITION: Final = istr("Content-Disposition")
_CONTENT_TYPE: Final = istr("Content-Type")
_CONTENT_LENGTH: Final = istr("Content-Length")
_TRANSFER_ENCODING: Final = istr("Transfer-Encoding")

# One read from a file or an in-memory buffer: aiohttp's READ_SIZE.
READ_SIZE: Final = 2**16
# One decoded read from a forwarded multipart part.
_PART_CHUNK: Final = 2**16

_OCTET_STREAM: Final = "application/octet-stream"
_TEXT_UTF8: Final = "text/plain; charset=utf-8"


# Imported with the first named payload, not with the package, and kept here: the media type
# guess (file_variants, and the mimetypes table it builds) and aiostrata.http_parser's
# Content-Disposition codec.
_guess_content_type: Callable[[Path], str] | None = None
_content_disposition_header: Callable[..., str] | None = None


def _load_guess_content_type() -> Callable[[Path], str]:
    global _guess_content_type
    from .file_variants import guess_content_type

    _guess_content_type = guess_content_type
    return guess_content_type


def _load_content_disposition_header() -> Callable[..., str]:
    global _content_disposition_header
    from aiostrata.http_parser import content_disposition_header

    _content_disposition_header = content_disposition_header
    return content_disposition_header


class BodySink(Protocol):
    """Where a payload writes: an ``AbstractStreamWriter`` or a prepared ``StreamResponse``."""

    async def write(self, chunk: bytes) -> None: ...


@runtime_checkable
class SelfWritingBody(Protocol):
    """aiohttp's multipart-writer shape, satisfied by ``aiostrata.http_parser.MultipartWriter``.

    (aiohttp's own ``MultipartWriter`` and ``Payload`` objects have it too.)
    """

    @property
    def headers(self) -> Any: ...

    @property
    def size(self) -> int | None: ...

    async def write(self, writer: Any) -> None: ...


class IncompleteBodyError(RuntimeError):
    """The body ended before the length that was already announced in Content-Length.

    The head is on the wire, so no other status can be sent: the connection is
    closed instead (RFC 9112 6.3: the client then sees an incomplete message,
    never a short body it would take as complete).
    """

    def __init__(self, declared: int, missing: int) -> None:
        super().__init__(
            f"the body ended {missing} bytes short of the declared Content-Length {declared}"
        )
        self.declared = declared
        self.missing = missing


def _filename_of(value: object) -> str | None:
    """The base name of a file object's ``name``, if it is a path (not ``<stdin>`` or an fd)."""
    name = getattr(value, "name", None)
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    if not isinstance(name, str) or not name or (name.startswith("<") and name.endswith(">")):
        return None
    return Path(name).name or None


class Payload(abc.ABC):
    """A response body that writes itself (``aiohttp.payload.Payload``).

    ``content_type`` wins over a type guessed from ``filename``, which wins over
    the class's default; ``headers`` are extra fields the response takes unless
    it already has them.
    """

    _default_content_type: str = _OCTET_STREAM
    _size: int | None = None

    def __init__(
        self,
        value: Any,
        *,
        headers: LooseHeaders | None = None,
        content_type: str | None = None,
        filename: str | None = None,
        encoding: str | None = None,
    ) -> None:
        self._value = value
        self._encoding = encoding
        self._filename = filename
        self._headers: CIMultiDict[str] = CIMultiDict(headers or ())
        if content_type is not None:
            self._headers[_CONTENT_TYPE] = content_type
        elif _CONTENT_TYPE not in self._headers:
            if filename is not None:
                guess = _guess_content_type or _load_guess_content_type()
                self._headers[_CONTENT_TYPE] = guess(Path(filename))
            else:
                self._headers[_CONTENT_TYPE] = self._default_content_type
        self._closed = False

    def __repr__(self) -> str:
        size = "unknown size" if self.size is None else f"{self.size} bytes"
        return f"<{type(self).__name__} {self.content_type} {size}>"

    @property
    def value(self) -> Any:
        """What the payload was made from."""
        return self._value

    @property
    def size(self) -> int | None:
        """Bytes :meth:`write` will send, or None when only reading tells (chunked framing)."""
        return self._size

    @property
    def headers(self) -> CIMultiDict[str]:
        """The payload's own fields; mutable, as in aiohttp, until the response takes them."""
        return self._headers

    @property
    def content_type(self) -> str:
        return self._headers.get(_CONTENT_TYPE, self._default_content_type)

    @property
    def filename(self) -> str | None:
        return self._filename

    @property
    def encoding(self) -> str | None:
        return self._encoding

    def set_content_disposition(
        self, disptype: str, quote_fields: bool = True, _charset: str = "utf-8", **params: str
    ) -> None:
        """Set Content-Disposition, e.g. ``("attachment", filename="report.pdf")`` (RFC 6266)."""
        header = _content_disposition_header or _load_content_disposition_header()
        self._headers[_CONTENT_DISPOSITION] = header(disptype, quote_fields, _charset, **params)

    @abc.abstractmethod
    async def write(self, writer: BodySink) -> None:
        """Write the whole body to ``writer``."""

    async def close(self) -> None:
        """Release what the payload holds (a file, a generator); safe to call twice."""
        self._closed = True

    @property
    def closed(self) -> bool:
        return self._closed


class BytesPayload(Payload):
    """bytes, bytearray or memoryview, sent as they are.

    A bytearray or memoryview is copied once, so later changes to it cannot reach the wire.
    """

    def __init__(self, value: bytes | bytearray | memoryview, **kwargs: Any) -> None:
        if not isinstance(value, (bytes, bytearray, memoryview)):
            raise TypeError(f"value must be bytes, bytearray or memoryview, got {type(value)!r}")
        self._data = value if isinstance(value, bytes) else bytes(value)
        super().__init__(value, **kwargs)
        self._size = len(self._data)

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        return self._data.decode(encoding, errors)

    async def write(self, writer: BodySink) -> None:
        await writer.write(self._data)


def _charset_or_utf8(content_type: str | None) -> str:
    if content_type is None:
        return "utf-8"
    return parse_content_type(content_type)[1].get("charset") or "utf-8"


class StringPayload(BytesPayload):
    """A str, encoded with ``encoding``, else the Content-Type's charset, else UTF-8."""

    _default_content_type = _TEXT_UTF8

    def __init__(
        self,
        value: str,
        *,
        encoding: str | None = None,
        content_type: str | None = None,
        **kwargs: Any,
    ) -> None:
        if not isinstance(value, str):
            raise TypeError(f"value must be str, got {type(value)!r}")
        if encoding is None:
            encoding = _charset_or_utf8(content_type)
            if content_type is None:
                content_type = _TEXT_UTF8
        elif content_type is None:
            content_type = f"text/plain; charset={encoding}"
        super().__init__(value.encode(encoding), content_type=content_type, **kwargs)
        self._value = value
        self._encoding = encoding


class StringIOPayload(StringPayload):
    """An ``io.StringIO``: what is left of it from its position, read at once (it is in memory)."""

    def __init__(self, value: io.StringIO, **kwargs: Any) -> None:
        super().__init__(value.read(), **kwargs)
        self._value = value


class BytesIOPayload(Payload):
    """An ``io.BytesIO``, from its current position to its end, sent in 64 KiB pieces."""

    def __init__(self, value: io.BytesIO, **kwargs: Any) -> None:
        super().__init__(value, **kwargs)
        with value.getbuffer() as view:
            self._size = max(view.nbytes - value.tell(), 0)

    async def write(self, writer: BodySink) -> None:
        remaining = self._size or 0
        while remaining > 0:
            chunk = self._value.read(min(READ_SIZE, remaining))
            if not chunk:
                break  # truncated meanwhile: the response notices the short body
            remaining -= len(chunk)
            await writer.write(chunk)

    async def close(self) -> None:
        # A BytesIO holds no descriptor, and the caller may still want its contents.
        self._closed = True


class IOBasePayload(Payload):
    """A binary file object of unknown size (a pipe, a socket file, a raw ``FileIO``).

    Reads run in the loop's default executor, one at a time; ``close()`` during a
    read (the task was cancelled) waits for that read in the executor before
    closing, never closing a descriptor another thread is reading from.
    """

    def __init__(
        self,
        value: io.IOBase,
        disposition: str | None = "attachment",
        *,
        filename: str | None = None,
        **kwargs: Any,
    ) -> None:
        if filename is None:
            filename = _filename_of(value)
        super().__init__(value, filename=filename, **kwargs)
        if (
            filename is not None
            and disposition is not None
            and _CONTENT_DISPOSITION not in self._headers
        ):
            # A name with control characters is sent without the field, never injected.
            with contextlib.suppress(ValueError):
                self.set_content_disposition(disposition, filename=filename)
        self._pending_read: asyncio.Future[Any] | None = None

    async def _read(self, size: int) -> Any:
        loop = asyncio.get_running_loop()
        future = self._pending_read = loop.run_in_executor(None, self._value.read, size)
        # Shielded: a cancelled task must not mark the read finished while the executor
        # thread is still inside it; close() looks at this future to know.
        return await asyncio.shield(future)

    async def _read_bytes(self, size: int) -> bytes:
        chunk = await self._read(size)
        if chunk is None:
            raise BlockingIOError("a non-blocking file object has no data to read now")
        if not isinstance(chunk, (bytes, bytearray, memoryview)):
            raise TypeError(f"the file object returned {type(chunk).__name__}, not bytes")
        return bytes(chunk)

    async def write(self, writer: BodySink) -> None:
        limit = self.size
        remaining = limit if limit is not None else -1
        while remaining != 0:
            want = READ_SIZE if remaining < 0 else min(READ_SIZE, remaining)
            chunk = await self._read_bytes(want)
            if not chunk:
                return
            if remaining > 0:
                remaining -= len(chunk)
            await writer.write(chunk)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        pending = self._pending_read
        if pending is not None and not pending.done():
            # The executor thread is still inside read(): close once it returns.
            pending.add_done_callback(self._close_after_read)
            return
        self._value.close()

    def _close_after_read(self, read: asyncio.Future[Any]) -> None:
        if not read.cancelled():
            read.exception()  # retrieved: an abandoned read's error is not worth a log line
        self._value.close()


class BufferedReaderPayload(IOBasePayload):
    """A file opened with ``open(path, "rb")``: its size is known from ``fstat`` when it is a
    regular file, so the response gets a Content-Length."""

    def __init__(self, value: io.BufferedReader | io.BufferedRandom, **kwargs: Any) -> None:
        super().__init__(value, **kwargs)
        self._size = self._regular_file_remaining(value)

    @staticmethod
    def _regular_file_remaining(value: io.BufferedReader | io.BufferedRandom) -> int | None:
        try:
            st = os.fstat(value.fileno())
            position = value.tell()
        except (OSError, ValueError, io.UnsupportedOperation):
            return None
        # Pipes, sockets and devices have no meaningful st_size; procfs and sysfs files
        # report 0 while having content: both are sent chunked instead.
        if not stat.S_ISREG(st.st_mode) or st.st_size == 0:
            return None
        return max(st.st_size - position, 0)


class TextIOPayload(IOBasePayload):
    """A text file: read as str in the executor and encoded with the charset.

    Its size in bytes is unknown until it is encoded (newline translation and
    the file's own encoding change it), so it is sent chunked on HTTP/1.1.
    """

    _default_content_type = _TEXT_UTF8

    def __init__(
        self,
        value: io.TextIOBase,
        *,
        encoding: str | None = None,
        content_type: str | None = None,
        **kwargs: Any,
    ) -> None:
        if encoding is None:
            encoding = _charset_or_utf8(content_type)
            if content_type is None:
                content_type = _TEXT_UTF8
        elif content_type is None:
            content_type = f"text/plain; charset={encoding}"
        codecs.lookup(encoding)  # an unknown charset fails here, not mid-response
        super().__init__(value, encoding=encoding, content_type=content_type, **kwargs)

    async def write(self, writer: BodySink) -> None:
        # An incremental encoder: stateful codecs (UTF-16's BOM) must not restart per chunk.
        encoder = codecs.getincrementalencoder(self._encoding or "utf-8")()
        while True:
            text = await self._read(READ_SIZE)
            if text is None:
                raise BlockingIOError("a non-blocking file object has no data to read now")
            if not isinstance(text, str):
                raise TypeError(f"the text file returned {type(text).__name__}, not str")
            data = encoder.encode(text, final=not text)
            if data:
                await writer.write(data)
            if not text:
                return


class AsyncIterablePayload(Payload):
    """An async iterable of bytes (an async generator), sent chunked: its size is unknown.

    An exception raised by the iterable propagates: the response is then
    abandoned and the connection closed, rather than ended as if complete.
    """

    def __init__(self, value: AsyncIterable[bytes | bytearray | memoryview], **kwargs: Any) -> None:
        if not isinstance(value, AsyncIterable):
            raise TypeError(f"value must be an async iterable, got {type(value)!r}")
        super().__init__(value, **kwargs)
        self._iterator: AsyncIterator[bytes | bytearray | memoryview] | None = None

    async def write(self, writer: BodySink) -> None:
        if self._iterator is not None:
            raise RuntimeError("an async iterable payload can be written only once")
        iterator = self._iterator = aiter(self._value)
        async for chunk in iterator:
            if not isinstance(chunk, (bytes, bytearray, memoryview)):
                raise TypeError(
                    f"an async iterable body must yield bytes, got {type(chunk).__name__}"
                )
            if chunk:
                await writer.write(bytes(chunk))

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        # Run the generator's finally blocks now, not whenever it is collected.
        target = self._iterator if self._iterator is not None else self._value
        aclose = getattr(target, "aclose", None)
        if aclose is not None:
            await aclose()


class MultipartPayload(Payload):
    """Any object shaped like a multipart writer (:class:`SelfWritingBody`), such as
    ``aiostrata.http_parser.MultipartWriter``: its headers (``multipart/...;
    boundary=...``) and size are its own, and it writes itself."""

    def __init__(self, value: SelfWritingBody, **kwargs: Any) -> None:
        headers: CIMultiDict[str] = CIMultiDict(value.headers)
        # The response frames the body; the writer's own framing fields would contradict it.
        headers.popall(_CONTENT_LENGTH, None)
        headers.popall(_TRANSFER_ENCODING, None)
        kwargs.setdefault("headers", headers)
        super().__init__(value, **kwargs)
        size = value.size
        self._size = size if isinstance(size, int) and size >= 0 else None

    async def write(self, writer: BodySink) -> None:
        await self._value.write(writer)


@runtime_checkable
class ReadablePart(Protocol):
    """One part of a received multipart body, as ``aiostrata.http_parser.BodyPartReader`` is."""

    @property
    def name(self) -> str | None: ...

    @property
    def filename(self) -> str | None: ...

    async def read_decoded_chunk(self, size: int = ...) -> bytes: ...


class BodyPartPayload(Payload):
    """A part of a received multipart body, forwarded decoded (aiohttp's ``BodyPartReaderPayload``).

    A handler that passes an uploaded part on (``Response(body=part)``) sends its
    data without the transfer encoding, streamed, and with a Content-Disposition
    ``attachment`` that keeps the part's ``name`` and ``filename``.
    """

    def __init__(self, value: ReadablePart, **kwargs: Any) -> None:
        super().__init__(value, **kwargs)
        params = {
            key: text
            for key, text in (("name", value.name), ("filename", value.filename))
            if text is not None
        }
        if params:
            self.set_content_disposition("attachment", True, **params)

    async def write(self, writer: BodySink) -> None:
        part: ReadablePart = self._value
        while chunk := await part.read_decoded_chunk(_PART_CHUNK):
            await writer.write(chunk)


def as_payload(body: object, *, encoding: str | None = None) -> Payload:
    """The payload for ``body``, in aiohttp's registry order; ValueError when none fits.

    ``encoding`` is the charset a text body is encoded with (the response's).
    """
    if isinstance(body, Payload):
        return body
    if isinstance(body, (bytes, bytearray, memoryview)):
        return BytesPayload(body)
    if isinstance(body, str):
        return StringPayload(body, encoding=encoding)
    if isinstance(body, io.StringIO):
        return StringIOPayload(body, encoding=encoding)
    if isinstance(body, io.TextIOBase):
        return TextIOPayload(body, encoding=encoding)
    if isinstance(body, io.BytesIO):
        return BytesIOPayload(body)
    if isinstance(body, (io.BufferedReader, io.BufferedRandom)):
        return BufferedReaderPayload(body)
    if isinstance(body, io.IOBase):
        return IOBasePayload(body)
    if isinstance(body, SelfWritingBody):
        return MultipartPayload(body)
    if isinstance(body, ReadablePart):  # before AsyncIterable: a part iterates too
        return BodyPartPayload(body)
    if isinstance(body, AsyncIterable):
        return AsyncIterablePayload(body)
    raise ValueError(f"Unsupported body type {type(body)!r}")

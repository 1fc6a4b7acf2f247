"""``Response``: a response whose whole body is known before it is sent.

Knowing the body up front means the head can carry an exact Content-Length and
leave in the same ``transport.write`` as the body, and compression can run once
over the whole body (in an executor when it is large) instead of per write.

A body that is not bytes or str (a file object, an async iterable, a multipart
writer: see :mod:`.payloads`) is kept as a :class:`~.payloads.Payload` that
writes itself after the head; its size, when known, is the Content-Length,
otherwise the body is chunked (HTTP/1.1) or ends with the connection (HTTP/1.0).
Bytes and str bodies never touch that machinery.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import AsyncIterable
from concurrent.futures import Executor
from io import IOBase
from typing import TYPE_CHECKING, Any, Final, TypeAlias

from multidict import CIMultiDict, istr

from aiostrata.http_parser import StreamWriter, encode_head, frame_known_length, say_persistence

from .content_coding import ContentCoding
from .content_type import DEFAULT_CONTENT_TYPE
from .http_dates import rfc822_now
from .payloads import BytesPayload, IncompleteBodyError, Payload, SelfWritingBody, as_payload
from .server_software import SERVER_SOFTWARE
from .status_rules import body_forbidden, check_status_code, reason_for
from .stream_response import StreamResponse
from .typedefs import LooseHeaders

if TYPE_CHECKING:
    from aiostrata.http_parser import AbstractStreamWriter

    from .interfaces import PreparingRequest

__all__ = ("Response",)

_CONTENT_ENCODING: Final = istr("Content-Encoding")
_DATE: Final = istr("Date")
_SERVER: Final = istr("Server")
_CONTENT_LENGTH: Final = istr("Content-Length")
_CONTENT_TYPE: Final = istr("Content-Type")
_UTF8: Final = "; charset=utf-8"
_TEXT_PLAIN_UTF8: Final = ((_CONTENT_TYPE, "text/plain" + _UTF8),)
# Lower-cased: compared with ``name.lower()`` of a payload's own fields.
_FRAMING_FIELDS: Final = frozenset(("content-length", "transfer-encoding"))

# Bodies larger than this are compressed in an executor, off the event loop.
_DEFAULT_ZLIB_EXECUTOR_SIZE: Final = 4096


class _Default:
    """The type of ``zlib_executor_size``'s default, distinct from an explicit None."""


_DEFAULT: Final = _Default()

Body = bytes | bytearray | memoryview
# Everything the body setter takes: what aiohttp's payload registry takes.
BodyLike: TypeAlias = Body | str | Payload | IOBase | SelfWritingBody | AsyncIterable[Body]


# Everything send_now() stands in for: a class overriding one of these prepares or sends
# its own way, so its responses take the awaited path.
_SEND_STEPS: Final = (
    "prepare",
    "_start",
    "_prepare_headers",
    "_write_headers",
    "_status_line",
    "write_eof",
    "send_now",
)


def _sends_like_response(cls: type) -> bool:
    """Whether ``cls`` keeps every step ``send_now()`` stands in for (see ``_SEND_STEPS``)."""
    return all(getattr(cls, step) is getattr(Response, step) for step in _SEND_STEPS)


class Response(StreamResponse):
    """A response with a body given as ``body`` (bytes) or ``text`` (str)."""

    _send_headers_immediately = False
    # A body that writes itself (file, async iterable, multipart writer); ``_body`` is then
    # None. A class attribute, so that bytes and str bodies cost nothing for it.
    _payload: Payload | None = None
    # Whether this class prepares and sends as Response does, so that send_now() may
    # stand in for prepare() and write_eof(): decided once per class, when it is made.
    _sends_whole = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._sends_whole = _sends_like_response(cls)

    def __init__(
        self,
        *,
        body: BodyLike | None = None,
        status: int = 200,
        reason: str | None = None,
        text: str | None = None,
        headers: LooseHeaders | None = None,
        content_type: str | None = None,
        charset: str | None = None,
        zlib_executor_size: int | _Default | None = _DEFAULT,
        zlib_executor: Executor | None = None,
    ) -> None:
        if (
            headers is None
            and charset is None
            and reason is None
            and type(status) is int
            and zlib_executor is None
            and zlib_executor_size is _DEFAULT
        ):
            # The common constructions, Response(text=str) and Response(body=bytes), with
            # or without a content_type: the state the general path below makes, without
            # the checks that cannot fail.
            if body is None and type(text) is str:
                if content_type is None:
                    self._headers = CIMultiDict(_TEXT_PLAIN_UTF8)
                elif "charset" in content_type:
                    raise ValueError("charset must not be in content_type argument")
                else:
                    self._headers = CIMultiDict(((_CONTENT_TYPE, content_type + _UTF8),))
                self._status, self._reason = status, reason_for(status)
                self._body = text.encode()
                return
            if text is None and type(body) is bytes:
                self._headers = (
                    CIMultiDict()
                    if content_type is None
                    else CIMultiDict(((_CONTENT_TYPE, content_type),))
                )
                self._status, self._reason = status, reason_for(status)
                self._body = body
                return
        if body is not None and text is not None:
            raise ValueError("body and text are not allowed together")
        super().__init__(status=status, reason=reason, headers=headers)
        real_headers = self._headers
        has_type = _CONTENT_TYPE in real_headers
        if has_type and (content_type is not None or charset is not None):
            raise ValueError(
                "passing both Content-Type header and content_type or charset params is forbidden"
            )
        if text is not None:
            if not isinstance(text, str):
                raise TypeError(f"text argument must be str ({type(text)!r})")
            if has_type:
                self.text = text
            else:
                if content_type is not None and "charset" in content_type:
                    raise ValueError("charset must not be in content_type argument")
                charset = charset or "utf-8"
                # The hot path: one header write and one encode, no parsing.
                real_headers[_CONTENT_TYPE] = f"{content_type or 'text/plain'}; charset={charset}"
                self._body = text.encode(charset)
        else:
            if content_type is not None:
                if charset is not None:
                    content_type += "; charset=" + charset
                real_headers[_CONTENT_TYPE] = content_type
            if isinstance(body, (bytes, bytearray, memoryview)):
                self._body = body  # the hot path: no property call
            elif body is not None:
                self.body = body
        self._set_executor(zlib_executor_size, zlib_executor)

    def _set_executor(
        self, zlib_executor_size: int | _Default | None, zlib_executor: Executor | None
    ) -> None:
        if not isinstance(zlib_executor_size, _Default):
            self._zlib_executor_size = zlib_executor_size
        if zlib_executor is not None:
            self._zlib_executor = zlib_executor

    # Defaults kept on the class, stored on the instance only when they differ (hot path).
    _body: Body | None = None
    _compressed_body: bytes | None = None
    _zlib_executor_size: int | None = _DEFAULT_ZLIB_EXECUTOR_SIZE
    _zlib_executor: Executor | None = None

    @property
    def body(self) -> Body | Payload | None:
        """The bytes to send, or the :class:`~.payloads.Payload` for any other body."""
        payload = self._payload
        return self._body if payload is None else payload

    @body.setter
    def body(self, body: BodyLike | None) -> None:
        """Bytes are kept as given; a str is encoded with the Content-Type's charset
        (UTF-8 by default, which then also becomes the Content-Type); anything else
        becomes a payload (ValueError when no payload fits, as in aiohttp)."""
        if body is None or isinstance(body, (bytes, bytearray, memoryview)):
            self._body = body
        elif isinstance(body, str):
            if _CONTENT_TYPE not in self._headers:
                self._headers[_CONTENT_TYPE] = "text/plain; charset=utf-8"
            self._body = body.encode(self.charset or "utf-8")
        else:
            self._set_payload(body)
            return
        if self._payload is not None:
            self._payload = None
        self._compressed_body = None

    def _set_payload(self, body: object) -> None:
        headers = self._headers
        # A text body is encoded with the charset the response already declares.
        charset = self.charset if _CONTENT_TYPE in headers else None
        payload = as_payload(body, encoding=charset)
        if _CONTENT_TYPE not in headers:
            headers[_CONTENT_TYPE] = payload.content_type
        for name, value in payload.headers.items():
            # The response frames the body itself: the payload's framing fields are not copied.
            if name not in headers and name.lower() not in _FRAMING_FIELDS:
                headers[name] = value
        self._payload = payload
        self._body = None
        self._compressed_body = None

    @property
    def text(self) -> str | None:
        """The body decoded with the response's charset (UTF-8 when none is set).

        A payload read from a file or a stream has no text until it is sent, and
        reading it here would block the loop: TypeError, as aiohttp raises for
        payloads it has not cached.
        """
        if self._body is None:
            payload = self._payload
            if payload is None:
                return None
            if isinstance(payload, BytesPayload):
                return payload.decode(self.charset or "utf-8")
            raise TypeError(
                f"a body given as {type(payload).__name__} has no text before it is sent"
            )
        return bytes(self._body).decode(self.charset or "utf-8")

    @text.setter
    def text(self, text: str | None) -> None:
        if self._payload is not None:
            self._payload = None
        if text is None:
            self._body = None
            self._compressed_body = None
            return
        if not isinstance(text, str):
            raise TypeError(f"text argument must be str ({type(text)!r})")
        if self.content_type == "application/octet-stream":
            self.content_type = "text/plain"
        charset = self.charset
        if charset is None:
            charset = self.charset = "utf-8"
        self._body = text.encode(charset)
        self._compressed_body = None

    @property
    def content_length(self) -> int | None:
        """The length the body will have on the wire; None when chunked."""
        if self._chunked:
            return None
        declared = self._headers.get(_CONTENT_LENGTH)
        if declared is not None:
            return int(declared)
        if self._compressed_body is not None:
            return len(self._compressed_body)
        if self._body is not None:
            return len(self._body)
        payload = self._payload
        if payload is not None:
            # Once prepared, a missing header means chunked or close-delimited framing
            # (unknown size, or compressed on the fly).
            return None if self.prepared else payload.size
        return 0

    @content_length.setter
    def content_length(self, value: int | None) -> None:
        raise RuntimeError("Content length is set automatically")

    async def write_eof(self, data: bytes | bytearray | memoryview = b"") -> None:
        """Send the body; ``data`` is not accepted, the body is ``body``."""
        if self._eof_sent:
            return
        if data:
            raise ValueError(f"data arg is not supported, got {data!r}")
        body = self._compressed_body if self._compressed_body is not None else self._body
        if body is None:
            payload = self._payload
            if payload is not None:
                await self._write_payload(payload)
            else:
                await super().write_eof()
        elif self._must_be_empty_body:
            await super().write_eof()
        else:
            await super().write_eof(body)

    async def _write_payload(self, payload: Payload) -> None:
        """Let the payload write itself, then end the body; release it whatever happens.

        Released on success, on a lost client (ConnectionResetError from the writer)
        and on cancellation alike, so no file descriptor outlives the response.
        """
        try:
            writer = self._payload_writer
            if writer is None:
                raise RuntimeError("Response has not been started")
            if not self._must_be_empty_body:
                await payload.write(writer)
                # RFC 9112 6.3: a body shorter than its Content-Length must not be
                # ended as if complete; the caller closes the connection instead.
                missing = writer.length
                declared = self._headers.get(_CONTENT_LENGTH)
                if missing and declared is not None:
                    raise IncompleteBodyError(int(declared), missing)
            await super().write_eof()
        finally:
            await payload.close()

    def send_now(self, request: PreparingRequest) -> bool:
        """Send this response whole, in one write and without awaiting, when nothing stops it.

        That is the common case: a bytes or str body (or none), no compression,
        no ``on_response_prepare`` receivers, the connection's own writer, and a
        class that keeps ``Response``'s way of preparing and sending. The steps
        are ``prepare()``'s and ``write_eof()``'s, in the same order, with the
        same headers; the head is encoded (and checked) before anything is
        marked prepared, so a failure leaves the response for the awaited path
        to answer. Otherwise False, and nothing changed.
        """
        if (
            self._payload is not None
            or self._compression
            or self._eof_sent
            or self._payload_writer is not None
            or not self._sends_whole
        ):
            return False
        writer = request.writer
        if type(writer) is not StreamWriter or writer.output_size or request.has_prepare_hooks():
            return False  # another response already wrote to this request's connection
        status = self._status
        method = request.method
        version = request.version
        body = self._body
        headers = self._headers
        if (
            200 <= status < 300
            and status != 204
            and method != "HEAD"
            and method != "CONNECT"
            and not self._chunked
            and not self._cookies
            and self._length_check
            and _CONTENT_LENGTH not in headers
        ):
            # The usual answer, a body of known length: _prepare_headers() without what
            # cannot apply (cookies, chunks, a forbidden body, a declared length to
            # parse back), the same framing calls and the same fields in the same order.
            length = len(body) if body is not None else 0
            headers[_CONTENT_LENGTH] = str(length)
            keep_alive = self._keep_alive
            if keep_alive is None:
                keep_alive = request.keep_alive
            frame_known_length(writer, headers, length)
            if length:
                headers.setdefault(_CONTENT_TYPE, DEFAULT_CONTENT_TYPE)
            headers.setdefault(_DATE, rfc822_now())
            headers.setdefault(_SERVER, SERVER_SOFTWARE)
            say_persistence(headers, version, keep_alive)
            self._keep_alive = keep_alive
            data = body if type(body) is bytes else bytes(body or b"")
            status_line = f"HTTP/{version.major}.{version.minor} {status} {self._reason}"
            writer.send_message(encode_head(status_line, headers.items()), data)
            self._eof_sent = True
            self._body_length = writer.output_size
            return True
        check_status_code(status)
        must_be_empty = self._must_be_empty_body = body_forbidden(method, status)
        if _CONTENT_LENGTH not in headers and not self._chunked:
            length = len(body) if body is not None else 0
            # RFC 9110 8.6: as in _start(), no "Content-Length: 0" on an empty HEAD or 304.
            if length or (status != 304 and method != "HEAD"):
                headers[_CONTENT_LENGTH] = str(length)
        self._prepare_headers(request, writer)
        head = encode_head(self._status_line(version), headers.items())
        # Nothing calls back into the response while it is written: it is not marked
        # as being prepared in between, only as sent once the bytes are handed over.
        writer.send_message(head, b"" if must_be_empty or body is None else bytes(body))
        self._eof_sent = True
        self._body_length = writer.output_size
        return True

    async def _start(self, request: PreparingRequest) -> AbstractStreamWriter:
        body = self._body
        if body is None and self._payload is not None:
            return await self._start_payload(request, self._payload)
        headers = self._headers
        # A declared Content-Length is kept (and dropped later where RFC 9110 8.6 forbids it).
        if _CONTENT_LENGTH not in headers and not self._chunked:
            length = len(body) if body is not None else 0
            # RFC 9110 8.6: an empty HEAD or 304 response says nothing about the
            # length of the representation, so it gets no "Content-Length: 0".
            if length or (self._status != 304 and request.method != "HEAD"):
                headers[_CONTENT_LENGTH] = str(length)
        return await super()._start(request)

    async def _start_payload(
        self, request: PreparingRequest, payload: Payload
    ) -> AbstractStreamWriter:
        """Frame a payload body: its size as Content-Length when known, else chunks."""
        try:
            headers = self._headers
            if _CONTENT_LENGTH not in headers and not self._chunked:
                size = payload.size
                # RFC 9110 8.6 and 9.3.2: as for bytes, a HEAD response keeps a known length.
                says_length = size or (self._status != 304 and request.method != "HEAD")
                if size is not None and says_length:
                    headers[_CONTENT_LENGTH] = str(size)
            return await super()._start(request)
        except BaseException:
            # A failing prepare signal or a lost client: write_eof() will not run.
            await payload.close()
            raise

    async def _do_start_compression(self, coding: ContentCoding) -> None:
        body = self._body
        if self._chunked:
            await super()._do_start_compression(coding)
            return
        if coding is ContentCoding.identity:
            return
        if not body:
            if body is None and self._payload is not None:
                # A payload is compressed as it streams; its length is then unknown.
                await super()._do_start_compression(coding)
            # Nothing to compress: an empty body stays "Content-Length: 0", uncoded.
            return
        compressed = await self._compress(body, coding)
        self._compressed_body = compressed
        self._headers[_CONTENT_ENCODING] = coding.value
        self._headers[_CONTENT_LENGTH] = str(len(compressed))

    async def _compress(self, body: Body, coding: ContentCoding) -> bytes:
        """Compress the whole body, off the loop when it is larger than the threshold."""
        wbits = 16 + zlib.MAX_WBITS if coding is ContentCoding.gzip else zlib.MAX_WBITS
        strategy = self._compression_strategy
        if strategy is None:
            strategy = zlib.Z_DEFAULT_STRATEGY

        def run() -> bytes:
            compressor = zlib.compressobj(wbits=wbits, strategy=strategy)
            return compressor.compress(body) + compressor.flush()

        threshold = self._zlib_executor_size
        if threshold is not None and len(body) > threshold:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._zlib_executor, run)
        return run()

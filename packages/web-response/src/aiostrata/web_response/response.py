"""``Response``: a response whose whole body is known before it is sent.

Knowing the body up front means the head can carry an exact Content-Length and
leave in the same ``transport.write`` as the body, and compression can run once
over the whole body (in an executor when it is large) instead of per write.
"""

from __future__ import annotations

import asyncio
import zlib
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Final

from multidict import istr

from .content_coding import ContentCoding
from .stream_response import StreamResponse
from .typedefs import LooseHeaders

if TYPE_CHECKING:
    from aiostrata.http_parser import AbstractStreamWriter

    from .interfaces import PreparingRequest

__all__ = ("Response",)

_CONTENT_ENCODING: Final = istr("Content-Encoding")
_CONTENT_LENGTH: Final = istr("Content-Length")
_CONTENT_TYPE: Final = istr("Content-Type")

# Bodies larger than this are compressed in an executor, off the event loop.
_DEFAULT_ZLIB_EXECUTOR_SIZE: Final = 4096


class _Default:
    """The type of ``zlib_executor_size``'s default, distinct from an explicit None."""


_DEFAULT: Final = _Default()

Body = bytes | bytearray | memoryview


class Response(StreamResponse):
    """A response with a body given as ``body`` (bytes) or ``text`` (str)."""

    _send_headers_immediately = False

    def __init__(
        self,
        *,
        body: Body | str | None = None,
        status: int = 200,
        reason: str | None = None,
        text: str | None = None,
        headers: LooseHeaders | None = None,
        content_type: str | None = None,
        charset: str | None = None,
        zlib_executor_size: int | _Default | None = _DEFAULT,
        zlib_executor: Executor | None = None,
    ) -> None:
        if body is not None and text is not None:
            raise ValueError("body and text are not allowed together")
        super().__init__(status=status, reason=reason, headers=headers)
        self._body: Body | None = None
        self._compressed_body: bytes | None = None
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
            if body is not None:
                self.body = body
        if isinstance(zlib_executor_size, _Default):
            self._zlib_executor_size: int | None = _DEFAULT_ZLIB_EXECUTOR_SIZE
        else:
            self._zlib_executor_size = zlib_executor_size
        self._zlib_executor = zlib_executor

    @property
    def body(self) -> Body | None:
        return self._body

    @body.setter
    def body(self, body: Body | str | None) -> None:
        """Bytes are kept as given; a str is encoded with the Content-Type's charset
        (UTF-8 by default, which then also becomes the Content-Type)."""
        if body is None or isinstance(body, (bytes, bytearray, memoryview)):
            self._body = body
        elif isinstance(body, str):
            if _CONTENT_TYPE not in self._headers:
                self._headers[_CONTENT_TYPE] = "text/plain; charset=utf-8"
            self._body = body.encode(self.charset or "utf-8")
        else:
            raise ValueError(f"Unsupported body type {type(body)!r}")
        self._compressed_body = None

    @property
    def text(self) -> str | None:
        """The body decoded with the response's charset (UTF-8 when none is set)."""
        if self._body is None:
            return None
        return bytes(self._body).decode(self.charset or "utf-8")

    @text.setter
    def text(self, text: str | None) -> None:
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
        if body is None or self._must_be_empty_body:
            await super().write_eof()
        else:
            await super().write_eof(body)

    async def _start(self, request: PreparingRequest) -> AbstractStreamWriter:
        headers = self._headers
        # A declared Content-Length is kept (and dropped later where RFC 9110 8.6 forbids it).
        if _CONTENT_LENGTH not in headers and not self._chunked:
            length = len(self._body) if self._body is not None else 0
            # RFC 9110 8.6: an empty HEAD or 304 response says nothing about the
            # length of the representation, so it gets no "Content-Length: 0".
            if length or (self._status != 304 and request.method != "HEAD"):
                headers[_CONTENT_LENGTH] = str(length)
        return await super()._start(request)

    async def _do_start_compression(self, coding: ContentCoding) -> None:
        body = self._body
        if self._chunked:
            await super()._do_start_compression(coding)
            return
        if coding is ContentCoding.identity or not body:
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

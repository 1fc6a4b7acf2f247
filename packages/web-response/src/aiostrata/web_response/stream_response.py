"""``StreamResponse``: a response whose body the handler writes piece by piece.

It is a small state machine: headers, status and cookies are free to change
until ``prepare()``, which decides the framing (Content-Length, chunked, or
close-delimited), computes the default headers, runs the ``on_response_prepare``
signals and queues the head; then ``write()`` sends body bytes until
``write_eof()``.
"""

from __future__ import annotations

import datetime
import warnings
from typing import TYPE_CHECKING, Final

from multidict import CIMultiDict, istr

from aiostrata.http_parser import (
    AbstractStreamWriter,
    HttpVersion,
    frame_body,
    say_persistence,
)

from .content_coding import ContentCoding, select_coding
from .content_type import DEFAULT_CONTENT_TYPE, build_content_type, parse_content_type
from .cookies import EXPIRED, check_attribute, new_cookie_jar
from .etag import ETag, format_etag, parse_etag
from .http_dates import format_http_date, parse_http_date, rfc822_now
from .server_software import SERVER_SOFTWARE
from .state_mapping import StateMapping
from .status_rules import (
    body_forbidden,
    check_status_code,
    drop_content_length,
    validate_status,
)
from .typedefs import LooseHeaders

if TYPE_CHECKING:
    import asyncio

    from .cookie_jar import ResponseCookies
    from .interfaces import PreparingRequest

__all__ = ("StreamResponse",)

_CONTENT_ENCODING: Final = istr("Content-Encoding")
_CONTENT_LENGTH: Final = istr("Content-Length")
_CONTENT_TYPE: Final = istr("Content-Type")
_DATE: Final = istr("Date")
_ETAG: Final = istr("ETag")
_LAST_MODIFIED: Final = istr("Last-Modified")
_SERVER: Final = istr("Server")
_SET_COOKIE: Final = istr("Set-Cookie")


class StreamResponse(StateMapping):
    """The base response: status, headers, cookies, and a body written in pieces.

    No ``__slots__``: ``HTTPException`` derives from both this class and
    ``Exception``, whose C layout cannot be combined with slotted bases, and
    aiohttp documents subclassing responses freely.
    """

    # Subclasses that frame their own body (WebSocket upgrades) switch this off.
    _length_check = True
    # A streamed response shows its head at once; Response waits to send head and body together.
    _send_headers_immediately = True

    def __init__(
        self,
        *,
        status: int = 200,
        reason: str | None = None,
        headers: LooseHeaders | None = None,
    ) -> None:
        self._status, self._reason = validate_status(status, reason)
        self._headers: CIMultiDict[str] = CIMultiDict() if headers is None else CIMultiDict(headers)

    # The rest of the state starts as these class-level defaults and becomes an instance
    # attribute only when set: a response built and sent on the hot path stores far fewer.
    _cookies: ResponseCookies | None = None
    _keep_alive: bool | None = None
    _chunked = False
    _compression = False
    _compression_force: ContentCoding | None = None
    _compression_strategy: int | None = None
    _must_be_empty_body = False
    _req: PreparingRequest | None = None
    _payload_writer: AbstractStreamWriter | None = None
    _eof_sent = False
    _body_length = 0
    _parsed_content_type: tuple[str | None, str, dict[str, str]] | None = None

    # -- status line -----------------------------------------------------------------------

    @property
    def prepared(self) -> bool:
        """True once ``prepare()`` has begun (the head is decided)."""
        return self._eof_sent or self._payload_writer is not None

    @property
    def task(self) -> asyncio.Task[None] | None:
        """The task serving the request, while the response is in flight."""
        return self._req.task if self._req is not None else None

    @property
    def status(self) -> int:
        return self._status

    @property
    def reason(self) -> str:
        return self._reason

    def set_status(self, status: int, reason: str | None = None) -> None:
        """Change status and reason; a None reason is looked up from the status."""
        if self.prepared:
            raise RuntimeError(
                "Cannot change the response status code after the headers have been sent"
            )
        self._status, self._reason = validate_status(status, reason)

    # -- connection --------------------------------------------------------------------------

    @property
    def keep_alive(self) -> bool | None:
        """Whether the connection may serve another request after this response."""
        return self._keep_alive

    def force_close(self) -> None:
        """Close the connection after this response; there is no way back."""
        self._keep_alive = False

    @property
    def body_length(self) -> int:
        """Bytes sent on the wire (head included), known after ``write_eof()``."""
        return self._body_length

    @property
    def output_length(self) -> int:
        warnings.warn("output_length is deprecated", DeprecationWarning, stacklevel=2)
        if self._payload_writer is None:
            raise RuntimeError("Response has not been started")
        return self._payload_writer.buffer_size

    @property
    def chunked(self) -> bool:
        warnings.warn("chunked is deprecated", DeprecationWarning, stacklevel=2)
        return self._chunked

    def enable_chunked_encoding(self, chunk_size: int | None = None) -> None:
        """Send the body with chunked transfer coding (HTTP/1.1 only, RFC 9112 7.1)."""
        self._chunked = True
        if _CONTENT_LENGTH in self._headers:
            raise RuntimeError("You can't enable chunked encoding when a content length is set")
        if chunk_size is not None:
            warnings.warn("Chunk size is deprecated #1615", DeprecationWarning, stacklevel=2)

    @property
    def compression(self) -> bool:
        return self._compression

    def enable_compression(
        self, force: ContentCoding | bool | None = None, strategy: int | None = None
    ) -> None:
        """Compress the body with a coding the client accepts, or with ``force``.

        A bool ``force`` is the pre-0.17 spelling (True meant deflate) and is deprecated.
        """
        if isinstance(force, bool):
            warnings.warn(
                "Using boolean for force is deprecated #3318", DeprecationWarning, stacklevel=2
            )
            force = ContentCoding.deflate if force else ContentCoding.identity
        elif force is not None and not isinstance(force, ContentCoding):
            raise TypeError(f"force must be None, bool or ContentCoding, got {force!r}")
        self._compression = True
        self._compression_force = force
        self._compression_strategy = strategy

    # -- headers -----------------------------------------------------------------------------

    @property
    def headers(self) -> CIMultiDict[str]:
        return self._headers

    @property
    def cookies(self) -> ResponseCookies:
        """The cookies to send, one ``Set-Cookie`` field each (RFC 6265 4.1)."""
        if self._cookies is None:
            self._cookies = new_cookie_jar()  # imports the jar with the first cookie set
        return self._cookies

    def set_cookie(
        self,
        name: str,
        value: str,
        *,
        expires: str | None = None,
        domain: str | None = None,
        max_age: int | str | None = None,
        path: str = "/",
        secure: bool | None = None,
        httponly: bool | None = None,
        version: str | None = None,
        samesite: str | None = None,
        partitioned: bool | None = None,
    ) -> None:
        """Set a cookie, replacing an earlier one of the same name (RFC 6265 4.1)."""
        cookies = self.cookies
        old = cookies.get(name)
        if old is not None and old.coded_value == "":
            # Re-setting a cookie deleted earlier in this response: start afresh.
            del cookies[name]
        cookies[name] = value
        morsel = cookies[name]
        if expires is not None:
            morsel["expires"] = check_attribute("expires", expires)
        elif morsel.get("expires") == EXPIRED:
            del morsel["expires"]
        if domain is not None:
            morsel["domain"] = check_attribute("domain", domain)
        if max_age is not None:
            morsel["max-age"] = check_attribute("max-age", str(max_age))
        elif "max-age" in morsel:
            del morsel["max-age"]
        morsel["path"] = check_attribute("path", path)
        if secure is not None:
            morsel["secure"] = secure
        if httponly is not None:
            morsel["httponly"] = httponly
        if version is not None:
            morsel["version"] = check_attribute("version", version)
        if samesite is not None:
            morsel["samesite"] = check_attribute("samesite", samesite)
        if partitioned is not None:
            morsel["partitioned"] = partitioned

    def del_cookie(
        self,
        name: str,
        *,
        domain: str | None = None,
        path: str = "/",
        secure: bool | None = None,
        httponly: bool | None = None,
        samesite: str | None = None,
    ) -> None:
        """Ask the client to drop a cookie: empty value, expired, max-age 0 (RFC 6265 3.1)."""
        self.cookies.pop(name, None)
        self.set_cookie(
            name,
            "",
            max_age=0,
            expires=EXPIRED,
            domain=domain,
            path=path,
            secure=secure,
            httponly=httponly,
            samesite=samesite,
        )

    @property
    def content_length(self) -> int | None:
        value = self._headers.get(_CONTENT_LENGTH)
        return None if value is None else int(value)

    @content_length.setter
    def content_length(self, value: int | None) -> None:
        if value is None:
            self._headers.popall(_CONTENT_LENGTH, None)
            return
        value = int(value)
        if value < 0:
            raise ValueError(f"Content-Length cannot be negative: {value}")
        if self._chunked:
            raise RuntimeError("You can't set content length when chunked encoding is enable")
        self._headers[_CONTENT_LENGTH] = str(value)

    def _content_type_parts(self) -> tuple[str, dict[str, str]]:
        """The parsed Content-Type, re-parsed only when the header changed."""
        raw = self._headers.get(_CONTENT_TYPE)
        cached = self._parsed_content_type
        if cached is None or cached[0] != raw:
            media, params = parse_content_type(raw)
            cached = self._parsed_content_type = (raw, media, params)
        return cached[1], cached[2]

    def _store_content_type(self, media: str, params: dict[str, str]) -> None:
        raw = build_content_type(media, params)
        self._headers[_CONTENT_TYPE] = raw
        self._parsed_content_type = (raw, media, params)

    @property
    def content_type(self) -> str:
        """The media type of Content-Type, without parameters."""
        return self._content_type_parts()[0]

    @content_type.setter
    def content_type(self, value: str) -> None:
        _, params = self._content_type_parts()
        self._store_content_type(str(value), dict(params))

    @property
    def charset(self) -> str | None:
        return self._content_type_parts()[1].get("charset")

    @charset.setter
    def charset(self, value: str | None) -> None:
        media, params = self._content_type_parts()
        if media == DEFAULT_CONTENT_TYPE:
            raise RuntimeError(
                "Setting charset for application/octet-stream "
                "doesn't make sense, setup content_type first"
            )
        params = dict(params)
        if value is None:
            params.pop("charset", None)
        else:
            params["charset"] = str(value).lower()
        self._store_content_type(media, params)

    @property
    def last_modified(self) -> datetime.datetime | None:
        """Last-Modified as an aware UTC datetime (RFC 9110 8.8.2)."""
        return parse_http_date(self._headers.get(_LAST_MODIFIED))

    @last_modified.setter
    def last_modified(self, value: int | float | datetime.datetime | str | None) -> None:
        if value is None:
            self._headers.popall(_LAST_MODIFIED, None)
        elif isinstance(value, (int, float, datetime.datetime)):
            self._headers[_LAST_MODIFIED] = format_http_date(value)
        elif isinstance(value, str):
            self._headers[_LAST_MODIFIED] = value
        else:
            raise TypeError(
                f"Unsupported type for last_modified: {type(value).__name__}; "
                "use int, float, datetime, str or None"
            )

    @property
    def etag(self) -> ETag | None:
        """The ETag header as an :class:`ETag`; None when absent or malformed."""
        return parse_etag(self._headers.get(_ETAG))

    @etag.setter
    def etag(self, value: ETag | str | None) -> None:
        if value is None:
            self._headers.popall(_ETAG, None)
        else:
            self._headers[_ETAG] = format_etag(value)

    # -- sending -----------------------------------------------------------------------------

    async def prepare(self, request: PreparingRequest) -> AbstractStreamWriter | None:
        """Decide the framing, run the prepare signals and queue the head.

        Calling it again returns the same writer; after ``write_eof()`` it returns None.
        """
        if self._eof_sent:
            return None
        if self._payload_writer is not None:
            return self._payload_writer
        check_status_code(self._status)
        self._must_be_empty_body = body_forbidden(request.method, self._status)
        return await self._start(request)

    def send_now(self, request: PreparingRequest) -> bool:
        """Prepare and send the whole response without waiting, if it can be; else False.

        The connection calls this first with every response a handler returns:
        one that is already known in full and needs nothing awaited (see
        :meth:`Response.send_now`) leaves in one write, with no coroutine at
        all. False leaves the response untouched, for ``await prepare()`` and
        ``await write_eof()``; a streamed response's body is the handler's to
        write, so here it is always False.
        """
        return False

    async def _start(self, request: PreparingRequest) -> AbstractStreamWriter:
        self._req = request
        writer = self._payload_writer = request.writer
        try:
            if self._compression:
                await self._start_compression(request)
            self._prepare_headers(request, writer)
            await request.run_prepare_hooks(self)
            await self._write_headers(request, writer)
        except Exception:
            # Nothing was queued (an unsafe header, a failing on_response_prepare
            # receiver...): the response stays unprepared, so the connection can
            # still answer 500 instead of closing without a byte.
            self._payload_writer = self._req = None
            raise
        return writer

    def _prepare_headers(self, request: PreparingRequest, writer: AbstractStreamWriter) -> None:
        """The head's fields before the signals see it: cookies, framing, defaults.

        The framing itself (no body, chunks or a length; the ``Connection`` field) is
        http-parser's (:func:`frame_body`, :func:`say_persistence`); the fields
        between are this response's, in aiohttp's order.
        """
        version = request.version
        keep_alive = self._keep_alive
        if keep_alive is None:
            keep_alive = request.keep_alive
        headers = self._headers

        if self._cookies:
            for morsel in self._cookies.values():
                headers.add(_SET_COOKIE, morsel.OutputString())

        no_body = self._must_be_empty_body
        chunked = self._chunked
        length_check = self._length_check
        length = self.content_length if length_check and not (no_body or chunked) else None
        keep_alive = frame_body(
            writer,
            headers,
            version,
            keep_alive=keep_alive,
            no_body=no_body,
            chunked=chunked,
            length_check=length_check,
            content_length=length,
            drop_length=(
                no_body
                and _CONTENT_LENGTH in headers
                and drop_content_length(request.method, self._status)
            ),
        )
        if not no_body and (chunked or (length_check and length != 0)):
            # RFC 9110 8.3: a sender should say what a non-empty body is.
            headers.setdefault(_CONTENT_TYPE, DEFAULT_CONTENT_TYPE)
        headers.setdefault(_DATE, rfc822_now())
        headers.setdefault(_SERVER, SERVER_SOFTWARE)
        say_persistence(headers, version, keep_alive)
        self._keep_alive = keep_alive

    async def _start_compression(self, request: PreparingRequest) -> None:
        if self._compression_force is not None:
            await self._do_start_compression(self._compression_force)
            return
        coding = select_coding(request.headers.get("Accept-Encoding", ""))
        await self._do_start_compression(coding)

    async def _do_start_compression(self, coding: ContentCoding) -> None:
        if coding is ContentCoding.identity:
            return
        if self._payload_writer is None:  # pragma: no cover - only called from prepare()
            raise RuntimeError("Response has not been started")
        self._headers[_CONTENT_ENCODING] = coding.value
        self._payload_writer.enable_compression(coding.value, self._compression_strategy)
        # The compressed length is unknown until the end: frame by chunks or close instead.
        self._headers.popall(_CONTENT_LENGTH, None)

    def _status_line(self, version: HttpVersion) -> str:
        return f"HTTP/{version.major}.{version.minor} {self._status} {self._reason}"

    async def _write_headers(self, request: PreparingRequest, writer: AbstractStreamWriter) -> None:
        await writer.write_headers(self._status_line(request.version), self._headers)
        if self._send_headers_immediately:
            writer.send_headers()

    async def write(self, data: bytes | bytearray | memoryview) -> None:
        """Send a piece of the body; ``prepare()`` must have been awaited."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data argument must be byte-ish ({type(data)!r})")
        if self._eof_sent:
            raise RuntimeError("Cannot call write() after write_eof()")
        if self._payload_writer is None:
            raise RuntimeError("Cannot call write() before prepare()")
        await self._payload_writer.write(data)

    async def drain(self) -> None:
        warnings.warn(
            "drain method is deprecated, use await resp.write()", DeprecationWarning, stacklevel=2
        )
        if self._payload_writer is None:
            raise RuntimeError("Response has not been started")
        await self._payload_writer.drain()

    async def write_eof(self, data: bytes | bytearray | memoryview = b"") -> None:
        """End the body (sending ``data`` last); later calls do nothing."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data argument must be byte-ish ({type(data)!r})")
        if self._eof_sent:
            return
        writer = self._payload_writer
        if writer is None:
            raise RuntimeError("Response has not been started")
        await writer.write_eof(data if isinstance(data, bytes) else bytes(data))
        self._eof_sent = True
        self._req = None
        self._body_length = writer.output_size
        self._payload_writer = None

    # -- identity, state and repr ------------------------------------------------------------

    def __repr__(self) -> str:
        if self._eof_sent:
            info = "eof"
        elif self._req is not None:
            info = f"{self._req.method} {self._req.path} "
        else:
            info = "not prepared"
        return f"<{self.__class__.__name__} {self.reason} {info}>"

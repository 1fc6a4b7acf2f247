"""``BaseRequest``: one HTTP request as a handler sees it, without routing.

Everything derived from the head is computed lazily and cached, because most
handlers touch only a few attributes and the request is built for every
message on the hot path.
"""

from __future__ import annotations

import asyncio
import datetime
import functools
import json
import socket
import warnings
from collections.abc import Callable, Mapping
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, Self, TypeVar
from urllib.parse import parse_qsl

from multidict import CIMultiDict, CIMultiDictProxy, MultiDict, MultiDictProxy
from yarl import URL

from aiostrata.http_parser import (
    EMPTY_PAYLOAD,
    AbstractStreamWriter,
    DecodingStreamReader,
    HttpVersion,
    RawHeaders,
    RawRequestMessage,
    StreamReader,
)
from aiostrata.http_parser.header_grammar import parse_content_type
from aiostrata.web_response import (
    ETag,
    HTTPBadRequest,
    HTTPRequestEntityTooLarge,
    StateDict,
    StateMapping,
    StreamResponse,
)

from .conditional_headers import parse_etags, parse_range, single_http_date
from .cookie_header import parse_cookie_header
from .forwarded import parse_forwarded
from .interfaces import ConnectionInfo

if TYPE_CHECKING:
    from aiostrata.http_parser import MultipartReader

__all__ = ("BaseRequest",)

_T = TypeVar("_T")

# Methods whose body ``post()`` parses as a form (aiohttp's list).
_POST_METHODS: Final = frozenset({"PATCH", "POST", "PUT", "TRACE", "DELETE"})
_FORM_TYPES: Final = frozenset({"", "application/x-www-form-urlencoded", "multipart/form-data"})
_sentinel: Any = object()
# Fields ``post()`` accepts in one form (aiohttp 3.14's ``client_max_fields``); 0 or less: no bound.
DEFAULT_MAX_FIELDS: Final = 1000


_UNBOUNDED: Final = 2**62
_NO_PARAMS: Final[Mapping[str, str]] = MappingProxyType({})


def _parse_content_type(header: str | None) -> tuple[str, Mapping[str, str]]:
    """Split a Content-Type into its lower-cased media type and its parameters.

    Read by the shared header grammar (an invalid type is text/plain, as aiohttp
    reads it); the same few values repeat, so short ones are turned into a
    read-only mapping once.
    """
    if not header:
        return "application/octet-stream", _NO_PARAMS
    if len(header) <= 256:
        return _parse_content_type_cached(header)
    return _parse_content_type_uncached(header)


def _parse_content_type_uncached(header: str) -> tuple[str, Mapping[str, str]]:
    media, params = parse_content_type(header)
    return media, MappingProxyType(dict(params)) if params else _NO_PARAMS


_parse_content_type_cached = functools.lru_cache(maxsize=256)(_parse_content_type_uncached)


class BaseRequest(StateMapping):
    """An incoming request; a dict-like bag of state shared with middlewares."""

    ATTRS: Final = frozenset(
        {"_message", "_protocol", "_payload_writer", "_payload", "_headers", "_method"}
    )

    def __init__(
        self,
        message: RawRequestMessage,
        payload: StreamReader,
        protocol: ConnectionInfo,
        payload_writer: AbstractStreamWriter,
        task: asyncio.Task[Any] | None,
        loop: asyncio.AbstractEventLoop,
        *,
        client_max_size: int = 1024**2,
        client_max_fields: int = DEFAULT_MAX_FIELDS,
        state: StateDict | None = None,
        scheme: str | None = None,
        host: str | None = None,
        remote: str | None = None,
    ) -> None:
        url = message.url
        # One dict update instead of a __setattr__ call per attribute: Request's
        # __setattr__ (which warns about custom attributes) is costly on this hot path.
        # Attributes that are nearly always None stay the class's until set.
        attributes = self.__dict__
        attributes.update(
            _message=message,
            _protocol=protocol,
            _payload_writer=payload_writer,
            _payload=payload,
            _headers=message.headers,
            _method=message.method,
            _version=message.version,
            _rel_url=url,
            _state={} if state is None else state,
            _task=task,
            _loop=loop,
            _client_max_size=client_max_size,
        )
        if client_max_fields != DEFAULT_MAX_FIELDS:
            attributes["_client_max_fields"] = client_max_fields
        if url.absolute:
            attributes["_absolute_url"] = url
            attributes["_rel_url"] = url.relative()
        if scheme is not None:
            attributes["_scheme_override"] = scheme
        if host is not None:
            attributes["_host_override"] = host
        if remote is not None:
            attributes["_remote_override"] = remote

    _absolute_url: URL | None = None
    _client_max_fields: int = DEFAULT_MAX_FIELDS
    _read_bytes: bytes | None = None
    _post: MultiDictProxy[Any] | None = None
    _scheme_override: str | None = None
    _host_override: str | None = None
    _remote_override: str | None = None

    # Declared for type checkers; set in __init__ through __dict__.
    _message: RawRequestMessage
    _protocol: ConnectionInfo
    _payload_writer: AbstractStreamWriter
    _payload: StreamReader
    _headers: CIMultiDictProxy[str]
    _method: str
    _version: HttpVersion
    _rel_url: URL
    _state: StateDict
    _task: asyncio.Task[Any] | None
    _loop: asyncio.AbstractEventLoop
    _client_max_size: int

    def clone(
        self,
        *,
        method: str = _sentinel,
        rel_url: URL | str = _sentinel,
        headers: Mapping[str, str] = _sentinel,
        scheme: str = _sentinel,
        host: str = _sentinel,
        remote: str = _sentinel,
        client_max_size: int = _sentinel,
        client_max_fields: int = _sentinel,
    ) -> Self:
        """A copy with some attributes replaced; body and connection are shared."""
        if self._read_bytes is not None:
            raise RuntimeError("Cannot clone request after reading its content")
        changes: dict[str, Any] = {}
        if method is not _sentinel:
            changes["method"] = method
        if rel_url is not _sentinel:
            new_url = URL(rel_url)
            changes["url"] = new_url
            changes["path"] = str(new_url)
        if headers is not _sentinel:
            new_headers = CIMultiDictProxy(CIMultiDict(headers))
            changes["headers"] = new_headers
            changes["raw_headers"] = tuple(
                (k.encode("utf-8"), v.encode("utf-8")) for k, v in new_headers.items()
            )
        return self._clone_with(
            self._message._replace(**changes),
            scheme=self._scheme_override if scheme is _sentinel else scheme,
            host=self._host_override if host is _sentinel else host,
            remote=self._remote_override if remote is _sentinel else remote,
            client_max_size=(
                self._client_max_size if client_max_size is _sentinel else client_max_size
            ),
            client_max_fields=(
                self._client_max_fields if client_max_fields is _sentinel else client_max_fields
            ),
        )

    def _clone_with(
        self,
        message: RawRequestMessage,
        *,
        scheme: str | None,
        host: str | None,
        remote: str | None,
        client_max_size: int,
        client_max_fields: int = DEFAULT_MAX_FIELDS,
    ) -> Self:
        return self.__class__(
            message,
            self._payload,
            self._protocol,
            self._payload_writer,
            self._task,
            self._loop,
            client_max_size=client_max_size,
            client_max_fields=client_max_fields,
            state=self._state.copy(),
            scheme=scheme,
            host=host,
            remote=remote,
        )

    # -- connection --------------------------------------------------------

    @property
    def task(self) -> asyncio.Task[Any] | None:
        return self._task

    @property
    def protocol(self) -> ConnectionInfo:
        return self._protocol

    @property
    def transport(self) -> asyncio.Transport | None:
        return self._protocol.transport

    @property
    def writer(self) -> AbstractStreamWriter:
        return self._payload_writer

    def set_writer(self, writer: AbstractStreamWriter) -> None:
        """Send the responses prepared from now on through ``writer``.

        The connection (web_runner) calls it to answer 500 through a fresh writer
        when a response failed after setting the old one's framing. Stored without
        ``Request.__setattr__``'s check for custom attributes.
        """
        self.__dict__["_payload_writer"] = writer

    def without_hooks(self, writer: AbstractStreamWriter) -> BaseRequest:
        """A bare request for the same message and connection, writing through ``writer``.

        It has no body, no state and no prepare hooks: the connection (web_runner)
        answers 500 through it when an ``on_response_prepare`` receiver failed for
        the error response too.
        """
        return BaseRequest(self._message, EMPTY_PAYLOAD, self._protocol, writer, None, self._loop)

    @property
    def client_max_size(self) -> int:
        return self._client_max_size

    @property
    def client_max_fields(self) -> int:
        """Fields ``post()`` accepts in one form, urlencoded or multipart (else 413); 0: any."""
        return self._client_max_fields

    @property
    def message(self) -> RawRequestMessage:
        warnings.warn("Request.message is deprecated", DeprecationWarning, stacklevel=2)
        return self._message

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        warnings.warn("request.loop property is deprecated", DeprecationWarning, stacklevel=2)
        return self._loop

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        transport = self._protocol.transport
        if transport is None:
            return default
        return transport.get_extra_info(name, default)

    # -- the request line ----------------------------------------------------

    @property
    def version(self) -> HttpVersion:
        return self._version

    @property
    def method(self) -> str:
        return self._method

    @cached_property
    def scheme(self) -> str:
        """'https' on a TLS transport, else 'http' (never taken from the request itself)."""
        if self._scheme_override is not None:
            return self._scheme_override
        return "https" if self.get_extra_info("sslcontext") else "http"

    @property
    def secure(self) -> bool:
        return self.scheme == "https"

    @cached_property
    def host(self) -> str:
        """The override, else the absolute-form target's authority, else Host, else our address.

        RFC 9112 3.2.2: with an absolute-form target the Host header is ignored.
        Without any (HTTP/1.0), the address the connection arrived on, as aiohttp
        answers today; never ``socket.getfqdn()``, a DNS lookup that could block
        the event loop for seconds.
        """
        if self._host_override is not None:
            return self._host_override
        if self._absolute_url is not None:
            authority = self._absolute_url.raw_authority
            if authority:
                return authority
        host = self._headers.get("Host")
        if host is not None:
            return host
        sockname = self.get_extra_info("sockname")
        if isinstance(sockname, (list, tuple)) and sockname:
            address = str(sockname[0])
            return f"[{address}]" if ":" in address else address
        return socket.gethostname()

    @cached_property
    def remote(self) -> str | None:
        if self._remote_override is not None:
            return self._remote_override
        peername = self.get_extra_info("peername")
        if isinstance(peername, (list, tuple)):
            return str(peername[0])
        return None if peername is None else str(peername)

    @cached_property
    def url(self) -> URL:
        rel = self._rel_url
        return URL.build(
            scheme=self.scheme,
            authority=self.host,
            path=rel.raw_path,
            query_string=rel.raw_query_string,
            encoded=True,
        )

    @property
    def rel_url(self) -> URL:
        return self._rel_url

    @property
    def path(self) -> str:
        return self._rel_url.path

    @property
    def raw_path(self) -> str:
        return self._message.path

    @property
    def path_qs(self) -> str:
        return str(self._rel_url)

    @property
    def query(self) -> MultiDictProxy[str]:
        return self._rel_url.query

    @property
    def query_string(self) -> str:
        return self._rel_url.query_string

    # -- headers -------------------------------------------------------------

    @property
    def headers(self) -> CIMultiDictProxy[str]:
        return self._headers

    @property
    def raw_headers(self) -> RawHeaders:
        return self._message.raw_headers

    @property
    def keep_alive(self) -> bool:
        """Whether the connection may carry another request after this one's answer.

        Never after an upgrade request: accepted (101), the connection belongs to
        the new protocol; declined, the server closes it, and the answer must say
        ``Connection: close`` so that a keep-alive client does not reuse it.
        """
        message = self._message
        return not (message.should_close or message.upgrade)

    @cached_property
    def forwarded(self) -> tuple[MappingProxyType[str, str], ...]:
        return parse_forwarded(self._headers.getall("Forwarded", []))

    @cached_property
    def cookies(self) -> Mapping[str, str]:
        cookies: dict[str, str] = {}
        for header in self._headers.getall("Cookie", []):
            for name, value in parse_cookie_header(header).items():
                cookies.setdefault(name, value)
        return MappingProxyType(cookies)

    @cached_property
    def _content_type_parts(self) -> tuple[str, Mapping[str, str]]:
        return _parse_content_type(self._headers.get("Content-Type"))

    @property
    def content_type(self) -> str:
        return self._content_type_parts[0]

    @property
    def charset(self) -> str | None:
        return self._content_type_parts[1].get("charset")

    @property
    def content_length(self) -> int | None:
        value = self._headers.get("Content-Length")
        return None if value is None else int(value)

    @property
    def http_range(self) -> slice:
        return parse_range(self._headers.get("Range"))

    @property
    def if_modified_since(self) -> datetime.datetime | None:
        """The If-Modified-Since date; None when absent, invalid or repeated (RFC 9110 13.1.3)."""
        return single_http_date(self._headers.getall("If-Modified-Since", []))

    @property
    def if_unmodified_since(self) -> datetime.datetime | None:
        """The If-Unmodified-Since date; None when absent, invalid or repeated (13.1.4)."""
        return single_http_date(self._headers.getall("If-Unmodified-Since", []))

    @property
    def if_range(self) -> datetime.datetime | None:
        """The If-Range date; None when absent, an entity tag, invalid or repeated (13.1.5)."""
        return single_http_date(self._headers.getall("If-Range", []))

    @property
    def if_match(self) -> tuple[ETag, ...] | None:
        return parse_etags(self._headers.get("If-Match"))

    @property
    def if_none_match(self) -> tuple[ETag, ...] | None:
        return parse_etags(self._headers.get("If-None-Match"))

    # -- body ----------------------------------------------------------------

    @property
    def content(self) -> StreamReader:
        return self._payload

    @property
    def body_exists(self) -> bool:
        return self._message.chunked or bool(self.content_length)

    @property
    def can_read_body(self) -> bool:
        return not self._payload.at_eof()

    @property
    def has_body(self) -> bool:
        warnings.warn("Deprecated, use .can_read_body #2005", DeprecationWarning, stacklevel=2)
        return not self._payload.at_eof()

    async def release(self) -> None:
        """Read and discard what is left of the body.

        A compressed body is discarded as it came, never inflated: releasing must
        not cost the decompression a bomb asks for (GHSA-g3cq-j2xw-wf74's class).
        """
        payload = self._payload
        if isinstance(payload, DecodingStreamReader):
            payload = payload.raw
        while not payload.at_eof():
            await payload.readany()

    async def read(self) -> bytes:
        """The whole body, at most ``client_max_size`` bytes (else 413), cached."""
        if self._read_bytes is None:
            limit = self._client_max_size
            declared = self.content_length
            if limit and declared is not None and declared > limit:
                raise HTTPRequestEntityTooLarge(max_size=limit, actual_size=declared)
            payload = self._payload
            first = await payload.readany()
            if payload.at_eof():  # the usual small body: one piece, no copy
                if limit and len(first) > limit:
                    raise HTTPRequestEntityTooLarge(max_size=limit, actual_size=len(first))
                self._read_bytes = first
                return first
            body = bytearray(first)
            if limit and len(body) > limit:
                raise HTTPRequestEntityTooLarge(max_size=limit, actual_size=len(body))
            while True:
                chunk = await payload.readany()
                if not chunk:
                    break
                body.extend(chunk)
                if limit and len(body) > limit:
                    raise HTTPRequestEntityTooLarge(max_size=limit, actual_size=len(body))
            self._read_bytes = bytes(body)
        return self._read_bytes

    async def text(self) -> str:
        """The body decoded with the declared charset, else UTF-8; undecodable is a 400."""
        body = await self.read()
        encoding = self.charset or "utf-8"
        try:
            return body.decode(encoding)
        except LookupError:
            raise HTTPBadRequest(text=f"Unknown charset: {encoding[:64]!r}") from None
        except UnicodeDecodeError:
            raise HTTPBadRequest(text=f"Request body is not valid {encoding}") from None

    async def json(self, *, loads: Callable[[str], Any] = json.loads) -> Any:
        return loads(await self.text())

    async def multipart(self) -> MultipartReader:
        """A streaming reader of a multipart body; a missing or bad boundary is a 400."""
        return self._multipart_reader(None)

    def _multipart_reader(self, max_parts: int | None) -> MultipartReader:
        """``multipart()``, with ``max_parts`` for the reader's bound on parts (0 or less: none)."""
        from aiostrata.http_parser import MultipartError, MultipartLimits, MultipartReader

        limits = None
        if max_parts is not None:
            limits = MultipartLimits(max_parts=max_parts if max_parts > 0 else _UNBOUNDED)
        try:
            return MultipartReader(self._headers, self._payload, limits=limits)
        except MultipartError as exc:
            raise HTTPBadRequest(text=exc.message) from exc

    async def post(self) -> MultiDictProxy[Any]:
        """The fields of a urlencoded or multipart/form-data body, cached; else empty."""
        if self._post is not None:
            return self._post
        if self._method not in _POST_METHODS or self.content_type not in _FORM_TYPES:
            self._post = MultiDictProxy(MultiDict())
            return self._post
        if self.content_type == "multipart/form-data":
            from .multipart_form import read_multipart_form  # with the first form

            reader = self._multipart_reader(self._client_max_fields)
            self._post = MultiDictProxy(
                await read_multipart_form(
                    reader, self._client_max_size, self._loop, self._client_max_fields
                )
            )
            return self._post
        data = await self.read()
        charset = self.charset or "utf-8"
        try:
            text = data.decode(charset)
        except (UnicodeDecodeError, LookupError):
            raise HTTPBadRequest(text="Malformed form body") from None
        max_fields = self._client_max_fields
        # Counted as parse_qsl counts (one more than the separators), before parsing.
        if 0 < max_fields < text.count("&") + 1:
            raise HTTPRequestEntityTooLarge(
                max_size=max_fields,
                actual_size=text.count("&") + 1,
                text=f"Maximum number of form fields {max_fields} exceeded",
            )
        try:
            pairs = parse_qsl(text, keep_blank_values=True, encoding=charset, errors="strict")
        except (UnicodeDecodeError, LookupError, ValueError):
            raise HTTPBadRequest(text="Malformed form body") from None
        self._post = MultiDictProxy(MultiDict(pairs))
        return self._post

    async def run_prepare_hooks(self, response: StreamResponse) -> None:
        """Run what must happen before ``response``'s head is written (web_response calls it).

        Part of ``web_response.PreparingRequest``; a bare request has nothing to run,
        a routed :class:`Request` sends each application's ``on_response_prepare``.
        """

    def has_prepare_hooks(self) -> bool:
        """Whether ``run_prepare_hooks`` has work to do before a response's head is written.

        False lets a response that needs nothing else be sent without awaiting it
        (``Response.send_now``). A subclass that overrides the hook is assumed to use it.
        """
        return type(self).run_prepare_hooks is not BaseRequest.run_prepare_hooks

    # -- mapping and identity ------------------------------------------------

    def __repr__(self) -> str:
        path = self.path.encode("ascii", "backslashreplace").decode("ascii")
        return f"<{type(self).__name__} {self._method} {path} >"

"""Requests and coroutines for unit tests that need no socket.

``make_mocked_request`` builds a real ``aiostrata.web.Request`` around fakes of what a
connection would give it (transport, protocol, response writer), so a handler or middleware
can be called directly, ``await handler(request)``, and a response prepared against it.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Mapping
from typing import Any, Final
from unittest import mock

from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from aiostrata.http_parser import (
    EMPTY_PAYLOAD,
    AbstractStreamWriter,
    HttpVersion,
    RawRequestMessage,
    StreamReader,
)
from aiostrata.web import AbstractRoute, Application, Request, UrlMappingMatchInfo

__all__ = ("make_mocked_coro", "make_mocked_request")


class _Sentinel:
    """The default of an argument whose ``None`` means something else."""

    def __repr__(self) -> str:
        return "<default>"


_DEFAULT: Final[Any] = _Sentinel()


def make_mocked_coro(return_value: Any = _DEFAULT, raise_exception: Any = _DEFAULT) -> mock.Mock:
    """A ``Mock`` that, called, returns a coroutine giving ``return_value`` (or raising).

    The mock records its calls as usual (``assert_called_once_with`` ...), while the code under
    test awaits what it returns; it stands in for an ``async def`` function or method.
    """

    async def coroutine(*args: Any, **kwargs: Any) -> Any:
        if raise_exception is not _DEFAULT:
            raise raise_exception
        if return_value is _DEFAULT:
            return None
        return return_value

    return mock.Mock(wraps=coroutine)


def _fake_transport(sslcontext: ssl.SSLContext | None) -> mock.Mock:
    """A transport that answers ``get_extra_info(name, default)`` as a real one would.

    Only ``sslcontext`` has a value (the one given, so ``request.secure`` follows it); every
    other name gives the caller's default, so ``request.remote`` is None.
    """
    transport = mock.Mock(spec=asyncio.Transport)

    def get_extra_info(name: str, default: Any = None) -> Any:
        if name == "sslcontext":
            return sslcontext if sslcontext is not None else default
        return default

    transport.get_extra_info.side_effect = get_extra_info
    transport.is_closing.return_value = False
    return transport


def _fake_writer(transport: Any) -> mock.Mock:
    """A response writer whose awaited methods are coroutines that do nothing.

    Nothing is sent anywhere: a test prepares a response to see its status and headers.
    """
    writer = mock.Mock(spec=AbstractStreamWriter)
    writer.write_headers = make_mocked_coro(None)
    writer.write = make_mocked_coro(None)
    writer.write_eof = make_mocked_coro(None)
    writer.drain = make_mocked_coro(None)
    writer.buffer_size = 0
    writer.output_size = 0
    writer.length = None
    writer.transport = transport
    return writer


def _current_loop_or_fake() -> asyncio.AbstractEventLoop:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        loop = mock.Mock(spec=asyncio.AbstractEventLoop)
        loop.create_future.return_value = ()
        return loop


def make_mocked_request(
    method: str,
    path: str,
    headers: Mapping[str, str] | CIMultiDict[str] | None = None,
    *,
    match_info: Mapping[str, str] | Any = _DEFAULT,
    version: HttpVersion = HttpVersion(1, 1),  # noqa: B008 - an immutable named tuple
    closing: bool = False,
    app: Application | None = None,
    writer: AbstractStreamWriter | Any = _DEFAULT,
    protocol: Any = _DEFAULT,
    transport: Any = _DEFAULT,
    payload: StreamReader | Any = EMPTY_PAYLOAD,
    sslcontext: ssl.SSLContext | None = None,
    client_max_size: int = 1024**2,
    client_max_fields: int = 1000,
    loop: Any = ...,
) -> Request:
    """A ``Request`` for ``method path``, as if it had arrived and been routed.

    ``match_info`` are the path variables (``request.match_info``); ``app`` the application
    (a new empty one by default, so ``request.app[key]`` works); ``payload`` the body stream
    (an empty body by default); ``sslcontext`` makes the request ``secure``. ``transport``,
    ``protocol`` and ``writer`` replace the fakes of the connection; ``loop`` defaults to the
    running loop, or a mock outside one. An HTTP/1.0 request is always ``closing``.
    """
    if version < HttpVersion(1, 1):
        closing = True
    header_view = CIMultiDictProxy(CIMultiDict(headers or {}))
    raw_headers = tuple(
        (name.encode("utf-8"), value.encode("utf-8")) for name, value in header_view.items()
    )
    chunked = "chunked" in header_view.get("Transfer-Encoding", "").lower()
    message = RawRequestMessage(
        method,
        path,
        version,
        header_view,
        raw_headers,
        closing,
        None,
        False,
        chunked,
        URL(path),
    )
    if app is None:
        app = Application()
    if transport is _DEFAULT:
        transport = _fake_transport(sslcontext)
    if protocol is _DEFAULT:
        protocol = mock.Mock()
    if writer is _DEFAULT:
        writer = _fake_writer(transport)
    protocol.transport = transport
    protocol.writer = writer
    if loop is ...:
        loop = _current_loop_or_fake()
    request = Request(
        message,
        payload,
        protocol,
        writer,
        mock.Mock(),
        loop,
        client_max_size=client_max_size,
        client_max_fields=client_max_fields,
    )
    route = mock.Mock(spec=AbstractRoute)
    matched = UrlMappingMatchInfo({} if match_info is _DEFAULT else dict(match_info), route)
    matched.add_app(app)
    request.set_match_info(matched)
    return request

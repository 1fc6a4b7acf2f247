"""What a response needs from the request it answers.

Responses live below requests in the package graph, so they see the request
only through this protocol.
"""

from __future__ import annotations

import asyncio
import datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from multidict import CIMultiDictProxy

from aiostrata.http_parser import AbstractStreamWriter, HttpVersion

if TYPE_CHECKING:
    from .etag import ETag
    from .stream_response import StreamResponse


class PreparingRequest(Protocol):
    """The request side of ``StreamResponse.prepare(request)``.

    Satisfied by ``aiostrata.web_request.BaseRequest`` (and so ``Request``).
    ``writer`` is the connection's writer for this response, and
    ``run_prepare_hooks(response)`` runs the applications' ``on_response_prepare``
    signals before the head is written; ``has_prepare_hooks()`` says whether
    there is any, so that a response with nothing to wait for can be sent at
    once (``Response.send_now``). ``path`` is only read by ``repr(response)``,
    ``task`` only by ``response.task``.
    """

    @property
    def version(self) -> HttpVersion: ...

    @property
    def method(self) -> str: ...

    @property
    def keep_alive(self) -> bool: ...

    @property
    def path(self) -> str: ...

    @property
    def headers(self) -> CIMultiDictProxy[str]: ...

    @property
    def task(self) -> asyncio.Task[None] | None: ...

    @property
    def writer(self) -> AbstractStreamWriter: ...

    async def run_prepare_hooks(self, response: StreamResponse) -> None: ...

    def has_prepare_hooks(self) -> bool: ...


class ConditionalRequest(PreparingRequest, Protocol):
    """The request side of ``FileResponse.prepare(request)``: validators and ranges.

    Satisfied by ``aiostrata.web_request.BaseRequest`` (and so ``Request``), whose
    properties parse ``Range`` (ASCII digits only; raising ``ValueError`` when
    malformed), ``If-Match``/``If-None-Match`` (None when absent) and the
    HTTP-date fields (None when absent or invalid).
    """

    @property
    def http_range(self) -> slice: ...

    @property
    def if_match(self) -> tuple[ETag, ...] | None: ...

    @property
    def if_none_match(self) -> tuple[ETag, ...] | None: ...

    @property
    def if_modified_since(self) -> datetime.datetime | None: ...

    @property
    def if_unmodified_since(self) -> datetime.datetime | None: ...

    @property
    def if_range(self) -> datetime.datetime | None: ...


class UpgradedReceiver(Protocol):
    """Takes the bytes of a connection once it has left HTTP (RFC 9110 7.8 Upgrade).

    Satisfied by the WebSocket response's inbox; the connection calls it with every
    byte received after the upgraded request's head, then once with the end.
    """

    def feed_data(self, data: bytes) -> None: ...

    def feed_eof(self) -> None: ...

    def connection_lost(self, exc: BaseException | None) -> None: ...


@runtime_checkable
class UpgradableConnection(Protocol):
    """The connection side of ``WebSocketResponse.prepare(request)``: ``request.protocol``.

    Satisfied by ``aiostrata.web_runner.RequestHandler``. ``transport`` is None once the
    connection is lost; ``writer_drain`` waits while the write buffer is full;
    ``pause_reading``/``resume_reading`` apply back-pressure from the message queue;
    ``set_upgraded_receiver`` hands every later byte (and the ones already buffered)
    to ``receiver`` instead of the HTTP parser.
    """

    @property
    def transport(self) -> asyncio.Transport | None: ...

    async def writer_drain(self) -> None: ...

    def pause_reading(self) -> None: ...

    def resume_reading(self) -> None: ...

    def set_upgraded_receiver(self, receiver: UpgradedReceiver) -> None: ...


@runtime_checkable
class UpgradableRequest(Protocol):
    """A request whose connection may leave HTTP: what ``WebSocketResponse.prepare`` asks for.

    Satisfied by ``aiostrata.web_request.BaseRequest``: ``protocol`` is the connection
    the request arrived on, which must also be an :class:`UpgradableConnection` for the
    upgrade to go ahead (``web_runner.RequestHandler`` is; a test's fake may not be).
    ``WebSocketResponse.prepare`` keeps ``StreamResponse.prepare``'s parameter type, so
    this is checked when it runs.
    """

    @property
    def protocol(self) -> object: ...

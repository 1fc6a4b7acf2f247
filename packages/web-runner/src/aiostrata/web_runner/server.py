"""The low-level ``web.Server``: a protocol factory that tracks its connections."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiostrata.http_parser import AbstractStreamWriter, RawRequestMessage, StreamReader
from aiostrata.web_app import register_protocol_factory
from aiostrata.web_request import BaseRequest
from aiostrata.web_response import StreamResponse

if TYPE_CHECKING:
    from .request_handler import RequestHandler

__all__ = ("Server",)

RequestFactory = Callable[
    [
        RawRequestMessage,
        StreamReader,
        "RequestHandler",
        AbstractStreamWriter,
        "asyncio.Task[Any] | None",
    ],
    BaseRequest,
]


# The connection protocol, and the request parser under it, are imported when the first
# Server is made (at runner setup), not with the package, and kept here.
_request_handler_class: type[RequestHandler] | None = None


def _load_request_handler() -> type[RequestHandler]:
    global _request_handler_class
    from .request_handler import RequestHandler

    _request_handler_class = RequestHandler
    return RequestHandler


class Server:
    """Serves ``handler(request) -> StreamResponse`` on every connection it makes.

    Used directly for a low-level server with no application, routing or
    middlewares; ``AppRunner`` builds one around ``Application._handle``.
    """

    def __init__(
        self,
        handler: Callable[[BaseRequest], Awaitable[StreamResponse]],
        *,
        request_factory: RequestFactory | None = None,
        handler_cancellation: bool = False,
        loop: asyncio.AbstractEventLoop | None = None,
        **kwargs: Any,
    ) -> None:
        self._loop = loop if loop is not None else asyncio.get_running_loop()
        self._protocol_class = _request_handler_class or _load_request_handler()
        self._connections: dict[RequestHandler, asyncio.Transport] = {}
        self._kwargs = kwargs
        self._requests_count = 0
        self.request_handler = handler
        self.request_factory: RequestFactory = request_factory or self._make_request
        self.handler_cancellation = handler_cancellation
        self._closing = False

    @property
    def connections(self) -> list[RequestHandler]:
        return list(self._connections)

    @property
    def requests_count(self) -> int:
        """Requests served since the server was made, over all its connections."""
        return self._requests_count

    def _count_request(self) -> None:
        self._requests_count += 1

    def connection_made(self, handler: RequestHandler, transport: asyncio.Transport) -> None:
        self._connections[handler] = transport

    def connection_lost(self, handler: RequestHandler, exc: BaseException | None = None) -> None:
        self._connections.pop(handler, None)

    def _make_request(
        self,
        message: RawRequestMessage,
        payload: StreamReader,
        protocol: RequestHandler,
        writer: AbstractStreamWriter,
        task: asyncio.Task[Any] | None,
    ) -> BaseRequest:
        return BaseRequest(message, payload, protocol, writer, task, self._loop)

    def pre_shutdown(self) -> None:
        """Stop new requests on every connection; in-flight ones still finish."""
        self._closing = True
        for connection in self._connections:
            connection.close()

    async def shutdown(self, timeout: float | None = None) -> None:
        """Let in-flight requests finish within ``timeout``, then close every connection."""
        self._closing = True
        connections = list(self._connections)
        if connections:
            await asyncio.gather(*(conn.shutdown(timeout) for conn in connections))
        self._connections.clear()

    def __call__(self) -> RequestHandler:
        handler = self._protocol_class(self, loop=self._loop, **self._kwargs)
        if self._closing:
            handler.close()
        return handler


register_protocol_factory(Server)

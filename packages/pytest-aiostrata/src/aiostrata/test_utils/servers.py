"""Test servers: an application or a bare handler served on a free loopback port.

They behave as ``aiohttp.test_utils``' servers do, but run aiostrata's runner, so a suite that
served an aiohttp app in its tests serves the same app, switched to ``aiostrata.web``, here.
The socket is bound before the site starts, so the port is known (and reserved) at once.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Self

from yarl import URL

from aiostrata.web import (
    Application,
    AppRunner,
    BaseRequest,
    BaseRunner,
    Server,
    ServerRunner,
    SockSite,
    StreamResponse,
)

__all__ = ("BaseTestServer", "RawTestServer", "TestServer", "get_port_socket")

SocketFactory = Callable[[str, int, socket.AddressFamily], socket.socket]


def get_port_socket(
    host: str, port: int, family: socket.AddressFamily = socket.AF_INET
) -> socket.socket:
    """A socket bound to (host, port), ready to listen; port 0 picks a free one."""
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        # Rebinding a port a test just used must not wait out TIME_WAIT.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def _family_of(host: str) -> socket.AddressFamily:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return socket.AF_INET  # a name such as "localhost": resolved by bind() as IPv4
    return socket.AF_INET6 if address.version == 6 else socket.AF_INET


class BaseTestServer(ABC):
    """Serves something on ``host:port`` between :meth:`start_server` and :meth:`close`.

    ``port=None`` (the default) takes a free port; ``scheme`` defaults to ``https`` when
    ``start_server(ssl=...)`` gets a context, else ``http``. ``make_url(path)`` joins a
    relative path to the server's root URL; ``skip_url_asserts=True`` lets it take anything,
    pasted as is (for tests of odd request targets).
    """

    __test__ = False  # its name starts with "Test": pytest must not collect it

    def __init__(
        self,
        *,
        scheme: str = "",
        host: str = "127.0.0.1",
        port: int | None = None,
        skip_url_asserts: bool = False,
        socket_factory: SocketFactory = get_port_socket,
        loop: asyncio.AbstractEventLoop | None = None,
        **kwargs: Any,
    ) -> None:
        self._loop = loop
        self.runner: BaseRunner[Any] | None = None
        self._root: URL | None = None
        self.host = host
        self.port = port
        self.scheme = scheme
        self.skip_url_asserts = skip_url_asserts
        self.socket_factory = socket_factory
        self._closed = False
        self._ssl: ssl.SSLContext | None = None
        self._kwargs = kwargs

    async def start_server(
        self, loop: asyncio.AbstractEventLoop | None = None, **kwargs: Any
    ) -> None:
        """Set the runner up and listen; a second call does nothing.

        ``ssl=`` takes an ``ssl.SSLContext``; every other keyword (here or given to the
        constructor) goes to the runner and so to the low-level ``Server``, e.g.
        ``shutdown_timeout``, ``access_log`` or ``max_line_size``.
        """
        if self.runner is not None:
            return
        self._loop = loop or self._loop
        self._ssl = kwargs.pop("ssl", None)
        runner = await self._make_runner(handler_cancellation=True, **{**self._kwargs, **kwargs})
        self.runner = runner
        await runner.setup()
        sock = self.socket_factory(self.host, self.port or 0, _family_of(self.host))
        site = SockSite(runner, sock, ssl_context=self._ssl)
        await site.start()
        self.port = sock.getsockname()[1]
        if not self.scheme:
            self.scheme = "https" if self._ssl else "http"
        host = f"[{self.host}]" if _family_of(self.host) == socket.AF_INET6 else self.host
        self._root = URL(f"{self.scheme}://{host}:{self.port}")

    @abstractmethod
    async def _make_runner(self, **kwargs: Any) -> BaseRunner[Any]:
        """The runner that serves this server's application or handler."""

    def make_url(self, path: str | URL) -> URL:
        """The absolute URL of a path on this server (which must be started)."""
        if self._root is None:
            raise RuntimeError("the test server is not started: await start_server() first")
        if self.skip_url_asserts:
            return URL(str(self._root) + str(path))
        url = URL(path)
        if url.absolute:
            raise ValueError(f"make_url() takes a path relative to the server, not {url}")
        return self._root.join(url)

    @property
    def started(self) -> bool:
        return self.runner is not None

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def handler(self) -> Server:
        """The low-level ``Server`` (the protocol factory) of the started runner."""
        server = self.runner.server if self.runner is not None else None
        if server is None:
            raise RuntimeError("the test server is not started")
        return server

    async def close(self) -> None:
        """Stop listening, finish or cancel in-flight handlers, run the cleanup hooks.

        Idempotent; a closed server cannot be started again.
        """
        if self.started and not self.closed:
            assert self.runner is not None  # noqa: S101 - implied by started
            await self.runner.cleanup()
            self._root = None
            self.port = None
            self._closed = True

    async def __aenter__(self) -> Self:
        await self.start_server(loop=self._loop)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()


class TestServer(BaseTestServer):
    """Serves an ``aiostrata.web.Application`` through an ``AppRunner``.

    The application's startup hooks run in :meth:`start_server`, its shutdown and cleanup
    hooks in :meth:`close`.
    """

    def __init__(
        self,
        app: Application,
        *,
        scheme: str = "",
        host: str = "127.0.0.1",
        port: int | None = None,
        **kwargs: Any,
    ) -> None:
        if not isinstance(app, Application):
            raise TypeError(f"TestServer serves an aiostrata.web.Application, not {app!r}")
        self.app = app
        super().__init__(scheme=scheme, host=host, port=port, **kwargs)

    async def _make_runner(self, **kwargs: Any) -> BaseRunner[Any]:
        return AppRunner(self.app, **kwargs)


RawHandler = Callable[[BaseRequest], Awaitable[StreamResponse]]


class RawTestServer(BaseTestServer):
    """Serves a bare ``handler(request) -> response`` through the low-level ``Server``."""

    def __init__(
        self,
        handler: RawHandler,
        *,
        scheme: str = "",
        host: str = "127.0.0.1",
        port: int | None = None,
        **kwargs: Any,
    ) -> None:
        self._handler = handler
        super().__init__(scheme=scheme, host=host, port=port, **kwargs)

    async def _make_runner(self, **kwargs: Any) -> BaseRunner[Any]:
        # A runner's own options (shutdown_timeout) go to it, the rest to the Server.
        runner_options = {"shutdown_timeout": kwargs.pop("shutdown_timeout", 60.0)}
        server = Server(self._handler, loop=asyncio.get_running_loop(), **kwargs)
        return ServerRunner(server, **runner_options)

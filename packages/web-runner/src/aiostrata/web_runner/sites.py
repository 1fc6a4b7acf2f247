"""Sites: where a runner's server listens (TCP, Unix socket, a given socket, named pipe)."""

from __future__ import annotations

import abc
import asyncio
import socket
import ssl as ssl_mod
import warnings
from typing import Any

from .runners import BaseRunner
from .server import Server

__all__ = ("BaseSite", "NamedPipeSite", "SockSite", "TCPSite", "UnixSite")


def _http_url(scheme: str, host: str, port: int) -> str:
    """``scheme://host:port/``, with an IPv6 literal in brackets."""
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"{scheme}://{host}:{port}"


class BaseSite(abc.ABC):
    """One listening endpoint of a runner."""

    __slots__ = ("_backlog", "_runner", "_server", "_shutdown_timeout", "_ssl_context")

    def __init__(
        self,
        runner: BaseRunner[Any],
        *,
        shutdown_timeout: float = 60.0,
        ssl_context: ssl_mod.SSLContext | None = None,
        backlog: int = 128,
    ) -> None:
        if runner.server is None:
            raise RuntimeError("Call runner.setup() before making a site")
        if shutdown_timeout != 60.0:
            warnings.warn(
                "shutdown_timeout should be set on BaseRunner",
                DeprecationWarning,
                stacklevel=2,
            )
            runner.shutdown_timeout = shutdown_timeout
        self._runner = runner
        self._ssl_context = ssl_context
        self._backlog = backlog
        self._shutdown_timeout = shutdown_timeout
        self._server: asyncio.Server | None = None

    @property
    @abc.abstractmethod
    def name(self) -> str:
        """The address a person would type to reach this site."""

    def __str__(self) -> str:
        return self.name

    async def start(self) -> None:
        self._runner._reg_site(self)

    def _protocol_factory(self) -> Server:
        server = self._runner.server
        if server is None:
            raise RuntimeError("The runner was cleaned up; call runner.setup() again")
        return server

    async def stop(self) -> None:
        """Stop listening; connections already open are the runner's to finish."""
        self._runner._check_site(self)
        if self._server is not None:
            self._server.close()
        self._runner._unreg_site(self)


class TCPSite(BaseSite):
    """Listens on a TCP host and port (port 0 picks a free one; see ``runner.addresses``)."""

    __slots__ = ("_host", "_port", "_reuse_address", "_reuse_port")

    def __init__(
        self,
        runner: BaseRunner[Any],
        host: str | None = None,
        port: int | None = None,
        *,
        shutdown_timeout: float = 60.0,
        ssl_context: ssl_mod.SSLContext | None = None,
        backlog: int = 128,
        reuse_address: bool | None = None,
        reuse_port: bool | None = None,
    ) -> None:
        super().__init__(
            runner, shutdown_timeout=shutdown_timeout, ssl_context=ssl_context, backlog=backlog
        )
        self._host = host
        if port is None:
            port = 8443 if ssl_context else 8080
        self._port = port
        self._reuse_address = reuse_address
        self._reuse_port = reuse_port

    @property
    def name(self) -> str:
        scheme = "https" if self._ssl_context else "http"
        host = "0.0.0.0" if not self._host else self._host  # noqa: S104 - aiohttp's default
        return _http_url(scheme, host, self._port)

    async def start(self) -> None:
        await super().start()
        loop = asyncio.get_running_loop()
        server = self._protocol_factory()
        self._server = await loop.create_server(
            server,
            self._host,
            self._port,
            ssl=self._ssl_context,
            backlog=self._backlog,
            reuse_address=self._reuse_address,
            reuse_port=self._reuse_port,
        )


class UnixSite(BaseSite):
    """Listens on a Unix domain socket path."""

    __slots__ = ("_path",)

    def __init__(
        self,
        runner: BaseRunner[Any],
        path: str,
        *,
        shutdown_timeout: float = 60.0,
        ssl_context: ssl_mod.SSLContext | None = None,
        backlog: int = 128,
    ) -> None:
        super().__init__(
            runner, shutdown_timeout=shutdown_timeout, ssl_context=ssl_context, backlog=backlog
        )
        self._path = path

    @property
    def name(self) -> str:
        scheme = "https" if self._ssl_context else "http"
        return f"{scheme}://unix:{self._path}:"

    async def start(self) -> None:
        await super().start()
        loop = asyncio.get_running_loop()
        server = self._protocol_factory()
        self._server = await loop.create_unix_server(
            server, self._path, ssl=self._ssl_context, backlog=self._backlog
        )


class NamedPipeSite(BaseSite):
    """Listens on a Windows named pipe (needs the proactor event loop)."""

    __slots__ = ("_path",)

    def __init__(
        self, runner: BaseRunner[Any], path: str, *, shutdown_timeout: float = 60.0
    ) -> None:
        loop = asyncio.get_event_loop()
        if not hasattr(loop, "start_serving_pipe"):
            raise RuntimeError("Named Pipes only available in proactor loop under windows")
        super().__init__(runner, shutdown_timeout=shutdown_timeout)
        self._path = path

    @property
    def name(self) -> str:
        return self._path

    async def start(self) -> None:  # pragma: no cover - Windows only
        await super().start()
        loop = asyncio.get_running_loop()
        server = self._protocol_factory()
        start_serving_pipe = loop.start_serving_pipe  # type: ignore[attr-defined]
        await start_serving_pipe(server, self._path)


class SockSite(BaseSite):
    """Listens on a socket the caller already bound (e.g. handed over by a supervisor)."""

    __slots__ = ("_name", "_sock")

    def __init__(
        self,
        runner: BaseRunner[Any],
        sock: socket.socket,
        *,
        shutdown_timeout: float = 60.0,
        ssl_context: ssl_mod.SSLContext | None = None,
        backlog: int = 128,
    ) -> None:
        super().__init__(
            runner, shutdown_timeout=shutdown_timeout, ssl_context=ssl_context, backlog=backlog
        )
        self._sock = sock
        scheme = "https" if ssl_context else "http"
        if hasattr(socket, "AF_UNIX") and sock.family == socket.AF_UNIX:
            self._name = f"{scheme}://unix:{sock.getsockname()}:"
        else:
            host, port = sock.getsockname()[:2]
            self._name = _http_url(scheme, host, port)

    @property
    def name(self) -> str:
        return self._name

    async def start(self) -> None:
        await super().start()
        loop = asyncio.get_running_loop()
        server = self._protocol_factory()
        self._server = await loop.create_server(
            server, sock=self._sock, ssl=self._ssl_context, backlog=self._backlog
        )

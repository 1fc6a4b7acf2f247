"""Runners: set up a server for an application, and tear it down gracefully.

Teardown order is what keeps in-flight requests safe: stop listening, ask idle
keep-alive connections to close, run ``on_shutdown``, give running handlers up
to ``shutdown_timeout`` to finish, close what is left, then ``on_cleanup``.
"""

from __future__ import annotations

import abc
import asyncio
import signal
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from aiostrata.web_app import Application, ServableApplication
from aiostrata.web_request import BaseRequest, Request
from aiostrata.web_response import StreamResponse

from .server import Server

if TYPE_CHECKING:
    from .sites import BaseSite

__all__ = ("AppRunner", "BaseRunner", "GracefulExit", "ServerRunner")

_Request = TypeVar("_Request", bound=BaseRequest)


class GracefulExit(SystemExit):
    """Raised by the signal handlers to stop ``run_app`` cleanly."""

    code = 1


def _raise_graceful_exit() -> None:
    raise GracefulExit()


class BaseRunner(abc.ABC, Generic[_Request]):
    """Owns one :class:`Server` and the sites that listen for it."""

    def __init__(
        self,
        *,
        handle_signals: bool = False,
        shutdown_timeout: float = 60.0,
        **kwargs: Any,
    ) -> None:
        self._handle_signals = handle_signals
        self._kwargs = kwargs
        self._server: Server | None = None
        self._sites: list[BaseSite] = []
        self.shutdown_timeout = shutdown_timeout

    @property
    def server(self) -> Server | None:
        return self._server

    @property
    def addresses(self) -> list[Any]:
        found: list[Any] = []
        for site in self._sites:
            server = site._server
            if server is not None:
                found.extend(sock.getsockname() for sock in server.sockets)
        return found

    @property
    def sites(self) -> set[BaseSite]:
        return set(self._sites)

    async def setup(self) -> None:
        loop = asyncio.get_running_loop()
        if self._handle_signals:
            try:
                loop.add_signal_handler(signal.SIGINT, _raise_graceful_exit)
                loop.add_signal_handler(signal.SIGTERM, _raise_graceful_exit)
            except NotImplementedError:  # pragma: no cover - Windows
                pass
        self._server = await self._make_server()

    @abc.abstractmethod
    async def shutdown(self) -> None:
        """Run the application's shutdown hooks (nothing for a bare server)."""

    async def cleanup(self) -> None:
        """Stop every site, finish in-flight requests, then clean up."""
        for site in list(self._sites):
            await site.stop()
        if self._server is not None:
            self._server.pre_shutdown()
            await self.shutdown()
            await self._server.shutdown(self.shutdown_timeout)
        await self._cleanup_server()
        self._server = None
        if self._handle_signals:
            loop = asyncio.get_running_loop()
            try:
                loop.remove_signal_handler(signal.SIGINT)
                loop.remove_signal_handler(signal.SIGTERM)
            except NotImplementedError:  # pragma: no cover - Windows
                pass

    @abc.abstractmethod
    async def _make_server(self) -> Server: ...

    @abc.abstractmethod
    async def _cleanup_server(self) -> None: ...

    def _reg_site(self, site: BaseSite) -> None:
        if site in self._sites:
            raise RuntimeError(f"Site {site} is already registered in runner {self}")
        self._sites.append(site)

    def _check_site(self, site: BaseSite) -> None:
        if site not in self._sites:
            raise RuntimeError(f"Site {site} is not registered in runner {self}")

    def _unreg_site(self, site: BaseSite) -> None:
        self._check_site(site)
        self._sites.remove(site)


class ServerRunner(BaseRunner[BaseRequest]):
    """Runs a low-level :class:`Server`."""

    __slots__ = ("_web_server",)

    def __init__(self, web_server: Server, *, handle_signals: bool = False, **kwargs: Any) -> None:
        super().__init__(handle_signals=handle_signals, **kwargs)
        self._web_server = web_server

    async def shutdown(self) -> None:
        pass

    async def _make_server(self) -> Server:
        return self._web_server

    async def _cleanup_server(self) -> None:
        pass


class AppRunner(BaseRunner[Request]):
    """Runs an :class:`~aiostrata.web_app.Application`: startup, serving, cleanup."""

    def __init__(self, app: Application, *, handle_signals: bool = False, **kwargs: Any) -> None:
        if not isinstance(app, Application):
            raise TypeError(f"The first argument should be web.Application instance, got {app!r}")
        super().__init__(handle_signals=handle_signals, **kwargs)
        self._app = app

    @property
    def app(self) -> Application:
        return self._app

    async def shutdown(self) -> None:
        await self._app.shutdown()

    async def _make_server(self) -> Server:
        loop = asyncio.get_running_loop()
        app: ServableApplication = self._app
        app.attach_loop(loop)
        app.on_startup.freeze()
        await app.startup()
        app.freeze()
        # The request factory builds the application's Request objects, which its handler expects.
        handler = cast(Callable[[BaseRequest], Awaitable[StreamResponse]], app.request_handler)
        # Application(handler_args=...) tunes the connections (read_bufsize,
        # auto_decompress...); as in aiohttp, it wins over the runner's keywords.
        kwargs = {**self._kwargs, **app.handler_args}
        return Server(
            handler,
            request_factory=app.request_factory,
            loop=loop,
            **kwargs,
        )

    async def _cleanup_server(self) -> None:
        await self._app.cleanup()

"""``AioHTTPTestCase``: a unittest base class that serves an application per test."""

from __future__ import annotations

import asyncio
import unittest
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from aiostrata.web import Application, Request

from .client import TestClient
from .servers import TestServer

__all__ = ("AioHTTPTestCase", "unittest_run_loop")


class AioHTTPTestCase(unittest.IsolatedAsyncioTestCase):
    """Serves :meth:`get_application`'s app on a free port around each test method.

    A test method is ``async def`` and uses ``self.client`` (a started :class:`TestClient`);
    ``self.server`` and ``self.app`` are there too. Override :meth:`get_server` or
    :meth:`get_client` to change how they are made; a subclass that overrides
    ``asyncSetUp`` or ``asyncTearDown`` calls ``super()``'s.
    """

    app: Application
    server: TestServer
    client: TestClient[Request, Application]
    loop: asyncio.AbstractEventLoop

    async def get_application(self) -> Application:
        """The application under test: every subclass defines it."""
        raise RuntimeError("Did you forget to define get_application()?")

    async def get_server(self, app: Application) -> TestServer:
        return TestServer(app, loop=self.loop)

    async def get_client(self, server: TestServer) -> TestClient[Request, Application]:
        return TestClient(server, loop=self.loop)

    async def asyncSetUp(self) -> None:
        self.loop = asyncio.get_running_loop()
        await self.setUpAsync()

    async def setUpAsync(self) -> None:  # noqa: N802 - aiohttp's hook name
        """Make the app, server and client and start them; an override calls ``super()``'s."""
        self.app = await self.get_application()
        self.server = await self.get_server(self.app)
        self.client = await self.get_client(self.server)
        await self.client.start_server()

    async def asyncTearDown(self) -> None:
        await self.tearDownAsync()

    async def tearDownAsync(self) -> None:  # noqa: N802 - aiohttp's hook name
        """Close the client, and with it the server; an override calls ``super()``'s."""
        await self.client.close()


_Function = TypeVar("_Function", bound=Callable[..., Any])


def unittest_run_loop(func: _Function) -> _Function:
    """Kept for suites written for older aiohttp: returns ``func`` unchanged.

    ``AioHTTPTestCase`` runs ``async def`` test methods by itself (it is an
    ``IsolatedAsyncioTestCase``), so the decorator is no longer needed; it warns so.
    """
    warnings.warn(
        "unittest_run_loop is deprecated: AioHTTPTestCase runs async test methods itself",
        DeprecationWarning,
        stacklevel=2,
    )
    return func

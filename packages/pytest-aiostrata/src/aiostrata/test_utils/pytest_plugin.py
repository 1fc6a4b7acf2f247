"""The pytest plugin of pytest-aiostrata, loaded through its ``pytest11`` entry point.

Fixtures (each a factory, as in pytest-aiohttp, with the same arguments):

* ``aiostrata_server(app, *, host="127.0.0.1", port=None, **kwargs)``: a started
  :class:`TestServer`; ``kwargs`` go to ``start_server`` (``ssl=``, runner options);
* ``aiostrata_raw_server(handler, *, port=None, **kwargs)``: a started :class:`RawTestServer`;
* ``aiostrata_client(app_or_server, *, server_kwargs=None, **kwargs)``: a started
  :class:`TestClient` (``kwargs`` go to it, ``server_kwargs`` to the ``TestServer`` made for
  an app); its class is the ``aiostrata_client_cls`` fixture, which a conftest may override;
* ``aiostrata_unused_port()``: a free port.

Everything a test made is closed after it, clients first. When pytest-aiohttp is not loaded,
the same fixtures are also offered under its names (``aiohttp_client`` ...), so a suite
written for it runs once its ``aiohttp`` imports name ``aiostrata``; when it is loaded, its
fixtures keep their names and serve aiohttp apps as before.

The fixtures are pytest-asyncio fixtures: they work in its ``auto`` and ``strict`` modes (in
``strict`` mode, mark the tests with ``@pytest.mark.asyncio`` as usual).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Protocol, overload

import pytest
import pytest_asyncio

from aiostrata.web import Application, BaseRequest, Request

from .client import TestClient
from .loops import unused_port
from .servers import BaseTestServer, RawHandler, RawTestServer, TestServer

__all__ = (
    "AiohttpClient",
    "AiohttpRawServer",
    "AiohttpServer",
    "AiostrataClient",
    "AiostrataRawServer",
    "AiostrataServer",
    "aiostrata_client",
    "aiostrata_client_cls",
    "aiostrata_raw_server",
    "aiostrata_server",
    "aiostrata_unused_port",
)

# The names under which pytest-aiohttp's plugin may be registered, and aiohttp's own older
# plugin (``-p aiohttp.pytest_plugin``), which defines the same fixture names.
_PYTEST_AIOHTTP_PLUGINS = (
    "aiohttp",
    "pytest_aiohttp",
    "pytest_aiohttp.plugin",
    "aiohttp.pytest_plugin",
)
_ALIASES_PLUGIN = "aiostrata.test_utils.aiohttp_fixture_names"


class AiostrataServer(Protocol):
    """What the ``aiostrata_server`` fixture gives: a factory of started test servers."""

    def __call__(
        self, app: Application, *, host: str = ..., port: int | None = ..., **kwargs: Any
    ) -> Awaitable[TestServer]: ...


class AiostrataRawServer(Protocol):
    """What the ``aiostrata_raw_server`` fixture gives."""

    def __call__(
        self, handler: RawHandler, *, port: int | None = ..., **kwargs: Any
    ) -> Awaitable[RawTestServer]: ...


class AiostrataClient(Protocol):
    """What the ``aiostrata_client`` fixture gives."""

    @overload
    def __call__(
        self,
        app_or_server: Application,
        /,
        *,
        server_kwargs: dict[str, Any] | None = ...,
        **kwargs: Any,
    ) -> Awaitable[TestClient[Request, Application]]: ...

    @overload
    def __call__(
        self,
        app_or_server: BaseTestServer,
        /,
        *,
        server_kwargs: dict[str, Any] | None = ...,
        **kwargs: Any,
    ) -> Awaitable[TestClient[BaseRequest, None]]: ...


# pytest-aiohttp's names of the fixture types, for annotations written against it.
AiohttpClient = AiostrataClient
AiohttpServer = AiostrataServer
AiohttpRawServer = AiostrataRawServer


def pytest_configure(config: pytest.Config) -> None:
    """Offer pytest-aiohttp's fixture names too, unless pytest-aiohttp itself is loaded."""
    manager = config.pluginmanager
    if any(manager.has_plugin(name) for name in _PYTEST_AIOHTTP_PLUGINS):
        return
    if not manager.has_plugin(_ALIASES_PLUGIN):
        manager.import_plugin(_ALIASES_PLUGIN)


@pytest.fixture
def aiostrata_unused_port() -> Callable[[], int]:
    """A function returning a free TCP port on 127.0.0.1."""
    return unused_port


@pytest.fixture
def aiostrata_client_cls() -> type[TestClient[Any, Any]]:
    """The class ``aiostrata_client`` instantiates; override it to use a subclass."""
    return TestClient


@pytest_asyncio.fixture
async def aiostrata_server() -> AsyncIterator[AiostrataServer]:
    """Start ``TestServer(app)``s; each is closed after the test."""
    servers: list[TestServer] = []

    async def start(
        app: Application, *, host: str = "127.0.0.1", port: int | None = None, **kwargs: Any
    ) -> TestServer:
        server = TestServer(app, host=host, port=port)
        servers.append(server)
        await server.start_server(**kwargs)
        return server

    yield start
    while servers:
        await servers.pop().close()


@pytest_asyncio.fixture
async def aiostrata_raw_server() -> AsyncIterator[AiostrataRawServer]:
    """Start ``RawTestServer(handler)``s; each is closed after the test."""
    servers: list[RawTestServer] = []

    async def start(
        handler: RawHandler, *, port: int | None = None, **kwargs: Any
    ) -> RawTestServer:
        server = RawTestServer(handler, port=port)
        servers.append(server)
        await server.start_server(**kwargs)
        return server

    yield start
    while servers:
        await servers.pop().close()


def _not_servable(value: object) -> ValueError:
    kind = type(value)
    if kind.__module__.startswith("aiohttp."):
        return ValueError(
            f"Unknown argument type: {kind!r} is aiohttp's own; build the application "
            "with `from aiostrata import web` to serve it with aiostrata_client"
        )
    return ValueError(f"Unknown argument type: {kind!r}")


async def client_factory(client_cls: type[TestClient[Any, Any]]) -> AsyncIterator[AiostrataClient]:
    """Yield the factory behind ``aiostrata_client``, then close every client it made."""
    clients: list[TestClient[Any, Any]] = []

    async def start(
        app_or_server: Application | BaseTestServer,
        /,
        *,
        server_kwargs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> TestClient[Any, Any]:
        if isinstance(app_or_server, Application):
            server: BaseTestServer = TestServer(app_or_server, **(server_kwargs or {}))
        elif isinstance(app_or_server, BaseTestServer):
            server = app_or_server
        else:
            raise _not_servable(app_or_server)
        client = client_cls(server, **kwargs)
        clients.append(client)
        await client.start_server()
        return client

    yield start
    while clients:
        await clients.pop().close()


@pytest_asyncio.fixture
async def aiostrata_client(
    aiostrata_client_cls: type[TestClient[Any, Any]],
) -> AsyncIterator[AiostrataClient]:
    """Start a ``TestClient`` for an application (served by a new ``TestServer``) or a server.

    Each client, and its server, is closed after the test.
    """
    async for start in client_factory(aiostrata_client_cls):
        yield start

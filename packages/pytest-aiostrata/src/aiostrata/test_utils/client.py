"""``TestClient``: aiohttp's ``ClientSession`` aimed at one test server.

aiohttp's client is what aiohttp users already test with, so the test client is that client:
every call takes a path on the server (``await client.get("/")``) and returns aiohttp's
``ClientResponse`` or ``ClientWebSocketResponse``, awaited or used with ``async with``.
Everything it opened is closed by :meth:`TestClient.close`, and the server with it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Generator
from types import TracebackType
from typing import Any, Generic, Self, TypeVar, cast, overload

from aiohttp import ClientResponse, ClientSession, ClientWebSocketResponse, CookieJar
from aiohttp.abc import AbstractCookieJar
from yarl import URL

from aiostrata.web import Application, BaseRequest, Request

from .servers import BaseTestServer, RawTestServer, TestServer

__all__ = ("TestClient",)

_Opened = TypeVar("_Opened", bound=ClientResponse | ClientWebSocketResponse)
# What the served handlers receive, and the served application (None for a raw server): the
# two type parameters of aiohttp's TestClient, so that typed suites keep their annotations.
_Request = TypeVar("_Request", bound=BaseRequest)
_ApplicationNone = TypeVar("_ApplicationNone", Application, None)


class _Opening(Coroutine[Any, Any, _Opened]):
    """A response or WebSocket being opened: await it, ``async with`` it, or make it a task.

    It is a coroutine (``asyncio.create_task(client.get("/"))`` works, as with aiohttp's
    client). Leaving the ``async with`` releases the response (or closes the WebSocket); a
    plain ``await`` leaves that to the client's :meth:`TestClient.close`.
    """

    __slots__ = ("_coro", "_opened")

    def __init__(self, coro: Coroutine[Any, Any, _Opened]) -> None:
        self._coro: Coroutine[Any, Any, _Opened] = coro
        self._opened: _Opened | None = None

    def send(self, value: Any) -> Any:
        return self._coro.send(value)

    def throw(self, *exc_info: Any) -> Any:
        return self._coro.throw(*exc_info)

    def close(self) -> None:
        self._coro.close()

    def __await__(self) -> Generator[Any, None, _Opened]:
        return self._coro.__await__()

    async def __aenter__(self) -> _Opened:
        self._opened = await self._coro
        return self._opened

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        opened = self._opened
        if isinstance(opened, ClientWebSocketResponse):
            await opened.close()
        elif opened is not None:
            opened.release()


class TestClient(Generic[_Request, _ApplicationNone]):
    """Requests to one :class:`BaseTestServer`, through a ``ClientSession`` of its own.

    The session's cookie jar accepts cookies from IP addresses (``CookieJar(unsafe=True)``),
    since a test server listens on ``127.0.0.1``; pass ``cookie_jar=`` to use another.
    Other keywords go to ``ClientSession`` (``headers=``, ``timeout=``, ...).
    """

    __test__ = False  # its name starts with "Test": pytest must not collect it

    @overload
    def __init__(
        self: TestClient[Request, Application],
        server: TestServer,
        *,
        cookie_jar: AbstractCookieJar | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
        **kwargs: Any,
    ) -> None: ...

    @overload
    def __init__(
        self: TestClient[BaseRequest, None],
        server: RawTestServer,
        *,
        cookie_jar: AbstractCookieJar | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
        **kwargs: Any,
    ) -> None: ...

    @overload
    def __init__(
        self: TestClient[_Request, None],
        server: BaseTestServer,
        *,
        cookie_jar: AbstractCookieJar | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
        **kwargs: Any,
    ) -> None: ...

    def __init__(
        self,
        server: BaseTestServer,
        *,
        cookie_jar: AbstractCookieJar | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
        **kwargs: Any,
    ) -> None:
        if not isinstance(server, BaseTestServer):
            raise TypeError(f"server must be a TestServer or RawTestServer, not {type(server)!r}")
        self._server = server
        self._loop = loop
        if cookie_jar is None:
            cookie_jar = CookieJar(unsafe=True)
        self._session = ClientSession(cookie_jar=cookie_jar, **kwargs)
        self._closed = False
        self._responses: list[ClientResponse] = []
        self._websockets: list[ClientWebSocketResponse] = []

    async def start_server(self) -> None:
        """Start the server, if it is not yet (the client itself has nothing to start)."""
        await self._server.start_server(loop=self._loop)

    @property
    def scheme(self) -> str:
        return self._server.scheme

    @property
    def host(self) -> str:
        return self._server.host

    @property
    def port(self) -> int | None:
        return self._server.port

    @property
    def server(self) -> BaseTestServer:
        return self._server

    @property
    def app(self) -> _ApplicationNone:
        """The served application; None for a :class:`RawTestServer`."""
        return cast(_ApplicationNone, getattr(self._server, "app", None))

    @property
    def session(self) -> ClientSession:
        """The underlying ``ClientSession``, for what the shortcuts here do not cover."""
        return self._session

    @property
    def closed(self) -> bool:
        return self._closed

    def make_url(self, path: str | URL) -> URL:
        return self._server.make_url(path)

    async def _request(self, method: str, path: str | URL, **kwargs: Any) -> ClientResponse:
        response = await self._session.request(method, self.make_url(path), **kwargs)
        self._responses.append(response)
        return response

    def request(self, method: str, path: str | URL, **kwargs: Any) -> _Opening[ClientResponse]:
        """Send a request; ``kwargs`` are ``ClientSession.request``'s (``json=``, ``data=``...)."""
        return _Opening(self._request(method, path, **kwargs))

    def get(self, path: str | URL, **kwargs: Any) -> _Opening[ClientResponse]:
        return self.request("GET", path, **kwargs)

    def post(self, path: str | URL, **kwargs: Any) -> _Opening[ClientResponse]:
        return self.request("POST", path, **kwargs)

    def put(self, path: str | URL, **kwargs: Any) -> _Opening[ClientResponse]:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str | URL, **kwargs: Any) -> _Opening[ClientResponse]:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str | URL, **kwargs: Any) -> _Opening[ClientResponse]:
        return self.request("DELETE", path, **kwargs)

    def head(self, path: str | URL, **kwargs: Any) -> _Opening[ClientResponse]:
        return self.request("HEAD", path, **kwargs)

    def options(self, path: str | URL, **kwargs: Any) -> _Opening[ClientResponse]:
        return self.request("OPTIONS", path, **kwargs)

    async def _ws_connect(self, path: str | URL, **kwargs: Any) -> ClientWebSocketResponse:
        websocket: ClientWebSocketResponse = await self._session.ws_connect(
            self.make_url(path), **kwargs
        )
        self._websockets.append(websocket)
        return websocket

    def ws_connect(self, path: str | URL, **kwargs: Any) -> _Opening[ClientWebSocketResponse]:
        """Open a WebSocket; ``kwargs`` are ``ClientSession.ws_connect``'s."""
        return _Opening(self._ws_connect(path, **kwargs))

    async def close(self) -> None:
        """Release every response, close every WebSocket, the session, then the server.

        Idempotent.
        """
        if self._closed:
            return
        for response in self._responses:
            response.close()
        for websocket in self._websockets:
            await websocket.close()
        await self._session.close()
        await self._server.close()
        self._closed = True

    async def __aenter__(self) -> Self:
        await self.start_server()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

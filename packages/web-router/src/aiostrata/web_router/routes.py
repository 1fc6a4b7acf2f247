"""Routes: a method plus the handler that serves it, owned by a resource (or by the router
itself for 404/405 answers)."""

from __future__ import annotations

import abc
import functools
import inspect
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast, final

from yarl import URL

from .abc import AbstractView
from .expect_continue import default_expect_handler
from .http_methods import METH_ANY, normalize_method

if TYPE_CHECKING:
    from aiostrata.web_response import HTTPException, StreamResponse

    from .resources import AbstractResource
    from .typedefs import ExpectHandler, Handler, InfoDict


def _check_handler(handler: Handler | type[AbstractView]) -> Handler:
    """Accept async functions and View classes; wrap plain callables with a warning.

    aiohttp still runs a regular function as a handler (converting it to a coroutine), but
    that is deprecated: such handlers block the event loop.
    """
    if not callable(handler):
        raise TypeError(f"Handler must be callable, got {handler!r}")
    if inspect.iscoroutinefunction(handler):
        return handler
    if isinstance(handler, type) and issubclass(handler, AbstractView):
        return handler
    warnings.warn("Bare functions are deprecated, use async ones", DeprecationWarning, stacklevel=4)
    plain = cast("Callable[[Any], Any]", handler)

    @functools.wraps(plain)
    async def handler_wrapper(request: Any) -> StreamResponse:
        result: Any = plain(request)
        if inspect.isawaitable(result):
            result = await result
        return result  # type: ignore[no-any-return]

    return handler_wrapper


class AbstractRoute(abc.ABC):
    """A handler for one HTTP method (or ``*``) within a resource."""

    def __init__(
        self,
        method: str,
        handler: Handler | type[AbstractView],
        *,
        expect_handler: ExpectHandler | None = None,
        resource: AbstractResource | None = None,
    ) -> None:
        if expect_handler is None:
            expect_handler = default_expect_handler
        elif not inspect.iscoroutinefunction(expect_handler):
            raise TypeError(f"Coroutine is expected, got {expect_handler!r}")
        self._method = normalize_method(method)
        self._handler = _check_handler(handler)
        self._expect_handler = expect_handler
        self._resource = resource

    @property
    def method(self) -> str:
        """The upper-case HTTP method this route serves, or ``"*"`` for any."""
        return self._method

    @property
    def handler(self) -> Handler:
        """The web handler (a View subclass is returned as the class itself)."""
        return self._handler

    @property
    @abc.abstractmethod
    def name(self) -> str | None:
        """The route's name: always its resource's name."""

    @property
    def resource(self) -> AbstractResource | None:
        """The resource holding the route; ``None`` for :class:`SystemRoute`."""
        return self._resource

    @abc.abstractmethod
    def get_info(self) -> InfoDict:
        """Introspection data, the resource's for resource routes."""

    @abc.abstractmethod
    def url_for(self, *args: str, **kwargs: str) -> URL:
        """Build a URL for the route: a shortcut for ``route.resource.url_for(...)``."""

    async def handle_expect_header(self, request: Any) -> StreamResponse | None:
        """Answer ``Expect: 100-continue`` for *request* before its body is read."""
        return await self._expect_handler(request)


class ResourceRoute(AbstractRoute):
    """The route class of :class:`Resource` objects."""

    def __init__(
        self,
        method: str,
        handler: Handler | type[AbstractView],
        resource: AbstractResource,
        *,
        expect_handler: ExpectHandler | None = None,
    ) -> None:
        super().__init__(method, handler, expect_handler=expect_handler, resource=resource)
        self._owner = resource

    def __repr__(self) -> str:
        return f"<ResourceRoute [{self.method}] {self._owner} -> {self.handler!r}>"

    @property
    def name(self) -> str | None:
        return self._owner.name

    def url_for(self, *args: str, **kwargs: str) -> URL:
        return self._owner.url_for(*args, **kwargs)

    def get_info(self) -> InfoDict:
        return self._owner.get_info()


@final
class SystemRoute(AbstractRoute):
    """The route of a failed resolution: its handler raises the 404 / 405 found."""

    def __init__(self, http_exception: HTTPException) -> None:
        super().__init__(METH_ANY, self._handle)
        self._http_exception = http_exception

    def url_for(self, *args: str, **kwargs: str) -> URL:
        raise RuntimeError(".url_for() is not allowed for SystemRoute")

    @property
    def name(self) -> str | None:
        return None

    def get_info(self) -> InfoDict:
        return {"http_exception": self._http_exception}

    async def _handle(self, request: Any) -> StreamResponse:
        raise self._http_exception

    @property
    def status(self) -> int:
        """The HTTP status code of the failure (404 or 405)."""
        return self._http_exception.status

    @property
    def reason(self) -> str:
        """The HTTP reason phrase of the failure."""
        return self._http_exception.reason

    def __repr__(self) -> str:
        return f"<SystemRoute {self.status}: {self.reason}>"

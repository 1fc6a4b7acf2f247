"""The routing interfaces aiohttp users know from ``aiohttp.abc``.

An application only needs *some* router with ``resolve()``; these ABCs are the contract
between that router, the match info it returns and class-based views.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Generator
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aiostrata.web_response import HTTPException, StreamResponse

    from .interfaces import SubApplication
    from .typedefs import ExpectHandler, Handler


class AbstractRouter(ABC):
    """A router: anything that turns a request into an :class:`AbstractMatchInfo`."""

    def __init__(self) -> None:
        self._frozen = False

    def post_init(self, app: SubApplication) -> None:  # noqa: B027 - optional hook
        """Let the router learn its application; called once by ``Application``."""

    @property
    def frozen(self) -> bool:
        return self._frozen

    def freeze(self) -> None:
        """Forbid further changes; the application freezes its router when it starts."""
        self._frozen = True

    @abstractmethod
    async def resolve(self, request: Any) -> AbstractMatchInfo:
        """Return the match info for *request*; never raise for an unknown URL.

        ``request`` is the application's ``Request`` (``Any``: it lives above the router).
        """


class AbstractMatchInfo(ABC):
    """The result of routing one request: what to run and within which applications."""

    __slots__ = ()

    @property
    @abstractmethod
    def handler(self) -> Handler:
        """The coroutine that handles the request."""

    @property
    @abstractmethod
    def expect_handler(self) -> ExpectHandler:
        """The coroutine that answers ``Expect: 100-continue``."""

    @property
    @abstractmethod
    def http_exception(self) -> HTTPException | None:
        """The 404/405 found while resolving, or ``None`` when a route matched."""

    @abstractmethod
    def get_info(self) -> dict[str, Any]:
        """Introspection data about what matched."""

    @property
    @abstractmethod
    def apps(self) -> tuple[SubApplication, ...]:
        """The stack of nested applications, the top-level one first."""

    @abstractmethod
    def add_app(self, app: SubApplication) -> None:
        """Push *app* as the new outermost application of the stack."""

    @property
    @abstractmethod
    def current_app(self) -> SubApplication:
        """The application whose middlewares / handler are running now."""

    @abstractmethod
    def set_current_app(self, app: SubApplication) -> AbstractContextManager[None]:
        """Make *app* the current application for the duration of a ``with`` block."""

    @abstractmethod
    def freeze(self) -> None:
        """Forbid ``add_app()``; called once resolution is over."""


class AbstractView(ABC):
    """A class-based view: built with the request, then awaited for the response."""

    def __init__(self, request: Any) -> None:
        self._request = request

    @property
    def request(self) -> Any:
        """The request this view answers (the application's ``Request``)."""
        return self._request

    @abstractmethod
    def __await__(self) -> Generator[Any, None, StreamResponse]:
        """Run the view and produce its response."""

"""The result of resolving a request: the matched route, path variables and the app stack."""

from __future__ import annotations

from collections.abc import Generator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from .abc import AbstractMatchInfo
from .routes import AbstractRoute, SystemRoute

if TYPE_CHECKING:
    from aiostrata.web_response import HTTPException

    from .interfaces import SubApplication
    from .typedefs import ExpectHandler, Handler, InfoDict


class UrlMappingMatchInfo(dict[str, str], AbstractMatchInfo):
    """Path variables (as a ``dict``) of a matched route, plus the applications it sits in.

    The application layer pushes each enclosing application with :meth:`add_app`, then
    :meth:`freeze` s the stack before running middlewares.
    """

    __slots__ = ("_apps", "_current_app", "_frozen", "_route")

    def __init__(self, match_dict: dict[str, str], route: AbstractRoute) -> None:
        super().__init__(match_dict)
        self._route = route
        # A tuple, outermost first: read on every request (middleware chains, prepare
        # hooks), changed only while the match is built, so it is never copied.
        self._apps: tuple[SubApplication, ...] = ()
        self._current_app: SubApplication | None = None
        self._frozen = False

    @property
    def handler(self) -> Handler:
        return self._route.handler

    @property
    def route(self) -> AbstractRoute:
        """The route that matched (a :class:`SystemRoute` for 404 / 405)."""
        return self._route

    @property
    def expect_handler(self) -> ExpectHandler:
        return self._route.handle_expect_header

    @property
    def http_exception(self) -> HTTPException | None:
        return None

    def get_info(self) -> InfoDict:  # type: ignore[override]
        return self._route.get_info()

    @property
    def apps(self) -> tuple[SubApplication, ...]:
        return self._apps

    def add_app(self, app: SubApplication) -> None:
        if self._frozen:
            raise RuntimeError("Cannot change apps stack after .freeze() call")
        # The first app added is the innermost one: the one whose router matched.
        if self._current_app is None:
            self._current_app = app
        self._apps = (app, *self._apps)

    @property
    def current_app(self) -> SubApplication:
        app = self._current_app
        if app is None:
            raise RuntimeError("No application was added to this match info")
        return app

    @current_app.setter
    def current_app(self, app: SubApplication) -> None:
        self._check_in_stack(app)
        self._current_app = app

    @contextmanager
    def set_current_app(self, app: SubApplication) -> Generator[None, None, None]:
        self._check_in_stack(app)
        previous = self._current_app
        self._current_app = app
        try:
            yield
        finally:
            self._current_app = previous

    def _check_in_stack(self, app: SubApplication) -> None:
        if app not in self._apps:
            apps = list(self._apps)  # shown as aiohttp shows its list
            raise RuntimeError(f"Expected one of the following apps {apps!r}, got {app!r}")

    def freeze(self) -> None:
        self._frozen = True

    def __repr__(self) -> str:
        return f"<MatchInfo {super().__repr__()}: {self._route}>"


class MatchInfoError(UrlMappingMatchInfo):
    """The match info of a failed resolution; its handler raises :attr:`http_exception`."""

    __slots__ = ("_exception",)

    def __init__(self, http_exception: HTTPException) -> None:
        self._exception = http_exception
        super().__init__({}, SystemRoute(http_exception))

    @property
    def http_exception(self) -> HTTPException:
        return self._exception

    def __repr__(self) -> str:
        return f"<MatchInfoError {self._exception.status}: {self._exception.reason}>"

"""``Request`` as an application's handlers see it: typed with the application and the match.

:class:`aiostrata.web_request.Request` sits below the router and the application,
so it can only promise protocols (``RouteMatch``, an ``Any`` app). This package is
the lowest that knows both concrete classes; this subclass narrows ``app`` to
:class:`~.application.Application` and ``match_info`` to the router's
:class:`~aiostrata.web_router.UrlMappingMatchInfo` (with its ``route``), so that
``request.app[key]`` has the key's type under ``mypy --strict``. The narrowing is
for type checkers only: at run time the properties are the base class's, so it
costs nothing per request. ``aiostrata.web.Request`` is this class, and the
application builds its requests from it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiostrata.web_request import Request as RoutedRequest

if TYPE_CHECKING:
    from aiostrata.web_router import UrlMappingMatchInfo

    from .application import Application

__all__ = ("Request",)


class Request(RoutedRequest):
    """The request every handler of an :class:`~.application.Application` receives."""

    if TYPE_CHECKING:

        @property
        def app(self) -> Application:
            """The application whose router matched the request (in a middleware: its own)."""

        @property
        def match_info(self) -> UrlMappingMatchInfo:
            """The routing result: path variables, ``route``, ``apps``, ``current_app``."""

"""Public type aliases of the router.

The router sits below the request and application layers, so it cannot name the concrete
``aiostrata.web_request.Request`` class: handlers are typed as taking ``Any`` request. The
application layer passes its own ``Request`` objects, and user code keeps precise types in
its own handler signatures.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from re import Pattern
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from aiostrata.web_response import HTTPException, StreamResponse

if TYPE_CHECKING:
    from .domains import AbstractRuleMatching
    from .interfaces import SubApplication
    from .routes import AbstractRoute

# A web handler: an async callable taking the request (its class lives above the router, so
# ``Any``). The router never looks at what it returns: the layer that runs handlers decides
# (an Application wants a StreamResponse, a router used alone may want anything), so any
# return type is accepted. ``type[View]`` fits too: calling it gives an awaitable.
Handler: TypeAlias = Callable[[Any], Awaitable[Any]]

# Runs before the body is read when the request carries ``Expect:`` (RFC 9110 10.1.1). It may
# return a response to send instead of running the handler, or ``None`` to go on.
ExpectHandler: TypeAlias = Callable[[Any], Awaitable[StreamResponse | None]]


class InfoDict(TypedDict, total=False):
    """What ``get_info()`` of resources, routes and match infos returns, by resource kind."""

    path: str  # PlainResource
    directory: Path  # StaticResource (resolved)
    formatter: str  # DynamicResource
    pattern: Pattern[str]  # DynamicResource
    prefix: str  # PrefixedSubAppResource
    routes: Mapping[str, AbstractRoute]
    app: SubApplication  # sub-application resources
    domain: str  # Domain rules
    rule: AbstractRuleMatching  # MatchedSubAppResource
    http_exception: HTTPException  # SystemRoute (404 / 405)

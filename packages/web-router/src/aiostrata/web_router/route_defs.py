"""Route definitions: routes described before a router exists, registered later.

``web.get('/', handler)`` (Django style) and ``@routes.get('/')`` on a
:class:`RouteTableDef` (Flask style) both produce :class:`RouteDef` objects that
``router.add_routes()`` registers.
"""

from __future__ import annotations

import abc
import dataclasses
import os
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar, overload

from .abc import AbstractView
from .http_methods import (
    METH_ANY,
    METH_DELETE,
    METH_GET,
    METH_HEAD,
    METH_OPTIONS,
    METH_PATCH,
    METH_POST,
    METH_PUT,
)
from .typedefs import Handler

if TYPE_CHECKING:
    from .routes import AbstractRoute
    from .url_dispatcher import UrlDispatcher

HandlerType: TypeAlias = type[AbstractView] | Handler
_HandlerT = TypeVar("_HandlerT", bound=HandlerType)

# The router shortcuts RouteDef.register prefers (so GET keeps its automatic HEAD route).
_SHORTCUTS = frozenset(
    {METH_GET, METH_HEAD, METH_OPTIONS, METH_POST, METH_PUT, METH_PATCH, METH_DELETE}
)


class AbstractRouteDef(abc.ABC):
    """Something that can add itself to a :class:`UrlDispatcher`."""

    @abc.abstractmethod
    def register(self, router: UrlDispatcher) -> list[AbstractRoute]:
        """Register into *router*; return the routes created."""


@dataclasses.dataclass(frozen=True, repr=False)
class RouteDef(AbstractRouteDef):
    """A route not registered yet: the arguments of one ``router.add_route()`` call."""

    method: str
    path: str
    handler: HandlerType
    kwargs: dict[str, Any]

    def __repr__(self) -> str:
        info = "".join(f", {name}={value!r}" for name, value in sorted(self.kwargs.items()))
        handler = getattr(self.handler, "__name__", repr(self.handler))
        return f"<RouteDef {self.method} {self.path} -> {handler!r}{info}>"

    def register(self, router: UrlDispatcher) -> list[AbstractRoute]:
        # As in aiohttp the method is taken as written: route("get", ...) adds no HEAD route.
        if self.method in _SHORTCUTS:
            add: Callable[..., AbstractRoute] = getattr(router, "add_" + self.method.lower())
            return [add(self.path, self.handler, **self.kwargs)]
        return [router.add_route(self.method, self.path, self.handler, **self.kwargs)]


@dataclasses.dataclass(frozen=True, repr=False)
class StaticDef(AbstractRouteDef):
    """A static directory not registered yet: the arguments of one ``add_static()`` call."""

    prefix: str
    path: str | os.PathLike[str]
    kwargs: dict[str, Any]

    def __repr__(self) -> str:
        info = "".join(f", {name}={value!r}" for name, value in sorted(self.kwargs.items()))
        return f"<StaticDef {self.prefix} -> {self.path}{info}>"

    def register(self, router: UrlDispatcher) -> list[AbstractRoute]:
        resource = router.add_static(self.prefix, self.path, **self.kwargs)
        return list(resource.get_info().get("routes", {}).values())


def static(prefix: str, path: str | os.PathLike[str], **kwargs: Any) -> StaticDef:
    """A :class:`StaticDef` (see ``UrlDispatcher.add_static`` for the keyword arguments)."""
    return StaticDef(prefix, path, kwargs)


def route(method: str, path: str, handler: HandlerType, **kwargs: Any) -> RouteDef:
    """A :class:`RouteDef` for *method* (see ``UrlDispatcher.add_route``)."""
    return RouteDef(method, path, handler, kwargs)


def head(path: str, handler: HandlerType, **kwargs: Any) -> RouteDef:
    """A :class:`RouteDef` for HEAD."""
    return route(METH_HEAD, path, handler, **kwargs)


def options(path: str, handler: HandlerType, **kwargs: Any) -> RouteDef:
    """A :class:`RouteDef` for OPTIONS."""
    return route(METH_OPTIONS, path, handler, **kwargs)


def get(
    path: str,
    handler: HandlerType,
    *,
    name: str | None = None,
    allow_head: bool = True,
    **kwargs: Any,
) -> RouteDef:
    """A :class:`RouteDef` for GET, which also serves HEAD unless *allow_head* is false."""
    return route(METH_GET, path, handler, name=name, allow_head=allow_head, **kwargs)


def post(path: str, handler: HandlerType, **kwargs: Any) -> RouteDef:
    """A :class:`RouteDef` for POST."""
    return route(METH_POST, path, handler, **kwargs)


def put(path: str, handler: HandlerType, **kwargs: Any) -> RouteDef:
    """A :class:`RouteDef` for PUT."""
    return route(METH_PUT, path, handler, **kwargs)


def patch(path: str, handler: HandlerType, **kwargs: Any) -> RouteDef:
    """A :class:`RouteDef` for PATCH."""
    return route(METH_PATCH, path, handler, **kwargs)


def delete(path: str, handler: HandlerType, **kwargs: Any) -> RouteDef:
    """A :class:`RouteDef` for DELETE."""
    return route(METH_DELETE, path, handler, **kwargs)


def view(path: str, handler: type[AbstractView], **kwargs: Any) -> RouteDef:
    """A :class:`RouteDef` serving every method with a class-based view."""
    return route(METH_ANY, path, handler, **kwargs)


class RouteTableDef(Sequence[AbstractRouteDef]):
    """A list of route definitions filled by decorators; the decorated function is unchanged."""

    def __init__(self) -> None:
        self._items: list[AbstractRouteDef] = []

    def __repr__(self) -> str:
        return f"<RouteTableDef count={len(self._items)}>"

    @overload
    def __getitem__(self, index: int) -> AbstractRouteDef: ...

    @overload
    def __getitem__(self, index: slice) -> list[AbstractRouteDef]: ...

    def __getitem__(self, index: int | slice) -> AbstractRouteDef | list[AbstractRouteDef]:
        return self._items[index]

    def __iter__(self) -> Iterator[AbstractRouteDef]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, item: object) -> bool:
        return item in self._items

    def route(self, method: str, path: str, **kwargs: Any) -> Callable[[_HandlerT], _HandlerT]:
        """Decorator adding a :class:`RouteDef` for *method*."""

        def inner(handler: _HandlerT) -> _HandlerT:
            self._items.append(RouteDef(method, path, handler, kwargs))
            return handler

        return inner

    def head(self, path: str, **kwargs: Any) -> Callable[[_HandlerT], _HandlerT]:
        """Decorator for a HEAD handler."""
        return self.route(METH_HEAD, path, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Callable[[_HandlerT], _HandlerT]:
        """Decorator for a GET handler (HEAD too unless ``allow_head=False``)."""
        return self.route(METH_GET, path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Callable[[_HandlerT], _HandlerT]:
        """Decorator for a POST handler."""
        return self.route(METH_POST, path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Callable[[_HandlerT], _HandlerT]:
        """Decorator for a PUT handler."""
        return self.route(METH_PUT, path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Callable[[_HandlerT], _HandlerT]:
        """Decorator for a PATCH handler."""
        return self.route(METH_PATCH, path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Callable[[_HandlerT], _HandlerT]:
        """Decorator for a DELETE handler."""
        return self.route(METH_DELETE, path, **kwargs)

    def options(self, path: str, **kwargs: Any) -> Callable[[_HandlerT], _HandlerT]:
        """Decorator for an OPTIONS handler."""
        return self.route(METH_OPTIONS, path, **kwargs)

    def view(self, path: str, **kwargs: Any) -> Callable[[_HandlerT], _HandlerT]:
        """Decorator for a class-based view serving every method."""
        return self.route(METH_ANY, path, **kwargs)

    def static(self, prefix: str, path: str | os.PathLike[str], **kwargs: Any) -> None:
        """Add a :class:`StaticDef` serving directory *path* at *prefix* (not a decorator)."""
        self._items.append(StaticDef(prefix, path, kwargs))

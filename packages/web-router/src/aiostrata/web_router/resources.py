"""Resources: the entries of the routing table, each a path with routes per method."""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator, Sized
from typing import TYPE_CHECKING, TypeAlias

from yarl import URL

from .http_methods import METH_ANY, normalize_method
from .match_info import UrlMappingMatchInfo
from .path_quoting import decode_path_safe, requote_path
from .routes import AbstractRoute, ResourceRoute

if TYPE_CHECKING:
    from .abc import AbstractView
    from .interfaces import RoutableRequest
    from .typedefs import ExpectHandler, Handler, InfoDict

# What ``AbstractResource.resolve`` returns: the match (or ``None``) and the methods the
# resource would have accepted, which the router collects to answer 405 with ``Allow``.
Resolved: TypeAlias = "tuple[UrlMappingMatchInfo | None, set[str]]"


class AbstractResource(Sized, Iterable[AbstractRoute]):
    """Base of every resource: ``len()`` counts its routes and iterating yields them."""

    def __init__(self, *, name: str | None = None) -> None:
        self._name = name

    @property
    def name(self) -> str | None:
        """The resource's name, unique within its router, or ``None``."""
        return self._name

    @property
    @abc.abstractmethod
    def canonical(self) -> str:
        """The path the resource stands for, e.g. ``/path/{to}``."""

    @abc.abstractmethod
    def url_for(self, *args: str, **kwargs: str) -> URL:
        """Build a URL for the resource; the parameters depend on the resource kind."""

    @abc.abstractmethod
    async def resolve(self, request: RoutableRequest) -> Resolved:
        """Find the route for *request*'s ``(method, path)``: ``(match_info, allowed)``."""

    @abc.abstractmethod
    def add_prefix(self, prefix: str) -> None:
        """Prepend *prefix* to the resource's path; used when its app is mounted as a sub-app."""

    @abc.abstractmethod
    def get_info(self) -> InfoDict:
        """Introspection data, e.g. ``{'path': '/path/to'}``."""

    def freeze(self) -> None:
        """Called when the router freezes."""

    @abc.abstractmethod
    def raw_match(self, path: str) -> bool:
        """Whether *path* is the path this resource was created with."""


class Resource(AbstractResource):
    """A resource holding at most one route per method (``*`` shadows every method)."""

    def __init__(self, *, name: str | None = None) -> None:
        super().__init__(name=name)
        self._routes: dict[str, ResourceRoute] = {}
        self._any_route: ResourceRoute | None = None
        self._allowed_methods: set[str] = set()
        self._frozen = False

    def freeze(self) -> None:
        self._frozen = True

    def add_route(
        self,
        method: str,
        handler: Handler | type[AbstractView],
        *,
        expect_handler: ExpectHandler | None = None,
    ) -> ResourceRoute:
        """Add a route serving *method* (case-insensitive, ``*`` for any) with *handler*."""
        if self._frozen:
            raise RuntimeError("Cannot add a route to a resource of a frozen router.")
        existing = self._routes.get(normalize_method(method), self._any_route)
        if existing is not None:
            raise RuntimeError(
                f"Added route will never be executed, method {existing.method} is already "
                "registered"
            )
        route = ResourceRoute(method, handler, self, expect_handler=expect_handler)
        self.register_route(route)
        return route

    def register_route(self, route: ResourceRoute) -> None:
        """Attach an already built route to this resource."""
        if not isinstance(route, ResourceRoute):
            raise TypeError(f"Instance of Route class is required, got {route!r}")
        if route.method == METH_ANY:
            self._any_route = route
        self._allowed_methods.add(route.method)
        self._routes[route.method] = route

    async def resolve(self, request: RoutableRequest) -> Resolved:
        return self.resolve_now(request)

    def resolve_now(self, request: RoutableRequest) -> Resolved:
        """``resolve()`` without the coroutine: matching a path never waits.

        The router calls this directly for resources whose class keeps
        ``Resource.resolve``, saving a coroutine per candidate on every request.
        """
        return self._resolve_at(request.rel_url.path_safe, request.method)

    def _resolve_at(self, path: str, method: str) -> Resolved:
        """:meth:`resolve_now` for a decoded ``path`` and a ``method`` the caller read once."""
        match_dict = self._match(path)
        if match_dict is None:
            return None, set()
        route = self._routes.get(method, self._any_route)
        if route is not None:
            return UrlMappingMatchInfo(match_dict, route), self._allowed_methods
        return None, self._allowed_methods

    @abc.abstractmethod
    def _match(self, path: str) -> dict[str, str] | None:
        """Path variables when *path* (decoded like ``URL.path_safe``) matches, else ``None``."""

    def __len__(self) -> int:
        return len(self._routes)

    def __iter__(self) -> Iterator[AbstractRoute]:
        return iter(self._routes.values())


class PlainResource(Resource):
    """A resource for one constant path such as ``/path/to``; matched by string equality."""

    def __init__(self, path: str, *, name: str | None = None) -> None:
        super().__init__(name=name)
        if path and not path.startswith("/"):
            raise ValueError("path should be started with / or be empty")
        self._path = path
        self._decoded = decode_path_safe(path)

    @property
    def canonical(self) -> str:
        return self._path

    def freeze(self) -> None:
        super().freeze()
        # An empty path only makes sense before a sub-app prefix is prepended.
        if not self._path:
            self._path = self._decoded = "/"

    def add_prefix(self, prefix: str) -> None:
        _check_prefix(prefix)
        self._path = prefix + self._path
        self._decoded = decode_path_safe(self._path)

    def _match(self, path: str) -> dict[str, str] | None:
        # String comparison is far cheaper than a regular expression.
        return {} if path == self._decoded else None

    def raw_match(self, path: str) -> bool:
        return self._path == path

    def get_info(self) -> InfoDict:
        return {"path": self._path}

    def url_for(self) -> URL:  # type: ignore[override]
        """The resource's URL; plain resources take no parameters."""
        return URL.build(path=requote_path(self._path), encoded=True)

    def __repr__(self) -> str:
        name = f"'{self.name}' " if self.name is not None else ""
        return f"<PlainResource {name} {self._path}>"


class PrefixResource(AbstractResource):
    """A resource answering every path under a prefix (base of sub-application mounts)."""

    def __init__(self, prefix: str, *, name: str | None = None) -> None:
        if prefix and not prefix.startswith("/"):
            raise ValueError(f"Prefix should start with '/', got {prefix!r}")
        if prefix not in ("", "/") and prefix.endswith("/"):
            raise ValueError(f"Prefix should not end with '/', got {prefix!r}")
        super().__init__(name=name)
        self._prefix = requote_path(prefix)

    @property
    def canonical(self) -> str:
        return self._prefix

    def add_prefix(self, prefix: str) -> None:
        _check_prefix(prefix)
        self._prefix = prefix + self._prefix

    def raw_match(self, path: str) -> bool:
        # Never reused by ``add_resource``: a prefix is not a route path.
        return False


def _check_prefix(prefix: str) -> None:
    """A mount prefix is ``/name`` with no trailing slash; the app layer normalizes it."""
    if not prefix.startswith("/") or prefix.endswith("/") or len(prefix) < 2:
        raise ValueError(f"Invalid prefix {prefix!r}: expected '/name' without trailing '/'")

"""The default router: an ordered table of resources, indexed by path for fast resolution."""

from __future__ import annotations

import keyword
import os
import re
import warnings
from collections.abc import Container, Iterable, Iterator, Mapping, Sized
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

from aiostrata.web_response import HTTPMethodNotAllowed, HTTPNotFound, StreamResponse

from .abc import AbstractRouter
from .dynamic_paths import DynamicResource, is_dynamic_path
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
from .match_info import MatchInfoError, UrlMappingMatchInfo
from .path_quoting import decode_path_safe
from .resources import AbstractResource, PlainResource, Resolved, Resource
from .subapps import MatchedSubAppResource

# Resources whose class keeps this ``resolve`` can be matched without a coroutine.
_SYNC_RESOLVE: Final = Resource.resolve
_SYNC_RESOLVE_NOW: Final = Resource.resolve_now

if TYPE_CHECKING:
    from .abc import AbstractView
    from .interfaces import RoutableRequest
    from .route_defs import AbstractRouteDef
    from .routes import AbstractRoute
    from .static_resources import StaticResource
    from .typedefs import ExpectHandler, Handler

# aiohttp: a route name is python identifiers joined by '.', ':' or '-', none a keyword.
_NAME_SPLIT: Final = re.compile(r"[.:-]")


class ResourcesView(Sized, Iterable[AbstractResource], Container[AbstractResource]):
    """A read-only live view of the router's resources, in registration order."""

    __slots__ = ("_resources",)

    def __init__(self, resources: list[AbstractResource]) -> None:
        self._resources = resources

    def __len__(self) -> int:
        return len(self._resources)

    def __iter__(self) -> Iterator[AbstractResource]:
        yield from self._resources

    def __contains__(self, resource: object) -> bool:
        return resource in self._resources


class RoutesView(Sized, Iterable["AbstractRoute"], Container["AbstractRoute"]):
    """The routes of all resources at the time of the call, in registration order."""

    __slots__ = ("_routes",)

    def __init__(self, resources: list[AbstractResource]) -> None:
        self._routes: list[AbstractRoute] = [route for res in resources for route in res]

    def __len__(self) -> int:
        return len(self._routes)

    def __iter__(self) -> Iterator[AbstractRoute]:
        yield from self._routes

    def __contains__(self, route: object) -> bool:
        return route in self._routes


def validate_route_name(name: str) -> None:
    """Raise ``ValueError`` unless *name* is dotted (or ``-``/``:``-joined) identifiers."""
    for part in _NAME_SPLIT.split(name):
        if keyword.iskeyword(part):
            raise ValueError(
                f"Incorrect route name {name!r}, python keywords cannot be used for route name"
            )
        if not part.isidentifier():
            raise ValueError(
                f"Incorrect route name {name!r}, the name should be a sequence of python "
                "identifiers separated by dash, dot or column"
            )


def index_key(resource: AbstractResource) -> str:
    """The path prefix under which *resource* is indexed for :meth:`UrlDispatcher.resolve`.

    The fixed part of its canonical path, cut back to the last whole segment
    (``/core/locations{tail}`` -> ``/core``) and decoded like request paths are.
    """
    key = resource.canonical
    if "{" in key:
        key = key.partition("{")[0].rpartition("/")[0]
    return decode_path_safe(key.rstrip("/")) or "/"


class UrlDispatcher(AbstractRouter, Mapping[str, AbstractResource]):
    """The default router; as a mapping it gives access to resources by name.

    Resolution (as aiohttp 3.10+): domain-matched sub-apps first, then the request path is
    walked from longest to shortest segment prefix, trying the resources indexed under each
    prefix in registration order. So ``/a/b`` beats ``/a/{name}`` whatever the order, and
    among resources with the same fixed prefix the first registered wins.
    """

    NAME_SPLIT_RE: Final = _NAME_SPLIT

    def __init__(self) -> None:
        super().__init__()
        self._resources: list[AbstractResource] = []
        self._named_resources: dict[str, AbstractResource] = {}
        self._resource_index: dict[str, list[AbstractResource]] = {}
        self._matched_sub_app_resources: list[MatchedSubAppResource] = []

    def resolve_now(self, request: RoutableRequest) -> UrlMappingMatchInfo | None:
        """:meth:`resolve` without awaiting, or None when a candidate must be awaited.

        Plain and dynamic resources match synchronously; a domain rule, a mounted
        sub-application or a resource class with its own ``resolve`` make this give
        up (None) before any side effect, and the caller awaits :meth:`resolve`.
        The application tries this first on every request.
        """
        if self._matched_sub_app_resources:
            return None
        allowed_methods: set[str] | None = None
        index = self._resource_index
        path = url_part = request.rel_url.path_safe
        method = request.method
        while url_part:
            for candidate in index.get(url_part, ()):
                kind = type(candidate)
                if (
                    kind.resolve is not _SYNC_RESOLVE
                    or getattr(kind, "resolve_now", None) is not _SYNC_RESOLVE_NOW
                ):
                    return None  # a resource with its own resolving: awaited, in resolve()
                # A Resource, by the check just above (no cast(): a call per candidate).
                resolved: Resolved = candidate._resolve_at(path, method)  # type: ignore[attr-defined]
                match_info, allowed = resolved
                if match_info is not None:
                    return match_info
                if allowed:
                    allowed_methods = allowed_methods | allowed if allowed_methods else set(allowed)
            if url_part == "/":
                break
            url_part = url_part.rpartition("/")[0] or "/"
        if allowed_methods:
            return MatchInfoError(HTTPMethodNotAllowed(method, allowed_methods))
        return MatchInfoError(HTTPNotFound())

    async def resolve(self, request: RoutableRequest) -> UrlMappingMatchInfo:
        """Find the route for *request*; a 404 / 405 comes back as a :class:`MatchInfoError`."""
        allowed_methods: set[str] = set()

        # Domain rules cannot be indexed by path; they go first so that a sub-app bound to a
        # host wins over the parent app's routes for the same path (aiohttp issue #11665).
        for sub_app in self._matched_sub_app_resources:
            match_info, allowed = await sub_app.resolve(request)
            if match_info is not None:
                return match_info
            allowed_methods |= allowed

        index = self._resource_index
        url_part = request.rel_url.path_safe
        while url_part:
            for candidate in index.get(url_part, ()):
                match_info, allowed = await candidate.resolve(request)
                if match_info is not None:
                    return match_info
                allowed_methods |= allowed
            if url_part == "/":
                break
            url_part = url_part.rpartition("/")[0] or "/"

        if allowed_methods:
            return MatchInfoError(HTTPMethodNotAllowed(request.method, allowed_methods))
        return MatchInfoError(HTTPNotFound())

    # Mapping over named resources --------------------------------------------------------

    def __iter__(self) -> Iterator[str]:
        return iter(self._named_resources)

    def __len__(self) -> int:
        return len(self._named_resources)

    def __contains__(self, resource: object) -> bool:
        return resource in self._named_resources

    def __getitem__(self, name: str) -> AbstractResource:
        return self._named_resources[name]

    def resources(self) -> ResourcesView:
        """A view of every registered resource."""
        return ResourcesView(self._resources)

    def routes(self) -> RoutesView:
        """A view of every registered route."""
        return RoutesView(self._resources)

    def named_resources(self) -> Mapping[str, AbstractResource]:
        """A read-only mapping of resource names to resources."""
        return MappingProxyType(self._named_resources)

    # Registration ---------------------------------------------------------------------------

    def register_resource(self, resource: AbstractResource) -> None:
        """Append *resource* to the table (``Application.add_subapp`` uses this too)."""
        if not isinstance(resource, AbstractResource):
            raise TypeError(f"Instance of AbstractResource class is required, got {resource!r}")
        if self.frozen:
            raise RuntimeError("Cannot register a resource into frozen router.")
        name = resource.name
        if name is not None:
            validate_route_name(name)
            if name in self._named_resources:
                raise ValueError(
                    f"Duplicate {name!r}, already handled by {self._named_resources[name]!r}"
                )
            self._named_resources[name] = resource
        self._resources.append(resource)
        if isinstance(resource, MatchedSubAppResource):
            self._matched_sub_app_resources.append(resource)
        else:
            self.index_resource(resource)

    def index_resource(self, resource: AbstractResource) -> None:
        """Add *resource* to the path index (after :meth:`unindex_resource` on a re-prefix)."""
        # A list per key keeps registration order among resources with the same fixed prefix.
        self._resource_index.setdefault(index_key(resource), []).append(resource)

    def unindex_resource(self, resource: AbstractResource) -> None:
        """Remove *resource* from the path index, before its path changes."""
        self._resource_index[index_key(resource)].remove(resource)

    def add_resource(self, path: str, *, name: str | None = None) -> Resource:
        """Append a resource for *path*, or reuse the last one if it has the same path and name.

        Raises ``ValueError`` for a path not starting with ``/`` (an empty path is allowed:
        it becomes the sub-app prefix itself once mounted).
        """
        if path and not path.startswith("/"):
            raise ValueError("path should be started with / or be empty")
        if self.frozen:
            raise RuntimeError("Cannot register a resource into frozen router.")
        if self._resources:
            last = self._resources[-1]
            if isinstance(last, Resource) and last.name == name and last.raw_match(path):
                return last
        resource: Resource
        if is_dynamic_path(path):
            resource = DynamicResource(path, name=name)
        else:
            resource = PlainResource(path, name=name)
        self.register_resource(resource)
        return resource

    def add_route(
        self,
        method: str,
        path: str,
        handler: Handler | type[AbstractView],
        *,
        name: str | None = None,
        expect_handler: ExpectHandler | None = None,
    ) -> AbstractRoute:
        """Add a route; a shortcut for ``add_resource(path).add_route(method, handler)``."""
        resource = self.add_resource(path, name=name)
        return resource.add_route(method, handler, expect_handler=expect_handler)

    def add_head(self, path: str, handler: Handler, **kwargs: Any) -> AbstractRoute:
        """Shortcut for ``add_route("HEAD", ...)``."""
        return self.add_route(METH_HEAD, path, handler, **kwargs)

    def add_options(self, path: str, handler: Handler, **kwargs: Any) -> AbstractRoute:
        """Shortcut for ``add_route("OPTIONS", ...)``."""
        return self.add_route(METH_OPTIONS, path, handler, **kwargs)

    def add_get(
        self,
        path: str,
        handler: Handler,
        *,
        name: str | None = None,
        allow_head: bool = True,
        **kwargs: Any,
    ) -> AbstractRoute:
        """Shortcut for ``add_route("GET", ...)``; also serves HEAD unless *allow_head* is false.

        The HEAD route shares the GET route's resource, hence its name.
        """
        resource = self.add_resource(path, name=name)
        if allow_head:
            resource.add_route(METH_HEAD, handler, **kwargs)
        return resource.add_route(METH_GET, handler, **kwargs)

    def add_post(self, path: str, handler: Handler, **kwargs: Any) -> AbstractRoute:
        """Shortcut for ``add_route("POST", ...)``."""
        return self.add_route(METH_POST, path, handler, **kwargs)

    def add_put(self, path: str, handler: Handler, **kwargs: Any) -> AbstractRoute:
        """Shortcut for ``add_route("PUT", ...)``."""
        return self.add_route(METH_PUT, path, handler, **kwargs)

    def add_patch(self, path: str, handler: Handler, **kwargs: Any) -> AbstractRoute:
        """Shortcut for ``add_route("PATCH", ...)``."""
        return self.add_route(METH_PATCH, path, handler, **kwargs)

    def add_delete(self, path: str, handler: Handler, **kwargs: Any) -> AbstractRoute:
        """Shortcut for ``add_route("DELETE", ...)``."""
        return self.add_route(METH_DELETE, path, handler, **kwargs)

    def add_view(self, path: str, handler: type[AbstractView], **kwargs: Any) -> AbstractRoute:
        """Shortcut for ``add_route("*", ...)`` with a class-based view."""
        return self.add_route(METH_ANY, path, handler, **kwargs)

    def add_static(
        self,
        prefix: str,
        path: str | os.PathLike[str],
        *,
        name: str | None = None,
        expect_handler: ExpectHandler | None = None,
        chunk_size: int = 256 * 1024,
        response_factory: type[StreamResponse] = StreamResponse,
        show_index: bool = False,
        follow_symlinks: bool = False,
        append_version: bool = False,
    ) -> StaticResource:
        """Serve the files under directory *path* at URL *prefix* (GET and HEAD).

        A trailing ``/`` of *prefix* is dropped. See :class:`StaticResource`; as in
        aiohttp the resource is returned (its routes are in ``get_info()["routes"]``).
        *response_factory* is in aiohttp's documented signature only: files are always
        sent with ``FileResponse``, so another value is refused with a warning.
        """
        if response_factory is not StreamResponse:
            warnings.warn(
                "add_static(response_factory=...) has no effect: files are sent with FileResponse",
                DeprecationWarning,
                stacklevel=2,
            )
        if not prefix.startswith("/"):
            raise ValueError(f"Static prefix should start with '/', got {prefix!r}")
        # Imported here, at setup: an application without static routes never loads it.
        from .static_resources import StaticResource

        resource = StaticResource(
            prefix.rstrip("/"),
            path,
            name=name,
            expect_handler=expect_handler,
            chunk_size=chunk_size,
            show_index=show_index,
            follow_symlinks=follow_symlinks,
            append_version=append_version,
        )
        self.register_resource(resource)
        return resource

    def add_routes(self, routes_table: Iterable[AbstractRouteDef]) -> list[AbstractRoute]:
        """Register route definitions (a RouteTableDef or a list of RouteDef); return the routes."""
        registered: list[AbstractRoute] = []
        for route_def in routes_table:
            registered.extend(route_def.register(self))
        return registered

    def freeze(self) -> None:
        """Forbid new resources and let each resource finish its setup."""
        super().freeze()
        for resource in self._resources:
            resource.freeze()

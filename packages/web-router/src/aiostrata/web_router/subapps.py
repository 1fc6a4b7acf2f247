"""Resources that hand a request over to a nested application's own router."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from aiostrata.web_response import HTTPMethodNotAllowed

from .resources import AbstractResource, PrefixResource

if TYPE_CHECKING:
    from yarl import URL

    from .domains import AbstractRuleMatching
    from .interfaces import RoutableRequest, SubApplication
    from .match_info import UrlMappingMatchInfo
    from .resources import Resolved
    from .routes import AbstractRoute
    from .typedefs import InfoDict


def _allowed_methods(match_info: UrlMappingMatchInfo) -> set[str]:
    exc = match_info.http_exception
    if isinstance(exc, HTTPMethodNotAllowed):
        return set(exc.allowed_methods)
    return set()


class PrefixedSubAppResource(PrefixResource):
    """Everything under ``prefix`` belongs to *app* (``Application.add_subapp``).

    Mounting prepends the prefix to every resource of the sub-app, so the sub-app's router
    resolves the full request path. Whatever it answers, even 404, is final for the
    prefix, and the sub-app joins the match info's application stack.
    """

    def __init__(self, prefix: str, app: SubApplication) -> None:
        super().__init__(prefix)
        self._app = app
        self._add_prefix_to_resources(prefix)

    def add_prefix(self, prefix: str) -> None:
        super().add_prefix(prefix)
        self._add_prefix_to_resources(prefix)

    def _add_prefix_to_resources(self, prefix: str) -> None:
        router = self._app.router
        for resource in router.resources():
            # The resource's path changes, and with it its place in the router's index.
            router.unindex_resource(resource)
            resource.add_prefix(prefix)
            router.index_resource(resource)

    def url_for(self, *args: str, **kwargs: str) -> URL:
        raise RuntimeError(".url_for() is not supported by sub-application root")

    def get_info(self) -> InfoDict:
        return {"app": self._app, "prefix": self._prefix}

    async def resolve(self, request: RoutableRequest) -> Resolved:
        match_info = await self._app.router.resolve(request)
        match_info.add_app(self._app)
        return match_info, _allowed_methods(match_info)

    def __len__(self) -> int:
        return len(self._app.router.routes())

    def __iter__(self) -> Iterator[AbstractRoute]:
        return iter(self._app.router.routes())

    def __repr__(self) -> str:
        return f"<PrefixedSubAppResource {self._prefix} -> {self._app!r}>"


class MatchedSubAppResource(PrefixedSubAppResource):
    """*app* answers the requests that satisfy *rule* (``Application.add_domain``)."""

    def __init__(self, rule: AbstractRuleMatching, app: SubApplication) -> None:
        AbstractResource.__init__(self)
        self._prefix = ""
        self._app = app
        self._rule = rule

    @property
    def canonical(self) -> str:
        return self._rule.canonical

    def get_info(self) -> InfoDict:
        return {"app": self._app, "rule": self._rule}

    async def resolve(self, request: RoutableRequest) -> Resolved:
        if not await self._rule.match(request):
            return None, set()
        return await super().resolve(request)

    def __repr__(self) -> str:
        return f"<MatchedSubAppResource -> {self._app!r}>"

"""The aiohttp.abc-style interfaces can be implemented by hand."""

from __future__ import annotations

from typing import Any

from router_fakes import FakeApp, make_request, ok

from aiostrata.web_router import (
    AbstractMatchInfo,
    AbstractRouter,
    PlainResource,
    UrlDispatcher,
    UrlMappingMatchInfo,
)


class OneRouteRouter(AbstractRouter):
    """A router that sends everything to one handler, like a traversal router might."""

    def __init__(self) -> None:
        super().__init__()
        self._resource = PlainResource("/")
        self._route = self._resource.add_route("*", ok)

    async def resolve(self, request: Any) -> AbstractMatchInfo:
        return UrlMappingMatchInfo({"path": request.rel_url.path}, self._route)


async def test_custom_router_resolves_and_freezes() -> None:
    router = OneRouteRouter()
    router.post_init(FakeApp("app"))
    before = router.frozen
    router.freeze()
    assert (before, router.frozen) == (False, True)
    match_info = await router.resolve(make_request("GET", "/any/thing"))
    assert match_info.handler is ok
    assert match_info.get_info() == {"path": "/"}


def test_url_dispatcher_is_an_abstract_router() -> None:
    assert isinstance(UrlDispatcher(), AbstractRouter)

"""UrlDispatcher.resolve_now: the synchronous twin of resolve(), or None when it must await."""

from __future__ import annotations

import pytest
from router_fakes import FakeApp, make_request, ok, other

from aiostrata.web_response import HTTPMethodNotAllowed, HTTPNotFound
from aiostrata.web_router import (
    PlainResource,
    PrefixedSubAppResource,
    RoutableRequest,
    UrlDispatcher,
    UrlMappingMatchInfo,
)
from aiostrata.web_router.resources import Resolved


def _router() -> UrlDispatcher:
    router = UrlDispatcher()
    router.add_get("/plain", ok)
    router.add_post("/plain", other)
    router.add_get("/users/{name}", other)
    router.add_route("*", "/any/{tail:.*}", ok)
    router.add_get("/users/me", ok)  # a plain path beats a dynamic one, whatever the order
    return router


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/plain"),
        ("POST", "/plain"),
        ("GET", "/users/bob"),
        ("GET", "/users/me"),
        ("DELETE", "/any/x/y"),
        ("PUT", "/plain"),  # 405
        ("GET", "/missing"),  # 404
        ("GET", "/users/bob/extra"),  # 404
    ],
)
async def test_resolve_now_gives_what_resolve_gives(method: str, path: str) -> None:
    router = _router()
    request = make_request(method, path)
    now = router.resolve_now(request)
    later = await router.resolve(request)
    assert now is not None
    assert type(now) is type(later)
    assert dict(now) == dict(later)
    if later.http_exception is None:
        assert now.route is later.route
    else:
        assert now.http_exception is not None
        assert type(now.http_exception) is type(later.http_exception)
        assert now.http_exception.headers.get("Allow") == later.http_exception.headers.get("Allow")


async def test_405_lists_every_method_of_the_path() -> None:
    match_info = _router().resolve_now(make_request("PUT", "/plain"))
    assert match_info is not None
    assert isinstance(match_info.http_exception, HTTPMethodNotAllowed)
    assert set(match_info.http_exception.headers["Allow"].split(",")) == {"GET", "POST", "HEAD"}


async def test_404_when_nothing_matches() -> None:
    match_info = _router().resolve_now(make_request("GET", "/nothing/here"))
    assert match_info is not None
    assert isinstance(match_info.http_exception, HTTPNotFound)


async def test_a_sub_application_needs_the_awaited_path() -> None:
    root, sub = FakeApp("root"), FakeApp("sub")
    sub.router.add_get("/plain", ok)
    root.router.register_resource(PrefixedSubAppResource("/api", sub))
    assert root.router.resolve_now(make_request("GET", "/api/plain")) is None
    match_info = await root.router.resolve(make_request("GET", "/api/plain"))
    assert match_info.apps == (sub,)


class _OwnResolve(PlainResource):
    """A resource class with its own ``resolve``: it records each call."""

    seen: list[str]

    async def resolve(self, request: object) -> Resolved:
        self.seen.append("resolve")
        return await super().resolve(request)  # type: ignore[arg-type]


class _OwnResolveNow(PlainResource):
    """A resource class with its own ``resolve_now``: it records each call."""

    seen: list[str]

    def resolve_now(self, request: RoutableRequest) -> Resolved:
        self.seen.append("resolve_now")
        return super().resolve_now(request)


@pytest.mark.parametrize(
    ("cls", "called"), [(_OwnResolve, "resolve"), (_OwnResolveNow, "resolve_now")]
)
async def test_a_resource_with_its_own_resolving_is_awaited(
    cls: type[PlainResource], called: str
) -> None:
    resource = cls("/counted")
    resource.seen = []  # type: ignore[attr-defined]
    router = UrlDispatcher()
    router.register_resource(resource)
    resource.add_route("GET", ok)
    assert router.resolve_now(make_request("GET", "/counted")) is None
    match_info = await router.resolve(make_request("GET", "/counted"))
    assert isinstance(match_info, UrlMappingMatchInfo)
    assert match_info.route.resource is resource
    assert resource.seen == [called]  # type: ignore[attr-defined]

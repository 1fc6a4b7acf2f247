"""The router used alone, type-checked with ``mypy --strict`` against web-router's own install.

A program that routes with ``aiostrata.web_router`` and runs the handlers itself
may give them any return type: the router never reads it.
"""

from __future__ import annotations

from typing import Any, assert_type

from aiostrata.web_router import AbstractRoute, RouteTableDef, UrlDispatcher, UrlMappingMatchInfo

routes = RouteTableDef()


@routes.get("/text")
async def text(request: Any) -> str:
    return "a string, not a response"


async def count(request: Any) -> int:
    return 1


def make_router() -> UrlDispatcher:
    router = UrlDispatcher()
    router.add_routes(routes)
    router.add_get("/count", count)
    router.add_route("POST", "/text", text)
    return router


async def run(router: UrlDispatcher, request: Any) -> object:
    match = await router.resolve(request)
    assert_type(match, UrlMappingMatchInfo)
    assert_type(match.route, AbstractRoute)
    return await match.handler(request)

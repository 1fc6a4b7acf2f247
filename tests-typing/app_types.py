"""A small user application, type-checked with ``mypy --strict`` (``nox -s typing``).

Each ``assert_type`` states what a handler author's editor and type checker see
through the meta-package: the request's application, a typed key's value, the
match with its route. The module is also importable, so a wrong runtime name
fails as well.
"""

from __future__ import annotations

from typing import assert_type

from aiostrata import web
from aiostrata.web_app import Handler
from aiostrata.web_router import AbstractRoute, UrlMappingMatchInfo


class Database:
    """The kind of object an application keeps in its state."""

    def query(self) -> list[str]:
        return ["row"]


db_key = web.AppKey("db_key", Database)
hits_key = web.RequestKey("hits_key", int)
trace_key = web.ResponseKey("trace_key", str)
routes = web.RouteTableDef()


@routes.get("/{name}")
async def hello(request: web.Request) -> web.Response:
    assert_type(request.app, web.Application)
    assert_type(request.app[db_key], Database)
    assert_type(request.config_dict[db_key], Database)
    assert_type(request.config_dict.get(db_key), Database | None)
    assert_type(request.match_info, UrlMappingMatchInfo)
    assert_type(request.match_info.route, AbstractRoute)
    assert_type(request.match_info["name"], str)
    request[hits_key] = 1
    assert_type(request[hits_key], int)
    response = web.Response(text=", ".join(request.app[db_key].query()))
    response[trace_key] = "t"
    assert_type(response[trace_key], str)
    return response


@web.middleware
async def count(request: web.Request, handler: Handler) -> web.StreamResponse:
    assert_type(request.app, web.Application)
    return await handler(request)


def make_app() -> web.Application:
    app = web.Application(middlewares=[count])
    app[db_key] = Database()
    assert_type(app[db_key], Database)
    app.add_routes(routes)
    app.router.add_get("/", hello)
    return app

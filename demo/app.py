"""A small aiostrata app: the same code runs on aiohttp if the import is changed back.

Serve it with ``python -m aiostrata.web -H 127.0.0.1 -P 8080 demo.app:init_app``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from aiostrata import web

routes = web.RouteTableDef()
started_at = web.AppKey("started_at", float)


@routes.get("/")
async def index(request: web.Request) -> web.Response:
    return web.Response(text="Hello from aiostrata\n")


@routes.get("/hello/{name}")
async def hello(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    return web.Response(text=f"Hello, {name}!\n")


@routes.get("/json")
async def as_json(request: web.Request) -> web.Response:
    uptime = time.monotonic() - request.app[started_at]
    return web.json_response({"framework": "aiostrata", "uptime_s": round(uptime, 3)})


@routes.post("/echo")
async def echo(request: web.Request) -> web.Response:
    body = await request.read()
    return web.Response(body=body, content_type=request.content_type)


@routes.get("/teapot")
async def teapot(request: web.Request) -> web.Response:
    raise web.HTTPNotFound(text="no teapot here\n")


def init_app(argv: Sequence[str] | None = None) -> web.Application:
    app = web.Application()
    app[started_at] = time.monotonic()
    app.add_routes(routes)
    return app

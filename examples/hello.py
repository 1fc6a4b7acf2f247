"""Hello, world: one route with a path variable.

python examples/hello.py                                   # http://127.0.0.1:8080/
python -m aiostrata.web -P 8080 examples.hello:init_app    # the same, from the repo root
"""

from __future__ import annotations

from collections.abc import Sequence

from aiostrata import web

routes = web.RouteTableDef()


@routes.get("/")
@routes.get("/{name}")
async def hello(request: web.Request) -> web.Response:
    name = request.match_info.get("name", "world")
    return web.Response(text=f"Hello, {name}!")


def init_app(argv: Sequence[str] | None = None) -> web.Application:
    app = web.Application()
    app.add_routes(routes)
    return app


if __name__ == "__main__":
    import os

    web.run_app(init_app(), host="127.0.0.1", port=int(os.environ.get("PORT", "8080")))

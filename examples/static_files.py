"""Static files from a folder, with a directory listing, next to a dynamic route.

    python examples/static_files.py    # http://127.0.0.1:8080/static/index.html

``add_static`` answers GET and HEAD with ETag, Last-Modified, Range and (with
``append_version=True`` in ``url_for``) cache-busting URLs; paths never leave the folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aiostrata import web

STATIC = Path(__file__).resolve().parent / "static"


async def index(request: web.Request) -> web.Response:
    """``/`` sends the browser to the folder's page."""
    raise web.HTTPFound(location=request.app.router["static"].url_for(filename="index.html"))


async def stylesheet_url(request: web.Request) -> web.Response:
    """The stylesheet's URL with a hash of its content: a new URL whenever the file changes."""
    static = request.app.router["static"]
    if not isinstance(static, web.StaticResource):  # only its url_for takes append_version
        raise TypeError("the 'static' route is not a static resource")
    url = static.url_for(filename="style.css", append_version=True)
    return web.Response(text=str(url))


def init_app(argv: Sequence[str] | None = None) -> web.Application:
    app = web.Application()
    app.router.add_get("/", index)
    app.router.add_get("/stylesheet-url", stylesheet_url)
    app.router.add_static("/static", STATIC, name="static", show_index=True)
    return app


if __name__ == "__main__":
    web.run_app(init_app(), host="127.0.0.1", port=8080)

"""Sub-applications: an API and an admin area mounted under prefixes, each with its own state,
middleware and routes, sharing the root's configuration.

    python examples/sub_applications.py

    GET /                      links to both, built with url_for across applications
    GET /api/v1/status         the API's JSON, with the root's "site" setting (config_dict)
    GET /admin/                needs the header "X-Admin-Token: secret" (the admin middleware)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from aiostrata import web

site_key = web.AppKey("site_key", str)
api_key = web.AppKey("api_key", web.Application)
admin_key = web.AppKey("admin_key", web.Application)
version_key = web.AppKey("version_key", str)


async def root_index(request: web.Request) -> web.Response:
    api = request.app[api_key]
    admin = request.app[admin_key]
    links = {
        "status": str(api.router["status"].url_for()),
        "admin": str(admin.router["dashboard"].url_for()),
    }
    return web.json_response(links)


async def status(request: web.Request) -> web.Response:
    return web.json_response(
        {"site": request.config_dict[site_key], "version": request.app[version_key]}
    )


@web.middleware
async def require_token(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Runs only for requests routed into the admin application."""
    if request.headers.get("X-Admin-Token") != "secret":
        raise web.HTTPForbidden(text="admins only")
    return await handler(request)


async def dashboard(request: web.Request) -> web.Response:
    return web.Response(text=f"admin of {request.config_dict[site_key]}")


def init_app(argv: Sequence[str] | None = None) -> web.Application:
    api = web.Application()
    api[version_key] = "1.0"
    api.router.add_get("/status", status, name="status")

    admin = web.Application(middlewares=[require_token])
    admin.router.add_get("/", dashboard, name="dashboard")

    app = web.Application()
    app[site_key] = "example.org"
    app[api_key] = api
    app[admin_key] = admin
    app.router.add_get("/", root_index)
    app.add_subapp("/api/v1", api)
    app.add_subapp("/admin", admin)
    return app


if __name__ == "__main__":
    web.run_app(init_app(), host="127.0.0.1", port=8080)

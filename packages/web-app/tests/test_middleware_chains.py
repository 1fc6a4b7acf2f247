"""Middleware chains: built once for new-style middlewares, per request for old-style ones."""

from __future__ import annotations

import pytest
from app_requests import call

from aiostrata.web_app import AppKey, Application, Handler, Request, middleware
from aiostrata.web_response import Response, StreamResponse


async def test_new_style_chain_runs_in_order_on_every_request_and_for_every_route() -> None:
    calls: list[str] = []

    def recording(name: str) -> object:
        @middleware
        async def record(request: Request, handler: Handler) -> StreamResponse:
            calls.append(f"{name}:{request.path}")
            return await handler(request)

        return record

    app = Application(middlewares=[recording("outer"), recording("inner")])

    async def first(request: Request) -> Response:
        return Response(text="first")

    async def second(request: Request) -> Response:
        return Response(text="second")

    app.router.add_get("/first", first)
    app.router.add_get("/second/{name}", second)
    bodies = []
    for path in ["/first", "/second/x", "/first", "/second/y"]:
        response = await call(app, "GET", path)
        assert isinstance(response, Response)
        bodies.append(response.text)
    assert bodies == ["first", "second", "first", "second"]
    assert calls == [
        f"{layer}:{path}"
        for path in ["/first", "/second/x", "/first", "/second/y"]
        for layer in ("outer", "inner")
    ]


async def test_kept_chains_stay_bounded_whatever_the_traffic() -> None:
    @middleware
    async def passthrough(request: Request, handler: Handler) -> StreamResponse:
        return await handler(request)

    app = Application(middlewares=[passthrough])

    async def handler(request: Request) -> Response:
        return Response(text="ok")

    app.router.add_get("/{name}", handler)
    for index in range(50):
        await call(app, "GET", f"/{index}")
        await call(app, "GET", f"/missing/{index}")  # 404s: a handler object each time
    assert len(app._middleware_chains) <= 4096


async def test_old_style_middleware_factory_is_called_for_every_request() -> None:
    made: list[str] = []

    async def factory(app: Application, handler: Handler) -> Handler:
        made.append("factory")

        async def wrapped(request: Request) -> StreamResponse:
            response = await handler(request)
            response.headers["X-Old"] = "yes"
            return response

        return wrapped

    app = Application(middlewares=[factory])

    async def handler(request: Request) -> Response:
        return Response(text="ok")

    app.router.add_get("/", handler)
    with pytest.warns(DeprecationWarning, match="old-style middleware"):
        app.freeze()
    for _ in range(3):
        response = await call(app, "GET", "/")
        assert response.status == 200
        assert response.headers["X-Old"] == "yes"
    assert made == ["factory"] * 3


async def test_each_apps_middleware_sees_its_own_app_and_the_handler_its_own() -> None:
    seen: list[tuple[str, str, str]] = []
    name = AppKey("name", str)

    def recording(layer: str) -> object:
        @middleware
        async def record(request: Request, handler: Handler) -> StreamResponse:
            seen.append((layer, request.app[name], request.config_dict[name]))
            response = await handler(request)
            # After the inner layers return, this layer's app is current again.
            seen.append((f"{layer} after", request.app[name], request.config_dict[name]))
            return response

        return record

    root = Application(middlewares=[recording("root mw")])
    root[name] = "root"
    sub = Application(middlewares=[recording("sub mw")])
    sub[name] = "sub"
    plain = Application()  # a sub-app without middlewares of its own
    plain[name] = "plain"

    async def handler(request: Request) -> Response:
        seen.append(("handler", request.app[name], request.config_dict[name]))
        return Response(text="ok")

    sub.router.add_get("/x", handler)
    plain.router.add_get("/y", handler)
    root.add_subapp("/sub", sub)
    root.add_subapp("/plain", plain)
    await call(root, "GET", "/sub/x")
    assert seen == [
        ("root mw", "root", "root"),
        ("sub mw", "sub", "sub"),
        ("handler", "sub", "sub"),
        ("sub mw after", "sub", "sub"),
        ("root mw after", "root", "root"),
    ]
    seen.clear()
    await call(root, "GET", "/plain/y")
    assert seen == [
        ("root mw", "root", "root"),
        ("handler", "plain", "plain"),
        ("root mw after", "root", "root"),
    ]

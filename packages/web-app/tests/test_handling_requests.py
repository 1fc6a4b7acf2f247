"""Routing, middlewares and sub-applications, through Application._handle."""

from __future__ import annotations

import pytest
from app_requests import call

from aiostrata import web_app, web_request
from aiostrata.web_app import (
    AppKey,
    Application,
    Handler,
    Request,
    middleware,
    normalize_path_middleware,
)
from aiostrata.web_response import HTTPRedirection, Response, StreamResponse


async def test_routes_and_match_info_reach_the_handler() -> None:
    app = Application()

    async def user(request: Request) -> Response:
        assert request.app is app
        return Response(text=request.match_info["name"])

    app.router.add_get("/users/{name}", user)
    response = await call(app, "GET", "/users/ann")
    assert isinstance(response, Response)
    assert response.text == "ann"
    assert (await call(app, "GET", "/nope")).status == 404
    not_allowed = await call(app, "POST", "/users/ann")
    assert not_allowed.status == 405
    assert not_allowed.headers["Allow"] == "GET,HEAD"


async def test_handlers_receive_the_application_request_class() -> None:
    app = Application()
    seen: list[object] = []

    async def handler(request: Request) -> Response:
        seen.append(request)
        return Response()

    app.router.add_get("/", handler)
    await call(app, "GET", "/")
    (request,) = seen
    # The class whose app/match_info are typed as Application/UrlMappingMatchInfo.
    assert type(request) is web_app.Request
    assert isinstance(request, web_request.Request)


async def test_middlewares_wrap_in_declaration_order() -> None:
    order: list[str] = []

    def tracer(name: str) -> object:
        @middleware
        async def mw(request: Request, handler: Handler) -> StreamResponse:
            order.append(f"{name} in")
            response = await handler(request)
            order.append(f"{name} out")
            return response

        return mw

    app = Application(middlewares=[tracer("outer"), tracer("inner")])

    async def handler(request: Request) -> Response:
        order.append("handler")
        return Response()

    app.router.add_get("/", handler)
    await call(app, "GET", "/")
    assert order == ["outer in", "inner in", "handler", "inner out", "outer out"]


async def test_sub_application_gets_its_own_middlewares_and_config() -> None:
    seen: list[str] = []
    name = AppKey("name", str)
    root_only = AppKey("root_only", str)

    @middleware
    async def root_mw(request: Request, handler: Handler) -> StreamResponse:
        seen.append("root")
        return await handler(request)

    @middleware
    async def sub_mw(request: Request, handler: Handler) -> StreamResponse:
        seen.append("sub")
        return await handler(request)

    root = Application(middlewares=[root_mw])
    sub = Application(middlewares=[sub_mw])
    root[name] = "root"
    root[root_only] = "yes"
    sub[name] = "sub"

    async def handler(request: Request) -> Response:
        config = request.config_dict
        return Response(text=f"{config[name]} {config[root_only]} {request.app[name]}")

    sub.router.add_get("/x", handler)
    root.add_subapp("/api/", sub)
    response = await call(root, "GET", "/api/x")
    assert isinstance(response, Response)
    assert response.text == "sub yes sub"
    assert seen == ["root", "sub"]
    assert (await call(root, "GET", "/x")).status == 404


async def test_domain_sub_application() -> None:
    app = Application()
    sub = Application()

    async def handler(request: Request) -> Response:
        return Response(text="domain")

    sub.router.add_get("/", handler)
    app.add_domain("*.example.com", sub)
    response = await call(app, "GET", "/")
    assert response.status == 404  # Host: test does not match


async def test_subapp_rules() -> None:
    app = Application()
    with pytest.raises(ValueError, match="Prefix"):
        app.add_subapp("/", Application())
    frozen = Application()
    frozen.freeze()
    with pytest.raises(RuntimeError):
        app.add_subapp("/f", frozen)
    with pytest.raises(TypeError):
        app.add_domain(1, Application())  # type: ignore[arg-type]


async def test_normalize_path_appends_slash_and_merges_slashes() -> None:
    app = Application(middlewares=[normalize_path_middleware()])

    async def handler(request: Request) -> Response:
        return Response(text="ok")

    app.router.add_get("/a/", handler)
    response = await call(app, "GET", "/a?x=1")
    assert isinstance(response, HTTPRedirection)
    assert response.status == 308
    assert response.headers["Location"] == "/a/?x=1"
    merged = await call(app, "GET", "//a//")
    assert merged.headers["Location"] == "/a/"


async def test_normalize_path_never_redirects_off_site() -> None:
    """CVE-2021-21330's class: '//evil.example' must not become a protocol-relative Location."""
    app = Application(middlewares=[normalize_path_middleware(merge_slashes=False)])

    async def handler(request: Request) -> Response:
        return Response(text="ok")

    app.router.add_get("/evil.example/", handler)
    response = await call(app, "GET", "//evil.example")
    location = response.headers.get("Location", "")
    assert not location.startswith("//")
    assert response.status in (308, 404)


def test_normalize_path_refuses_contradictory_options() -> None:
    with pytest.raises(ValueError, match="slash"):
        normalize_path_middleware(append_slash=True, remove_slash=True)


@pytest.mark.parametrize("path", ["/\\evil.example", "/\\/evil.example", "//\\evil.example"])
async def test_normalize_path_never_redirects_off_site_through_a_backslash(path: str) -> None:
    """Browsers read '\\' as '/': a Location of '/\\evil' would leave the site."""
    app = Application(middlewares=[normalize_path_middleware()])

    async def handler(request: Request) -> Response:
        return Response(text="ok")

    app.router.add_get("/{anything:.+}/", handler)
    response = await call(app, "GET", path)
    location = response.headers.get("Location", "")
    assert "\\" not in location
    assert not location.startswith("//")
    if location:
        assert location.startswith("/%5C")

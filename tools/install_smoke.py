"""Use one installed aiostrata package the way a user who installed only it would.

    python install_smoke.py MODULE DIST[,DIST...]

Run by the nox session ``install`` with the interpreter of a fresh venv made outside the
source tree, into which only ``pip install --find-links dist <distribution>`` has installed
anything. It checks that the aiostrata distributions in the venv are exactly DIST... (what
the README says the package pulls in), that MODULE imports from site-packages, and then uses
MODULE's public API for real: parsing a request, building a response, routing, serving on
127.0.0.1. Standard library only (besides what it exercises); copied next to the venv, so
nothing from the repository is importable. Exit status 1 on any failure.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.metadata
import json
import re
import sys
import sysconfig
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

NAMESPACE = "aiostrata"


def expect(condition: object, detail: object) -> None:
    """Fail the smoke test with what was found (not an assert: -O must not skip it)."""
    if not condition:
        raise SystemExit(f"FAILED: {detail}")


def installed_siblings() -> set[str]:
    """Normalized names of the installed aiostrata distributions."""
    names = set()
    for dist in importlib.metadata.distributions():
        name = re.sub(r"[-_.]+", "-", dist.metadata["Name"]).lower()
        if name == NAMESPACE or name.startswith(f"{NAMESPACE}-"):
            names.add(name)
    return names


async def http_get(port: int, target: str) -> tuple[int, bytes]:
    """One HTTP/1.1 GET on a real socket; the status code and the body (Connection: close)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    writer.write(request.encode("ascii"))
    await writer.drain()
    raw = await asyncio.wait_for(reader.read(), timeout=10)
    writer.close()
    await writer.wait_closed()
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, body


async def use_http_parser() -> None:
    from aiostrata.http_parser import HttpRequestParser, MessageComplete, RequestHead

    raw = b"POST /items?id=7 HTTP/1.1\r\nHost: example.org\r\nContent-Length: 2\r\n\r\nhi"
    events = HttpRequestParser().feed_data(raw)
    head = events[0]
    if not isinstance(head, RequestHead):
        raise SystemExit(f"FAILED: no request head first: {events}")
    expect(head.message.method == "POST", head.message)
    expect(head.message.path == "/items?id=7", head.message)
    expect(head.message.headers["Host"] == "example.org", head.message.headers)
    expect(isinstance(events[-1], MessageComplete), events)


async def use_web_response() -> None:
    from aiostrata.web_response import HTTPNotFound, Response, json_response

    response = json_response({"hello": "world"}, status=201)
    expect(response.status == 201, response.status)
    expect(response.content_type == "application/json", response.content_type)
    expect(isinstance(response.body, bytes), response.body)
    expect(json.loads(response.text or "") == {"hello": "world"}, response.text)
    expect(Response(text="x").charset == "utf-8", 'Response(text="x").charset == "utf-8"')
    expect(HTTPNotFound().status == 404, "HTTPNotFound().status == 404")


async def use_web_request() -> None:
    from aiostrata.http_parser import HttpRequestParser, RequestHead, StreamReader, StreamWriter
    from aiostrata.web_request import BaseRequest

    class Transport(asyncio.Transport):
        def get_extra_info(self, name: str, default: Any = None) -> Any:
            return ("127.0.0.1", 50000) if name == "peername" else default

    class Connection:
        transport = Transport()

        async def writer_drain(self) -> None:
            return None

    loop = asyncio.get_running_loop()
    raw = b"POST /form?a=1 HTTP/1.1\r\nHost: example.org\r\nContent-Length: 5\r\n\r\nhello"
    head, *_ = HttpRequestParser().feed_data(raw)
    if not isinstance(head, RequestHead):
        raise SystemExit(f"FAILED: no request head first: {head}")
    payload = StreamReader(None, 2**16, loop=loop)
    payload.feed_data(b"hello")
    payload.feed_eof()
    connection = Connection()
    writer = StreamWriter(connection, loop)
    request = BaseRequest(head.message, payload, connection, writer, None, loop)
    expect(request.method == "POST", request.method)
    expect(request.path == "/form", request.path)
    expect(request.query["a"] == "1", request.query)
    expect(request.host == "example.org", request.host)
    expect(await request.text() == "hello", 'await request.text() == "hello"')


async def use_web_router() -> None:
    import yarl

    from aiostrata.web_response import Response
    from aiostrata.web_router import RouteTableDef, UrlDispatcher

    routes = RouteTableDef()

    @routes.get("/users/{name}", name="user")
    async def user(request: Any) -> Response:
        return Response(text=f"user {request.match_info['name']}")

    router = UrlDispatcher()
    router.add_routes(routes)
    expect(
        str(router["user"].url_for(name="jörg")) == "/users/j%C3%B6rg",
        'str(router["user"].url_for(name="jörg")) == "/users/j%C3%B6rg"',
    )

    class Request:
        method = "GET"
        rel_url = yarl.URL("/users/ada")
        host = "example.org"
        match_info: Any = None

    request = Request()
    match_info = await router.resolve(request)
    request.match_info = match_info
    response = await match_info.handler(request)
    expect(isinstance(response, Response) and response.text == "user ada", response)
    request.rel_url = yarl.URL("/nope")
    missing = await router.resolve(request)
    status = missing.http_exception.status if missing.http_exception else None
    expect(status == 404, f"an unknown path resolves to {status}, not 404")


async def use_web_app() -> None:
    from aiostrata.web_app import AppKey, Application

    events: list[str] = []
    name_key = AppKey("name", str)

    async def on_startup(app: Application) -> None:
        events.append(f"start {app[name_key]}")

    async def on_cleanup(app: Application) -> None:
        events.append("cleanup")

    app = Application()
    app[name_key] = "smoke"
    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    app.freeze()  # what a runner does before startup: signals and router become read-only
    await app.startup()
    await app.cleanup()
    expect(events == ["start smoke", "cleanup"], events)
    expect(app.router.frozen, "app.router.frozen")


async def _serve(app: Any, check: Callable[[int], Awaitable[None]]) -> None:
    from aiostrata.web_runner import AppRunner, TCPSite

    runner = AppRunner(app)
    await runner.setup()
    try:
        site = TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        await check(port)
    finally:
        await runner.cleanup()


async def use_web_runner() -> None:
    from aiostrata.web_app import Application
    from aiostrata.web_response import Response

    async def hello(request: Any) -> Response:
        return Response(text="hello from the runner")

    app = Application()
    app.router.add_get("/", hello)

    async def check(port: int) -> None:
        expect(
            await http_get(port, "/") == (200, b"hello from the runner"),
            'await http_get(port, "/") == (200, b"hello from the runner")',
        )
        status, _ = await http_get(port, "/missing")
        expect(status == 404, status)

    await _serve(app, check)


async def use_web() -> None:
    from aiostrata import web

    async def hello(request: web.Request) -> web.Response:
        return web.json_response({"name": request.match_info["name"]})

    app = web.Application()
    app.router.add_get("/hello/{name}", hello)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        status, body = await http_get(port, "/hello/ada")
        expect((status, json.loads(body)) == (200, {"name": "ada"}), (status, body))
    finally:
        await runner.cleanup()


USES: dict[str, Callable[[], Coroutine[Any, Any, None]]] = {
    "aiostrata.http_parser": use_http_parser,
    "aiostrata.web_response": use_web_response,
    "aiostrata.web_request": use_web_request,
    "aiostrata.web_router": use_web_router,
    "aiostrata.web_app": use_web_app,
    "aiostrata.web_runner": use_web_runner,
    "aiostrata.web": use_web,
}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in USES:
        print(__doc__, file=sys.stderr)
        return 2
    module_name, expected = argv[0], set(argv[1].split(","))
    found = installed_siblings()
    if found != expected:
        print(f"FAILED: aiostrata distributions installed: {sorted(found)}", file=sys.stderr)
        print(f"        expected exactly:                  {sorted(expected)}", file=sys.stderr)
        return 1
    module = importlib.import_module(module_name)
    origin = Path(module.__file__ or "").resolve()
    purelib = Path(sysconfig.get_paths()["purelib"]).resolve()
    if not origin.is_relative_to(purelib):
        print(f"FAILED: {module_name} comes from {origin}, not {purelib}", file=sys.stderr)
        return 1
    asyncio.run(USES[module_name]())
    print(
        f"{module_name} {getattr(module, '__version__', '?')}: installed alone with "
        f"{', '.join(sorted(found))}; imported from {origin.parent} and used: ok"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

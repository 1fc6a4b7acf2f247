"""A suite as pytest-aiohttp users write it, with only the import switched to aiostrata.

The fixtures here are the ``aiohttp_*`` names, which pytest-aiostrata offers because
pytest-aiohttp is not installed; every request crosses a real socket.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest

from aiostrata import web
from aiostrata.test_utils import RawTestServer, TestClient, TestServer

notes_key = web.AppKey("notes_key", list[str])


class NotesView(web.View):
    async def get(self) -> web.Response:
        return web.json_response({"notes": self.request.app[notes_key]})

    async def post(self) -> web.Response:
        body = await self.request.json()
        self.request.app[notes_key].append(body["note"])
        return web.json_response({"count": len(self.request.app[notes_key])}, status=201)


async def hello(request: web.Request) -> web.Response:
    return web.Response(text=f"Hello, {request.match_info.get('name', 'world')}")


async def login(request: web.Request) -> web.Response:
    response = web.Response(text="logged in")
    response.set_cookie("session", "abc123", httponly=True)
    return response


async def whoami(request: web.Request) -> web.Response:
    session = request.cookies.get("session")
    if session is None:
        raise web.HTTPUnauthorized(text="no session")
    return web.Response(text=f"session {session}")


async def echo_socket(request: web.Request) -> web.WebSocketResponse:
    socket = web.WebSocketResponse()
    await socket.prepare(request)
    async for message in socket:
        if message.type is web.WSMsgType.TEXT:
            if message.data == "bye":
                await socket.close()
            else:
                await socket.send_str(message.data.upper())
    return socket


def make_app() -> web.Application:
    app = web.Application()
    app[notes_key] = []
    app.router.add_get("/", hello)
    app.router.add_get("/hello/{name}", hello)
    app.router.add_view("/notes", NotesView)
    app.router.add_post("/login", login)
    app.router.add_get("/whoami", whoami)
    app.router.add_get("/ws", echo_socket)
    return app


async def test_get_answers_with_the_handlers_text(aiohttp_client: Any) -> None:
    client = await aiohttp_client(make_app())
    response = await client.get("/hello/alice")
    assert response.status == 200
    assert await response.text() == "Hello, alice"


async def test_json_round_trip_through_a_class_view(aiohttp_client: Any) -> None:
    client = await aiohttp_client(make_app())
    created = await client.post("/notes", json={"note": "buy milk"})
    assert created.status == 201
    assert await created.json() == {"count": 1}
    async with client.get("/notes") as listed:
        assert await listed.json() == {"notes": ["buy milk"]}
    assert client.app is not None
    assert client.app[notes_key] == ["buy milk"]


async def test_every_shortcut_sends_its_method(aiohttp_client: Any) -> None:
    async def method(request: web.Request) -> web.Response:
        return web.Response(text=request.method)

    app = web.Application()
    app.router.add_route("*", "/m", method)
    client = await aiohttp_client(app)
    for name in ("get", "post", "put", "patch", "delete", "options"):
        response = await getattr(client, name)("/m")
        assert await response.text() == name.upper()
    head = await client.head("/m")
    assert head.status == 200
    assert await head.read() == b""
    other = await client.request("PROPFIND", "/m")
    assert await other.text() == "PROPFIND"


async def test_unknown_path_is_a_404(aiohttp_client: Any) -> None:
    client = await aiohttp_client(make_app())
    response = await client.get("/nowhere")
    assert response.status == 404


async def test_cookies_set_by_the_server_come_back(aiohttp_client: Any) -> None:
    client = await aiohttp_client(make_app())
    assert (await client.get("/whoami")).status == 401
    await client.post("/login")
    assert client.session.cookie_jar.filter_cookies(client.make_url("/"))["session"].value == (
        "abc123"
    )
    response = await client.get("/whoami")
    assert await response.text() == "session abc123"


async def test_a_cookie_jar_given_to_the_client_is_used(aiohttp_client: Any) -> None:
    jar = aiohttp.CookieJar(unsafe=True)
    client = await aiohttp_client(make_app(), cookie_jar=jar)
    await client.post("/login")
    assert len(jar) == 1


async def test_websocket_messages_go_both_ways(aiohttp_client: Any) -> None:
    client = await aiohttp_client(make_app())
    async with client.ws_connect("/ws") as socket:
        await socket.send_str("ping")
        reply = await asyncio.wait_for(socket.receive(), 5)
        assert reply.type is aiohttp.WSMsgType.TEXT
        assert reply.data == "PING"
        await socket.send_str("bye")
        closing = await asyncio.wait_for(socket.receive(), 5)
        assert closing.type is aiohttp.WSMsgType.CLOSE
    assert socket.closed


async def test_an_awaited_websocket_is_closed_with_the_client(aiohttp_client: Any) -> None:
    client = await aiohttp_client(make_app())
    socket = await client.ws_connect("/ws")
    await socket.send_str("x")
    assert (await asyncio.wait_for(socket.receive(), 5)).data == "X"
    await client.close()
    assert socket.closed
    assert client.server.closed


async def test_startup_and_cleanup_hooks_run_around_the_test(aiohttp_client: Any) -> None:
    events: list[str] = []

    async def resources(app: web.Application) -> AsyncIterator[None]:
        events.append("up")
        yield
        events.append("down")

    app = make_app()
    app.cleanup_ctx.append(resources)
    client = await aiohttp_client(app)
    assert events == ["up"]
    await client.close()
    assert events == ["up", "down"]


async def test_server_fixture_then_client_on_that_server(
    aiohttp_server: Any, aiohttp_client: Any
) -> None:
    server = await aiohttp_server(make_app())
    assert isinstance(server, TestServer)
    assert server.host == "127.0.0.1"
    client = await aiohttp_client(server)
    assert client.server is server
    assert client.port == server.port
    assert await (await client.get("/")).text() == "Hello, world"


async def test_server_fixture_takes_a_port(
    aiohttp_server: Any, aiohttp_unused_port: Callable[[], int]
) -> None:
    port = aiohttp_unused_port()
    server = await aiohttp_server(make_app(), port=port)
    assert server.port == port
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}/") as response,
    ):
        assert await response.text() == "Hello, world"


async def test_server_fixture_passes_runner_options(
    aiohttp_server: Any, aiohttp_client: Any
) -> None:
    async def upload(request: web.Request) -> web.Response:
        return web.Response(text=str(len(await request.read())))

    app = web.Application(client_max_size=10)
    app.router.add_post("/", upload)
    client = await aiohttp_client(await aiohttp_server(app))
    assert (await client.post("/", data=b"x" * 5)).status == 200
    assert (await client.post("/", data=b"x" * 50)).status == 413


async def test_application_client_max_fields_bounds_every_form(
    aiohttp_server: Any, aiohttp_client: Any
) -> None:
    async def form(request: web.Request) -> web.Response:
        return web.Response(text=str(len(await request.post())))

    app = web.Application(client_max_fields=3)
    app.router.add_post("/", form)
    client = await aiohttp_client(await aiohttp_server(app))
    assert await (await client.post("/", data={"a": "1", "b": "2", "c": "3"})).text() == "3"
    urlencoded = await client.post("/", data={"a": "1", "b": "2", "c": "3", "d": "4"})
    assert urlencoded.status == 413
    assert "Maximum number of form fields 3 exceeded" in await urlencoded.text()
    multipart = aiohttp.FormData()
    for name in "abcd":
        multipart.add_field(name, b"v", filename=f"{name}.bin")
    assert (await client.post("/", data=multipart)).status == 413


async def test_raw_server_serves_a_bare_handler(
    aiohttp_raw_server: Any, aiohttp_client: Any
) -> None:
    async def handler(request: web.BaseRequest) -> web.Response:
        return web.Response(text=f"raw {request.method} {request.path}")

    server = await aiohttp_raw_server(handler)
    assert isinstance(server, RawTestServer)
    client = await aiohttp_client(server)
    assert client.app is None
    assert await (await client.put("/any/path")).text() == "raw PUT /any/path"


async def test_client_kwargs_reach_the_session(aiohttp_client: Any) -> None:
    async def headers(request: web.Request) -> web.Response:
        return web.Response(text=request.headers.get("X-Token", "-"))

    app = web.Application()
    app.router.add_get("/", headers)
    client = await aiohttp_client(app, headers={"X-Token": "t0k"})
    assert await (await client.get("/")).text() == "t0k"


async def test_server_kwargs_reach_the_test_server(aiohttp_client: Any) -> None:
    client = await aiohttp_client(make_app(), server_kwargs={"skip_url_asserts": True})
    assert client.server.skip_url_asserts


async def test_an_aiohttp_application_is_refused_with_a_hint(aiohttp_client: Any) -> None:
    from aiohttp import web as aiohttp_web

    with pytest.raises(ValueError, match=r"Unknown argument type.*aiostrata"):
        await aiohttp_client(aiohttp_web.Application())
    with pytest.raises(ValueError, match="Unknown argument type"):
        await aiohttp_client("not an app")


class _CountingClient(TestClient[Any, Any]):
    made = 0

    def __init__(self, server: Any, **kwargs: Any) -> None:
        type(self).made += 1
        super().__init__(server, **kwargs)


@pytest.fixture
def aiohttp_client_cls() -> type[TestClient[Any, Any]]:
    return _CountingClient


async def test_a_conftest_may_override_the_client_class(aiohttp_client: Any) -> None:
    before = _CountingClient.made
    client = await aiohttp_client(make_app())
    assert isinstance(client, _CountingClient)
    assert _CountingClient.made == before + 1

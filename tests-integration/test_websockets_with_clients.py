"""WebSockets through ``from aiostrata import web``, talked to by aiohttp's ``ws_connect`` and
by the ``websockets`` client; the same conversation against aiohttp's own server must end
the same way."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import aiohttp.web as aiohttp_web
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from aiostrata import web

pytestmark = pytest.mark.timeout(30)

Serve = Callable[..., Awaitable[str]]


_SOCKETS_KEYS: dict[Any, Any] = {}


def sockets_key(web_module: Any) -> Any:
    """The AppKey under which ``build`` keeps its responses (one per web module)."""
    return _SOCKETS_KEYS.setdefault(web_module, web_module.AppKey("sockets", list))


def sockets(app: Any) -> list[Any]:
    return list(app[sockets_key(web)])


async def closed_with(app: Any) -> int | None:
    """The server side's close code, once its closing handshake has finished."""
    for _ in range(500):  # at most about 5 s
        if sockets(app)[0].close_code is not None:
            break
        await asyncio.sleep(0.01)
    code: int | None = sockets(app)[0].close_code
    return code


def build(web_module: Any, **ws_options: Any) -> Any:
    """aiohttp's documented WebSocket handlers, written once for either server."""
    app = web_module.Application()
    app[sockets_key(web_module)] = []

    async def echo(request: Any) -> Any:
        ws = web_module.WebSocketResponse(**ws_options)
        app[sockets_key(web_module)].append(ws)
        await ws.prepare(request)
        async for msg in ws:
            if msg.type == web_module.WSMsgType.TEXT:
                if msg.data == "close":
                    await ws.close(code=4001, message=b"asked to")
                elif msg.data == "json":
                    await ws.send_json({"protocol": ws.ws_protocol})
                else:
                    await ws.send_str(msg.data + "/answer")
            elif msg.type == web_module.WSMsgType.BINARY:
                await ws.send_bytes(msg.data)
        return ws

    async def ready(request: Any) -> Any:
        ws = web_module.WebSocketResponse(protocols=("chat",))
        verdict = ws.can_prepare(request)
        return web_module.json_response({"ok": verdict.ok, "protocol": verdict.protocol})

    app.router.add_get("/ws", echo)
    app.router.add_get("/ready", ready)
    return app


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    runners: list[Any] = []

    async def start(web_module: Any, app: Any, **runner_options: Any) -> str:
        runner = web_module.AppRunner(app, **runner_options)
        await runner.setup()
        site = web_module.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        port = runner.addresses[0][1]
        return f"http://127.0.0.1:{port}"

    yield start
    for runner in runners:
        await runner.cleanup()


async def test_aiohttp_client_echo_with_compression_and_subprotocol(serve: Serve) -> None:
    app = build(web, protocols=("chat",))
    url = await serve(web, app)
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(f"{url}/ws", protocols=("v1", "chat"), compress=15) as ws,
    ):
        assert ws.protocol == "chat"
        assert ws.compress == 15
        await ws.send_str("hello " * 500)
        assert await ws.receive_str() == "hello " * 500 + "/answer"
        await ws.send_bytes(b"\x01\x02")
        assert await ws.receive_bytes() == b"\x01\x02"
        await ws.send_str("json")
        assert await ws.receive_json() == {"protocol": "chat"}
    assert ws.close_code == 1000
    assert sockets(app)[0].compress == 15


async def test_aiohttp_client_sees_a_server_initiated_close(serve: Serve) -> None:
    app = build(web)
    url = await serve(web, app)
    async with aiohttp.ClientSession() as session, session.ws_connect(f"{url}/ws") as ws:
        await ws.send_str("close")
        msg = await ws.receive()
        assert msg.type == aiohttp.WSMsgType.CLOSE
        assert msg.data == 4001
        assert msg.extra == "asked to"
    assert await closed_with(app) == 1000


async def test_aiohttp_client_heartbeat_against_server_heartbeat(serve: Serve) -> None:
    app = build(web, heartbeat=0.05)
    url = await serve(web, app)
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(f"{url}/ws", heartbeat=0.05) as ws,
    ):
        await asyncio.sleep(0.4)  # many heartbeats both ways
        await ws.send_str("alive")
        assert await ws.receive_str() == "alive/answer"
    assert ws.close_code == 1000


async def test_server_heartbeat_drops_a_client_that_does_not_answer(serve: Serve) -> None:
    app = build(web, heartbeat=0.05)
    url = await serve(web, app)
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(f"{url}/ws", autoping=False) as ws,
    ):
        first = await ws.receive(timeout=5)
        assert first.type == aiohttp.WSMsgType.PING
        end = await ws.receive(timeout=5)
        assert end.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSE)
    assert await closed_with(app) == web.WSCloseCode.ABNORMAL_CLOSURE


async def test_can_prepare_reports_without_raising(serve: Serve) -> None:
    url = await serve(web, build(web))
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{url}/ready") as plain:
            assert await plain.json() == {"ok": False, "protocol": None}
        headers = {
            "Upgrade": "websocket",
            "Connection": "Upgrade",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Protocol": "chat",
        }
        async with session.get(f"{url}/ready", headers=headers) as upgrade:
            assert await upgrade.json() == {"ok": True, "protocol": "chat"}


async def test_websockets_client_echo_and_close_code(serve: Serve) -> None:
    app = build(web)
    url = await serve(web, app)
    async with connect(url.replace("http", "ws") + "/ws") as client:
        await client.send("hi")
        assert await client.recv() == "hi/answer"
        await client.send("close")
        with pytest.raises(ConnectionClosed):
            await client.recv()
    assert client.close_code == 4001
    assert client.close_reason == "asked to"


async def test_websockets_client_large_compressed_messages(serve: Serve) -> None:
    url = await serve(web, build(web))
    async with connect(url.replace("http", "ws") + "/ws", max_size=2**22) as client:
        payload = bytes(range(256)) * 8192  # 2 MiB
        await client.send(payload)
        assert await client.recv() == payload


async def _conversation(url: str) -> list[Any]:
    """A scripted aiohttp client session; what it observed, comparable across servers."""
    seen: list[Any] = []
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(f"{url}/ws", protocols=("chat",)) as ws,
    ):
        seen.append(ws.protocol)
        await ws.send_str("a")
        seen.append(await ws.receive_str())
        await ws.ping(b"p")
        await ws.send_bytes(b"b")
        seen.append(await ws.receive_bytes())
        await ws.send_str("close")
        msg = await ws.receive()
        seen.append((msg.type, msg.data, msg.extra))
    seen.append(ws.close_code)
    async with aiohttp.ClientSession() as session, session.get(f"{url}/ws") as plain:
        seen.append(plain.status)
    return seen


async def test_the_same_conversation_ends_as_with_aiohttp(serve: Serve) -> None:
    ours = await _conversation(await serve(web, build(web, protocols=("chat",))))
    theirs = await _conversation(await serve(aiohttp_web, build(aiohttp_web, protocols=("chat",))))
    assert ours == theirs

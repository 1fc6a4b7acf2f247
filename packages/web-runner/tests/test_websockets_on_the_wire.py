"""WebSocketResponse over real sockets: the `websockets` client, and raw bytes for what a
polite client never sends."""

from __future__ import annotations

import asyncio
import base64
import os

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, ConnectionClosedError
from websockets.typing import Subprotocol
from wire import ServeApp

from aiostrata.http_parser import (
    WebSocketFrameEncoder,
    WebSocketReader,
    WSCloseCode,
    WSMessage,
    WSMsgType,
    encode_frame,
)
from aiostrata.web_app import Application
from aiostrata.web_request import Request
from aiostrata.web_response import Response, StreamResponse, WebSocketResponse
from aiostrata.web_runner import AppRunner, TCPSite

pytestmark = pytest.mark.timeout(30)


def _echo_app(**ws_options: object) -> tuple[Application, list[WebSocketResponse]]:
    """aiohttp's documented echo handler, unchanged; the responses are kept for checks."""
    app = Application()
    sockets: list[WebSocketResponse] = []

    async def echo(request: Request) -> WebSocketResponse:
        ws = WebSocketResponse(**ws_options)  # type: ignore[arg-type]
        sockets.append(ws)
        await ws.prepare(request)
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                if msg.data == "close":
                    await ws.close()
                else:
                    await ws.send_str(msg.data + "/answer")
            elif msg.type == WSMsgType.BINARY:
                await ws.send_bytes(msg.data)
        return ws

    app.router.add_get("/ws", echo)
    return app, sockets


def _handshake(path: str = "/ws", extra: str = "") -> bytes:
    key = base64.b64encode(os.urandom(16)).decode()
    return (
        f"GET {path} HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{extra}\r\n"
    ).encode()


async def _raw_messages(reader: asyncio.StreamReader) -> list[WSMessage]:
    """Everything the server sends until it closes, as a client's reader parses it."""
    await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    rest = await asyncio.wait_for(reader.read(), 5)
    return WebSocketReader(0, is_server=False).feed_data(rest)


async def test_the_echo_handler_works_with_the_websockets_client(serve_app: ServeApp) -> None:
    app, sockets = _echo_app()
    _, port = await serve_app(app)
    async with connect(f"ws://127.0.0.1:{port}/ws") as client:
        await client.send("hello")
        assert await client.recv() == "hello/answer"
        await client.send(b"\x00" * 100_000)
        assert await client.recv() == b"\x00" * 100_000
    assert client.close_code == 1000
    assert sockets[0].close_code == 1000


async def test_subprotocol_and_deflate_are_negotiated_with_websockets(serve_app: ServeApp) -> None:
    app, sockets = _echo_app(protocols=("v2.chat", "chat"))
    _, port = await serve_app(app)
    async with connect(
        f"ws://127.0.0.1:{port}/ws", subprotocols=[Subprotocol("chat"), Subprotocol("v2.chat")]
    ) as client:
        assert client.subprotocol == "chat"
        assert client.response is not None
        assert "permessage-deflate" in client.response.headers["Sec-WebSocket-Extensions"]
        await client.send("squeeze me " * 1000)
        assert await client.recv() == "squeeze me " * 1000 + "/answer"
    assert sockets[0].ws_protocol == "chat"
    assert sockets[0].compress == 15


async def test_server_initiated_close_reaches_the_client(serve_app: ServeApp) -> None:
    app, sockets = _echo_app()
    _, port = await serve_app(app)
    async with connect(f"ws://127.0.0.1:{port}/ws") as client:
        await client.send("close")
        with pytest.raises(ConnectionClosed):
            await client.recv()
    assert client.close_code == 1000
    assert sockets[0].close_code == 1000  # the client's answer


async def test_a_client_close_code_reaches_the_handler(serve_app: ServeApp) -> None:
    app, sockets = _echo_app()
    _, port = await serve_app(app)
    async with connect(f"ws://127.0.0.1:{port}/ws") as client:
        await client.close(code=4000, reason="done here")
    assert sockets[0].close_code == 4000


async def test_an_oversized_message_closes_with_1009(serve_app: ServeApp) -> None:
    app, sockets = _echo_app(max_msg_size=1024)
    _, port = await serve_app(app)
    async with connect(f"ws://127.0.0.1:{port}/ws", compression=None) as client:
        await client.send(b"x" * 2048)
        with pytest.raises(ConnectionClosedError) as caught:
            await client.recv()
    assert caught.value.rcvd is not None
    assert caught.value.rcvd.code == 1009
    assert sockets[0].close_code == WSCloseCode.MESSAGE_TOO_BIG


async def test_an_unmasked_client_frame_gets_a_1002_close(serve_app: ServeApp) -> None:
    app, _ = _echo_app()
    _, port = await serve_app(app)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(_handshake())
    writer.write(encode_frame(b"not masked", WSMsgType.TEXT))
    messages = await _raw_messages(reader)
    writer.close()
    assert messages == [WSMessage(WSMsgType.CLOSE, 1002, "")]


async def test_frames_sent_with_the_handshake_are_not_lost(serve_app: ServeApp) -> None:
    app, _ = _echo_app()
    _, port = await serve_app(app)
    client = WebSocketFrameEncoder(is_server=False)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    # one write: the frames arrive buffered behind the upgrade head
    writer.write(_handshake() + client.encode(b"early", WSMsgType.TEXT) + client.close(1000, "bye"))
    messages = await _raw_messages(reader)
    writer.close()
    assert messages == [
        WSMessage(WSMsgType.TEXT, "early/answer", ""),
        WSMessage(WSMsgType.CLOSE, 1000, ""),
    ]


async def test_the_keep_alive_timer_does_not_close_a_live_websocket(serve_app: ServeApp) -> None:
    app, _ = _echo_app()
    _, port = await serve_app(app, keepalive_timeout=0.05)
    async with connect(f"ws://127.0.0.1:{port}/ws") as client:
        await asyncio.sleep(0.3)  # several keep-alive periods of silence
        await client.send("still open?")
        assert await client.recv() == "still open?/answer"


async def test_a_fast_sender_is_paused_not_buffered_and_nothing_is_lost(
    serve_app: ServeApp,
) -> None:
    app = Application()
    received: list[int] = []
    reading = asyncio.Event()

    async def slow_reader(request: Request) -> WebSocketResponse:
        ws = WebSocketResponse()
        await ws.prepare(request)
        await reading.wait()
        received.extend([len(msg.data) async for msg in ws])
        return ws

    app.router.add_get("/ws", slow_reader)
    _, port = await serve_app(app)
    async with connect(f"ws://127.0.0.1:{port}/ws", compression=None) as client:
        for _ in range(300):
            await client.send(b"m" * 8192)  # 2.4 MB the handler is not reading yet
        reading.set()
        await client.close()
    assert received == [8192] * 300


async def test_a_plain_get_to_a_websocket_route_gets_400(serve_app: ServeApp) -> None:
    app, _ = _echo_app()
    _, port = await serve_app(app)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /ws HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    answer = await asyncio.wait_for(reader.read(), 5)
    writer.close()
    assert answer.startswith(b"HTTP/1.1 400 ")
    assert b"WebSocket" in answer


async def test_a_refused_upgrade_answers_http_and_closes(serve_app: ServeApp) -> None:
    app = Application()

    async def refuse(request: Request) -> StreamResponse:
        return Response(status=403, text="no sockets for you")

    app.router.add_get("/ws", refuse)
    _, port = await serve_app(app)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(_handshake())
    answer = await asyncio.wait_for(reader.read(), 5)
    writer.close()
    assert answer.startswith(b"HTTP/1.1 403 ")
    assert answer.endswith(b"no sockets for you")


async def test_a_client_half_close_ends_the_handlers_loop(serve_app: ServeApp) -> None:
    app, sockets = _echo_app()
    _, port = await serve_app(app)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(_handshake())
    writer.write_eof()
    await asyncio.wait_for(reader.read(), 5)
    writer.close()
    assert sockets[0].close_code == WSCloseCode.ABNORMAL_CLOSURE


async def test_heartbeat_drops_a_client_that_never_answers(serve_app: ServeApp) -> None:
    app = Application()
    outcome: list[WSMessage] = []

    async def beating(request: Request) -> WebSocketResponse:
        ws = WebSocketResponse(heartbeat=0.05)
        await ws.prepare(request)
        outcome.append(await ws.receive())
        return ws

    app.router.add_get("/ws", beating)
    _, port = await serve_app(app)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(_handshake())
    messages = await _raw_messages(reader)  # a raw socket never answers the PING
    writer.close()
    assert [m.type for m in messages] == [WSMsgType.PING]
    assert outcome[0].type is WSMsgType.ERROR
    assert isinstance(outcome[0].data, TimeoutError)


async def test_heartbeat_keeps_a_responsive_client(serve_app: ServeApp) -> None:
    app, sockets = _echo_app(heartbeat=0.05)
    _, port = await serve_app(app)
    async with connect(f"ws://127.0.0.1:{port}/ws") as client:  # answers PINGs itself
        await asyncio.sleep(0.3)
        await client.send("alive")
        assert await client.recv() == "alive/answer"
    assert sockets[0].close_code == 1000


async def test_on_shutdown_closing_websockets_with_going_away(serve_app: ServeApp) -> None:
    app, sockets = _echo_app()

    async def close_websockets(app: Application) -> None:
        # aiohttp's documented pattern for graceful shutdown
        for ws in list(sockets):
            await ws.close(code=WSCloseCode.GOING_AWAY, message=b"Server shutdown")

    app.on_shutdown.append(close_websockets)
    runner = AppRunner(app, shutdown_timeout=5)
    await runner.setup()
    site = TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    async with connect(f"ws://127.0.0.1:{port}/ws") as client:
        await client.send("hi")
        await client.recv()
        await asyncio.wait_for(runner.cleanup(), 10)
        with pytest.raises(ConnectionClosed):
            await client.recv()
    assert client.close_code == WSCloseCode.GOING_AWAY
    assert client.close_reason == "Server shutdown"
    assert sockets[0].closed


async def test_cleanup_with_an_open_websocket_ends_within_shutdown_timeout() -> None:
    app, _ = _echo_app()
    runner = AppRunner(app, shutdown_timeout=0.2)
    await runner.setup()
    site = TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    async with connect(f"ws://127.0.0.1:{port}/ws") as client:
        await client.send("hi")
        await client.recv()
        await asyncio.wait_for(runner.cleanup(), 5)
        with pytest.raises(ConnectionClosed):
            await client.recv()


@pytest.mark.parametrize("prepared_by_the_handler", [False, True])
async def test_a_refused_upgrade_says_connection_close(
    serve_app: ServeApp, prepared_by_the_handler: bool
) -> None:
    """The server closes after a non-101 answer to an upgrade: a keep-alive client must know."""
    app = Application()

    async def refuse(request: Request) -> StreamResponse:
        response = Response(status=403, text="no sockets for you")
        if prepared_by_the_handler:
            await response.prepare(request)
            await response.write_eof()
        return response

    app.router.add_get("/ws", refuse)
    _, port = await serve_app(app)
    for request in (
        _handshake(),
        b"GET /ws HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n",
    ):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request)
        answer = await asyncio.wait_for(reader.read(), 5)
        writer.close()
        head = answer.split(b"\r\n\r\n")[0]
        assert head.startswith(b"HTTP/1.1 403 ")
        assert b"\r\nConnection: close" in head

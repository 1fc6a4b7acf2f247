"""A chat room: an HTML page whose script talks to a WebSocket; every message goes to everyone.

    python examples/websocket_chat.py    # open http://127.0.0.1:8080/ in two browser tabs

Each socket says ``{"name": ...}`` first (the page sends a random name), then text messages;
the room broadcasts ``{"from": name, "text": ...}`` and join/leave notices as JSON.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Sequence

from aiostrata import web

sockets_key = web.AppKey("sockets_key", weakref.WeakSet[web.WebSocketResponse])

PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>aiostrata chat</title></head>
<body>
<h1>Chat</h1>
<ul id="log"></ul>
<form id="form"><input id="text" autocomplete="off" autofocus><button>Send</button></form>
<script>
const name = "guest-" + Math.floor(Math.random() * 1000);
const log = document.getElementById("log");
const scheme = location.protocol === "https:" ? "wss://" : "ws://";
const socket = new WebSocket(scheme + location.host + "/ws");
socket.onopen = () => socket.send(JSON.stringify({name: name}));
socket.onmessage = (event) => {
  const message = JSON.parse(event.data);
  const item = document.createElement("li");
  item.textContent = message.text === undefined
    ? message.from + " " + message.event
    : message.from + ": " + message.text;
  log.appendChild(item);
};
document.getElementById("form").onsubmit = (event) => {
  event.preventDefault();
  const input = document.getElementById("text");
  socket.send(input.value);
  input.value = "";
};
</script>
</body>
</html>
"""


async def page(request: web.Request) -> web.Response:
    return web.Response(text=PAGE, content_type="text/html")


async def _broadcast(app: web.Application, message: dict[str, str]) -> None:
    sockets = app[sockets_key]
    for socket in list(sockets):
        if not socket.closed:
            await socket.send_str(json.dumps(message))


async def chat(request: web.Request) -> web.WebSocketResponse:
    socket = web.WebSocketResponse(heartbeat=30)
    await socket.prepare(request)
    hello = await socket.receive_json(timeout=10)
    name = str(hello.get("name", "anonymous"))[:32]
    request.app[sockets_key].add(socket)
    await _broadcast(request.app, {"from": name, "event": "joined"})
    try:
        async for message in socket:
            if message.type is web.WSMsgType.TEXT:
                await _broadcast(request.app, {"from": name, "text": message.data})
    finally:
        request.app[sockets_key].discard(socket)
        await _broadcast(request.app, {"from": name, "event": "left"})
    return socket


async def close_sockets(app: web.Application) -> None:
    """On shutdown, tell every client the server is going away instead of just dropping it."""
    sockets = app[sockets_key]
    for socket in list(sockets):
        await socket.close(code=web.WSCloseCode.GOING_AWAY, message=b"server shutdown")


def init_app(argv: Sequence[str] | None = None) -> web.Application:
    app = web.Application()
    app[sockets_key] = weakref.WeakSet()
    app.router.add_get("/", page)
    app.router.add_get("/ws", chat)
    app.on_shutdown.append(close_sockets)
    return app


if __name__ == "__main__":
    web.run_app(init_app(), host="127.0.0.1", port=8080)

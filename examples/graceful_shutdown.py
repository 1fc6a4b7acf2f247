"""Graceful shutdown: on SIGINT/SIGTERM, stop accepting, let in-flight requests finish, tell
long-lived connections, then release resources, in that order.

    python examples/graceful_shutdown.py    # then Ctrl+C while `curl /slow` runs: it completes

What ``run_app`` (or ``runner.cleanup()``) does, and where an app hooks in:

1. the listening sockets close: no new connections;
2. ``on_shutdown`` runs: here it closes open WebSockets with 1001 (going away), since a
   WebSocket would otherwise hold the shutdown until the timeout;
3. in-flight requests get up to ``shutdown_timeout`` seconds to finish (``/slow`` does);
4. ``on_cleanup`` runs: here it closes the "database".
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field

from aiostrata import web


@dataclass
class Database:
    """Stands in for a connection pool that must be closed last."""

    closed: bool = False
    events: list[str] = field(default_factory=list)


database_key = web.AppKey("database_key", Database)
sockets_key = web.AppKey("sockets_key", weakref.WeakSet[web.WebSocketResponse])


async def slow(request: web.Request) -> web.Response:
    await asyncio.sleep(float(request.query.get("seconds", "2")))
    request.app[database_key].events.append("slow request finished")
    return web.Response(text="finished")


async def updates(request: web.Request) -> web.WebSocketResponse:
    socket = web.WebSocketResponse()
    await socket.prepare(request)
    request.app[sockets_key].add(socket)
    try:
        async for _ in socket:
            await socket.send_str("still here")
    finally:
        request.app[sockets_key].discard(socket)
    return socket


async def say_goodbye(app: web.Application) -> None:
    app[database_key].events.append("on_shutdown")
    sockets = app[sockets_key]
    for socket in list(sockets):
        await socket.close(code=web.WSCloseCode.GOING_AWAY, message=b"server shutdown")


async def close_database(app: web.Application) -> None:
    app[database_key].events.append("on_cleanup")
    app[database_key].closed = True


def init_app(argv: Sequence[str] | None = None) -> web.Application:
    app = web.Application()
    app[database_key] = Database()
    app[sockets_key] = weakref.WeakSet()
    app.router.add_get("/slow", slow)
    app.router.add_get("/updates", updates)
    app.on_shutdown.append(say_goodbye)
    app.on_cleanup.append(close_database)
    return app


if __name__ == "__main__":
    web.run_app(init_app(), host="127.0.0.1", port=8080, shutdown_timeout=10)

"""Server-sent events: a ``StreamResponse`` that writes ``text/event-stream`` as events happen.

    python examples/server_sent_events.py
    curl -N http://127.0.0.1:8080/clock?count=5    # five events, one every interval

A browser reads it with ``new EventSource("/clock")``. The stream ends after ``count`` events
(unlimited without it), or when the client goes away, which cancels the handler.
"""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import Sequence

from aiostrata import web

interval_key = web.AppKey("interval_key", float)


def _event(data: str, *, event_id: int, name: str = "tick") -> bytes:
    return f"id: {event_id}\nevent: {name}\ndata: {data}\n\n".encode()


async def clock(request: web.Request) -> web.StreamResponse:
    try:
        count = int(request.query.get("count", "0"))
    except ValueError:
        raise web.HTTPBadRequest(text="count must be an integer") from None
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
    )
    await response.prepare(request)
    sent = 0
    while count <= 0 or sent < count:
        sent += 1
        now = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        await response.write(_event(now, event_id=sent))
        await asyncio.sleep(request.app[interval_key])
    await response.write(_event("bye", event_id=sent + 1, name="end"))
    await response.write_eof()
    return response


def init_app(argv: Sequence[str] | None = None) -> web.Application:
    app = web.Application()
    app[interval_key] = float(argv[0]) if argv else 1.0
    app.router.add_get("/clock", clock)
    return app


if __name__ == "__main__":
    web.run_app(init_app(), host="127.0.0.1", port=8080)

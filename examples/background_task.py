"""A background task that lives as long as the application: started and stopped by a
``cleanup_ctx`` generator, so it never outlives the server nor leaks on a failed startup.

    python examples/background_task.py    # GET /ticks shows the count growing
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from aiostrata import web


@dataclass
class Ticker:
    interval: float
    ticks: int = 0
    stopped: bool = False

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            self.ticks += 1


ticker_key = web.AppKey("ticker_key", Ticker)


async def run_ticker(app: web.Application) -> AsyncIterator[None]:
    """Before ``yield``: at startup. After: at cleanup, once the server stopped serving."""
    ticker = app[ticker_key]
    task = asyncio.create_task(ticker.run())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    ticker.stopped = True


async def ticks(request: web.Request) -> web.Response:
    return web.json_response({"ticks": request.app[ticker_key].ticks})


def init_app(argv: Sequence[str] | None = None) -> web.Application:
    interval = float(argv[0]) if argv else 1.0
    app = web.Application()
    app[ticker_key] = Ticker(interval)
    app.cleanup_ctx.append(run_ticker)
    app.router.add_get("/ticks", ticks)
    return app


if __name__ == "__main__":
    web.run_app(init_app(), host="127.0.0.1", port=8080)

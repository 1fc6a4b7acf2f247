"""The one app every web implementation serves, written against the aiohttp.web API.

Run as ``python -m httpbench.app`` (cwd: benchmarks/). The package is picked at start-up,
so aiohttp and aiostrata run this very handler code and nothing else differs:

    BENCH_WEB=aiohttp|aiostrata   which ``web`` module to import (required)
    LOOP=asyncio|uvloop           event loop (default asyncio)
    BENCH_PORT                    TCP port on 127.0.0.1 (required)
    BENCH_STATIC_DIR              folder served under /static/ (add_static, sendfile)
    BENCH_MIDDLEWARES=N           N pass-through @web.middleware on the app (default 0); the
                                  bench starts a second server with 10 for its middleware scenario
    BENCH_PROFILE=PATH            cProfile: SIGUSR1 starts it, SIGUSR2 stops it and writes PATH

Endpoints: GET /plaintext, GET /json, GET /r{i}/{name} (100 of them), POST /upload (reads
the whole body, answers its length), GET /download (1 MiB), GET /ws (websocket echo),
GET /static/<file>.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import sys
from typing import Any

from httpbench import payloads

WEB_NAME = os.environ.get("BENCH_WEB", "")
if WEB_NAME not in ("aiohttp", "aiostrata"):
    sys.exit(f"BENCH_WEB must be aiohttp or aiostrata, not {WEB_NAME!r}")
web: Any = importlib.import_module(f"{WEB_NAME}.web")

DOWNLOAD_BODY = payloads.pattern(payloads.DOWNLOAD_SIZE)


async def plaintext(request: Any) -> Any:
    return web.Response(text=payloads.PLAINTEXT)


async def json_doc(request: Any) -> Any:
    return web.json_response(payloads.JSON_DOC)


async def dynamic(request: Any) -> Any:
    return web.Response(text="hello " + request.match_info["name"])


async def upload(request: Any) -> Any:
    body = await request.read()
    return web.Response(text=str(len(body)))


async def download(request: Any) -> Any:
    return web.Response(body=DOWNLOAD_BODY, content_type="application/octet-stream")


async def ws_echo(request: Any) -> Any:
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    async for message in ws:
        if message.type == web.WSMsgType.TEXT:
            await ws.send_str(message.data)
        elif message.type == web.WSMsgType.BINARY:
            await ws.send_bytes(message.data)
        else:
            break
    return ws


def pass_through() -> Any:
    """A new-style middleware that only hands the request on: the chain's own cost."""

    async def middleware(request: Any, handler: Any) -> Any:
        return await handler(request)

    return web.middleware(middleware)


def make_app() -> Any:
    count = int(os.environ.get("BENCH_MIDDLEWARES") or 0)
    app = web.Application(middlewares=[pass_through() for _ in range(count)])
    # Fixed routes first, then the dynamic ones, then the static prefix: the router hit
    # (/r57/alice) sits in the middle of the resources, as in a real route table.
    app.router.add_get("/plaintext", plaintext)
    app.router.add_get("/json", json_doc)
    app.router.add_post("/upload", upload)
    app.router.add_get("/download", download)
    app.router.add_get("/ws", ws_echo)
    for i in range(payloads.DYNAMIC_ROUTES):
        app.router.add_get(f"/r{i}/{{name}}", dynamic)
    static_dir = os.environ.get("BENCH_STATIC_DIR")
    if static_dir:
        app.router.add_static("/static", static_dir)
    return app


def install_profiler_switch(path: str) -> None:
    """SIGUSR1 starts cProfile, SIGUSR2 stops it and writes the stats to ``path``.

    Signals let the driver profile exactly the measured load window, leaving start-up,
    imports and warm-up out of the per-request figures.
    """
    import cProfile
    import signal

    profiler = cProfile.Profile()

    def start(signum: int, frame: object) -> None:
        profiler.enable()

    def stop(signum: int, frame: object) -> None:
        profiler.disable()
        profiler.dump_stats(path + ".part")
        os.replace(path + ".part", path)  # the driver polls for the final name

    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)


def main() -> None:
    port = int(os.environ["BENCH_PORT"])
    loop = None
    if os.environ.get("LOOP", "asyncio") == "uvloop":
        import uvloop

        loop = uvloop.new_event_loop()
        asyncio.set_event_loop(loop)
    profile_path = os.environ.get("BENCH_PROFILE")
    if profile_path:
        install_profiler_switch(profile_path)
    web.run_app(
        make_app(),
        host="127.0.0.1",
        port=port,
        access_log=None,
        shutdown_timeout=1.0,
        loop=loop,
    )


if __name__ == "__main__":
    main()

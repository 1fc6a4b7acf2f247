"""Behind nginx, as most aiohttp deployments run: proxying, keep-alive, uploads, websockets.

nginx runs as one process (master_process off), as the user running the tests. Skipped where
nginx is not installed; the `integration` nox session installs it on CI.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import textwrap
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import httpx
import pytest

from aiostrata import web
from aiostrata.test_utils.pytest_plugin import AiostrataServer

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _nginx_conf(prefix: Path, listen: int, upstream: int) -> str:
    return textwrap.dedent(
        f"""
        master_process off;
        pid {prefix}/nginx.pid;
        error_log {prefix}/error.log warn;
        events {{ worker_connections 256; }}
        http {{
            access_log off;
            client_body_temp_path {prefix}/body;
            proxy_temp_path {prefix}/proxy;
            fastcgi_temp_path {prefix}/fastcgi;
            uwsgi_temp_path {prefix}/uwsgi;
            scgi_temp_path {prefix}/scgi;
            client_max_body_size 20m;
            upstream app {{ server 127.0.0.1:{upstream}; keepalive 4; }}
            map $http_upgrade $connection_upgrade {{ default upgrade; '' ''; }}
            server {{
                listen 127.0.0.1:{listen};
                location / {{
                    proxy_pass http://app;
                    proxy_http_version 1.1;
                    proxy_set_header Host $http_host;
                    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                    proxy_set_header Upgrade $http_upgrade;
                    proxy_set_header Connection $connection_upgrade;
                }}
            }}
        }}
        """
    )


@pytest.fixture
async def proxied_url(tmp_path: Path, aiostrata_server: AiostrataServer) -> AsyncIterator[str]:
    async def who(request: web.Request) -> web.Response:
        peer = request.transport.get_extra_info("peername") if request.transport else None
        return web.json_response(
            {
                "host": request.host,
                "xff": request.headers.get("X-Forwarded-For"),
                "upstream_port": peer[1] if peer else None,
            }
        )

    async def echo(request: web.Request) -> web.Response:
        return web.Response(body=await request.read())

    async def big(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        for _ in range(64):
            await response.write(b"z" * 65536)
        return response

    async def ws(request: web.Request) -> web.WebSocketResponse:
        socket_ = web.WebSocketResponse()
        await socket_.prepare(request)
        async for message in socket_:
            await socket_.send_str("echo: " + message.data)
        return socket_

    app = web.Application(client_max_size=20 * 2**20)
    app.router.add_get("/who", who)
    app.router.add_post("/echo", echo)
    app.router.add_get("/big", big)
    app.router.add_get("/ws", ws)
    upstream = (await aiostrata_server(app)).port
    assert upstream is not None

    listen = _free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(_nginx_conf(tmp_path, listen, upstream))
    assert NGINX is not None
    proc = subprocess.Popen(  # noqa: ASYNC220 - started once, not waited on in the loop
        [NGINX, "-c", str(conf), "-p", str(tmp_path), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{listen}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", listen)
                writer.close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log = (
                        (tmp_path / "error.log").read_text()
                        if (tmp_path / "error.log").exists()
                        else ""
                    )
                    raise RuntimeError(f"nginx did not start: {log}") from None
                await asyncio.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


async def test_proxied_requests_reuse_upstream_connections(proxied_url: str) -> None:
    async with httpx.AsyncClient() as client:
        answers = [(await client.get(proxied_url + "/who")).json() for _ in range(10)]
    assert {a["host"] for a in answers} == {proxied_url.removeprefix("http://")}
    assert all(a["xff"] == "127.0.0.1" for a in answers)
    assert len({a["upstream_port"] for a in answers}) == 1  # nginx kept one keep-alive connection


async def test_uploads_and_large_responses_pass_through(proxied_url: str) -> None:
    body = bytes(range(256)) * 20000  # 5 MB
    async with httpx.AsyncClient(timeout=30) as client:
        echoed = await client.post(proxied_url + "/echo", content=body)

        async def chunks() -> AsyncIterator[bytes]:
            for start in range(0, len(body), 65536):
                yield body[start : start + 65536]

        chunked = await client.post(proxied_url + "/echo", content=chunks())
        streamed = await client.get(proxied_url + "/big")
    assert echoed.content == body
    assert chunked.content == body
    assert streamed.content == b"z" * 64 * 65536


async def test_websocket_through_nginx(proxied_url: str) -> None:
    async with aiohttp.ClientSession() as session, session.ws_connect(proxied_url + "/ws") as ws:
        await ws.send_str("hi")
        message = await asyncio.wait_for(ws.receive(), 10)
        assert message.data == "echo: hi"

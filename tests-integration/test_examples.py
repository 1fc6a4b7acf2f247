"""Every app in examples/, served by pytest-aiostrata's ``aiostrata_client`` over a socket."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import aiohttp

from aiostrata import web
from aiostrata.test_utils import TestClient
from aiostrata.test_utils.pytest_plugin import AiostrataClient
from examples import (
    background_task,
    graceful_shutdown,
    hello,
    json_api,
    server_sent_events,
    static_files,
    sub_applications,
    upload_download,
    websocket_chat,
)

ROOT = Path(__file__).resolve().parent.parent


async def test_hello_greets_by_path_variable(aiostrata_client: AiostrataClient) -> None:
    client = await aiostrata_client(hello.init_app())
    assert await (await client.get("/")).text() == "Hello, world!"
    assert await (await client.get("/Ada")).text() == "Hello, Ada!"


def test_hello_runs_as_a_script(aiostrata_unused_port: Callable[[], int]) -> None:
    """``python examples/hello.py`` serves until stopped (on the port in $PORT here)."""
    port = aiostrata_unused_port()
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "examples" / "hello.py")],
        env={**os.environ, "PYTHONPATH": str(ROOT), "PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/script"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as reply:
                    assert reply.read() == b"Hello, script!"
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("examples/hello.py did not serve") from None
                time.sleep(0.1)
    finally:
        proc.terminate()
        proc.wait(15)


async def test_json_api_creates_reads_updates_and_deletes(
    aiostrata_client: AiostrataClient,
) -> None:
    client = await aiostrata_client(json_api.init_app())
    created = await client.post("/notes", json={"text": "first"})
    assert created.status == 201
    note = await created.json()
    assert note == {"id": 1, "text": "first"}
    assert created.headers["Location"] == "/notes/1"
    assert await (await client.get("/notes")).json() == [note]
    updated = await client.put("/notes/1", json={"text": "changed"})
    assert await updated.json() == {"id": 1, "text": "changed"}
    assert await (await client.get("/notes/1")).json() == {"id": 1, "text": "changed"}
    assert (await client.delete("/notes/1")).status == 204
    missing = await client.get("/notes/1")
    assert missing.status == 404
    assert await missing.json() == {"error": "no note 1"}


async def test_json_api_refuses_bad_bodies_with_a_json_400(
    aiostrata_client: AiostrataClient,
) -> None:
    client = await aiostrata_client(json_api.init_app())
    not_json = await client.post(
        "/notes", data=b"{oops", headers={"Content-Type": "application/json"}
    )
    assert not_json.status == 400
    assert await not_json.json() == {"error": "the body is not JSON"}
    wrong_shape = await client.post("/notes", json={"body": "x"})
    assert wrong_shape.status == 400
    assert (await client.patch("/notes")).status == 405


async def _next_json(socket: aiohttp.ClientWebSocketResponse) -> dict[str, str]:
    message = await asyncio.wait_for(socket.receive(), 5)
    assert message.type is aiohttp.WSMsgType.TEXT, message
    data: dict[str, str] = json.loads(message.data)
    return data


async def test_websocket_chat_page_and_broadcast(aiostrata_client: AiostrataClient) -> None:
    client = await aiostrata_client(websocket_chat.init_app())
    page = await client.get("/")
    assert page.content_type == "text/html"
    assert 'new WebSocket(scheme + location.host + "/ws")' in await page.text()
    ada = await client.ws_connect("/ws")
    await ada.send_json({"name": "ada"})
    assert await _next_json(ada) == {"from": "ada", "event": "joined"}
    bob = await client.ws_connect("/ws")
    await bob.send_json({"name": "bob"})
    assert await _next_json(ada) == {"from": "bob", "event": "joined"}
    assert await _next_json(bob) == {"from": "bob", "event": "joined"}
    await bob.send_str("hi all")
    assert await _next_json(ada) == {"from": "bob", "text": "hi all"}
    assert await _next_json(bob) == {"from": "bob", "text": "hi all"}
    await bob.close()
    assert await _next_json(ada) == {"from": "bob", "event": "left"}


async def test_websocket_chat_says_going_away_on_shutdown(
    aiostrata_client: AiostrataClient,
) -> None:
    client = await aiostrata_client(websocket_chat.init_app())
    socket = await client.ws_connect("/ws")
    await socket.send_json({"name": "ada"})
    await _next_json(socket)
    closing = asyncio.create_task(client.server.close())
    message = await asyncio.wait_for(socket.receive(), 5)
    assert message.type is aiohttp.WSMsgType.CLOSE
    assert message.data == aiohttp.WSCloseCode.GOING_AWAY
    await asyncio.wait_for(closing, 10)


async def test_upload_then_download_with_a_range(
    aiostrata_client: AiostrataClient, tmp_path: Path
) -> None:
    client = await aiostrata_client(upload_download.init_app([str(tmp_path)]))
    content = bytes(range(256)) * 100
    # Written by hand: aiohttp's FormData would percent-encode the slashes of the name.
    body = (
        b"--b0undary\r\n"
        b'Content-Disposition: form-data; name="file"; filename="../../escape.bin"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n" + content + b"\r\n--b0undary--\r\n"
    )
    uploaded = await client.post(
        "/upload", data=body, headers={"Content-Type": "multipart/form-data; boundary=b0undary"}
    )
    assert uploaded.status == 201
    assert await uploaded.json() == {"name": "escape.bin", "size": len(content)}
    assert (tmp_path / "escape.bin").read_bytes() == content
    assert await (await client.get("/files")).json() == ["escape.bin"]
    whole = await client.get("/files/escape.bin")
    assert await whole.read() == content
    assert whole.headers["Content-Disposition"] == 'attachment; filename="escape.bin"'
    part = await client.get("/files/escape.bin", headers={"Range": "bytes=10-19"})
    assert part.status == 206
    assert await part.read() == content[10:20]
    assert (await client.get("/files/nothing.bin")).status == 404
    assert (await client.get("/")).content_type == "text/html"


async def test_upload_without_a_file_field_is_a_400(aiostrata_client: AiostrataClient) -> None:
    client = await aiostrata_client(upload_download.init_app())
    form = aiohttp.FormData()
    form.add_field("other", "value")
    response = await client.post("/upload", data=form)
    assert response.status == 400


async def test_static_files_with_redirect_listing_and_versioned_url(
    aiostrata_client: AiostrataClient,
) -> None:
    client = await aiostrata_client(static_files.init_app())
    page = await client.get("/")
    assert page.url.path == "/static/index.html"
    assert "Served by add_static" in await page.text()
    listing = await client.get("/static/")
    assert "style.css" in await listing.text()
    versioned = await (await client.get("/stylesheet-url")).text()
    assert versioned.startswith("/static/style.css?v=")
    css = await client.get(versioned)
    assert css.content_type == "text/css"
    again = await client.get("/static/style.css", headers={"If-None-Match": css.headers["ETag"]})
    assert again.status == 304
    assert (await client.get("/static/../hello.py")).status in {403, 404}


async def test_sub_applications_share_config_and_keep_their_middleware(
    aiostrata_client: AiostrataClient,
) -> None:
    client = await aiostrata_client(sub_applications.init_app())
    assert await (await client.get("/")).json() == {
        "status": "/api/v1/status",
        "admin": "/admin/",
    }
    status = await client.get("/api/v1/status")
    assert await status.json() == {"site": "example.org", "version": "1.0"}
    assert (await client.get("/admin/")).status == 403
    admin = await client.get("/admin/", headers={"X-Admin-Token": "secret"})
    assert await admin.text() == "admin of example.org"


async def test_background_task_ticks_while_serving_and_stops_at_cleanup(
    aiostrata_client: AiostrataClient,
) -> None:
    app = background_task.init_app(["0.01"])
    client = await aiostrata_client(app)
    deadline = time.monotonic() + 5
    while (await (await client.get("/ticks")).json())["ticks"] < 3:
        assert time.monotonic() < deadline, "the ticker did not tick"
        await asyncio.sleep(0.01)
    assert not app[background_task.ticker_key].stopped
    await client.close()
    ticker = app[background_task.ticker_key]
    assert ticker.stopped
    stopped_at = ticker.ticks
    await asyncio.sleep(0.05)
    assert ticker.ticks == stopped_at


async def test_server_sent_events_arrive_one_by_one(aiostrata_client: AiostrataClient) -> None:
    client = await aiostrata_client(server_sent_events.init_app(["0.01"]))
    async with client.get("/clock?count=3") as response:
        assert response.headers["Content-Type"] == "text/event-stream"
        assert response.headers["Cache-Control"] == "no-cache"
        body = (await asyncio.wait_for(response.read(), 10)).decode()
    events = [block for block in body.split("\n\n") if block]
    assert [e.splitlines()[0] for e in events] == ["id: 1", "id: 2", "id: 3", "id: 4"]
    assert events[-1].splitlines()[1:] == ["event: end", "data: bye"]
    assert (await client.get("/clock?count=x")).status == 400


async def test_server_sent_events_stop_when_the_client_leaves(
    aiostrata_client: AiostrataClient,
) -> None:
    client = await aiostrata_client(server_sent_events.init_app(["0.01"]))
    response = await client.get("/clock")
    first = await asyncio.wait_for(response.content.readuntil(b"\n\n"), 5)
    assert first.startswith(b"id: 1\n")
    response.close()
    await asyncio.wait_for(client.close(), 10)


async def test_graceful_shutdown_finishes_requests_then_cleans_up(
    aiostrata_client: AiostrataClient,
) -> None:
    app = graceful_shutdown.init_app()
    client: TestClient[web.Request, web.Application] = await aiostrata_client(app)
    database = app[graceful_shutdown.database_key]
    socket = await client.ws_connect("/updates")
    slow = asyncio.create_task(client.get("/slow?seconds=0.3"))
    await asyncio.sleep(0.1)  # the slow request is in flight
    closing = asyncio.create_task(client.server.close())
    message = await asyncio.wait_for(socket.receive(), 5)
    assert message.type is aiohttp.WSMsgType.CLOSE
    assert message.data == aiohttp.WSCloseCode.GOING_AWAY
    response = await asyncio.wait_for(slow, 5)
    assert await response.text() == "finished"
    await asyncio.wait_for(closing, 10)
    assert database.events == ["on_shutdown", "slow request finished", "on_cleanup"]
    assert database.closed

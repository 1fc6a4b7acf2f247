"""examples/websocket_chat.py's page, driven in headless Chromium over the DevTools protocol.

The page's own script opens the WebSocket; the test types a message into the form, submits
it, and checks the DOM once the message has come back from the server, while a second chat
member (aiohttp's client) sees the same broadcast. Skipped when ``chromium`` is not installed
(the integration session installs Debian's package on CI).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from aiostrata.test_utils.pytest_plugin import AiostrataServer
from examples import websocket_chat

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")


class DevTools:
    """Commands to the browser over its DevTools WebSocket; events are read and dropped."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        self._socket = socket
        self._ids = itertools.count(1)

    async def call(self, method: str, session: str | None = None, **params: Any) -> Any:
        command_id = next(self._ids)
        command: dict[str, Any] = {"id": command_id, "method": method, "params": params}
        if session is not None:
            command["sessionId"] = session
        await self._socket.send_json(command)
        while True:
            reply = await asyncio.wait_for(self._socket.receive_json(), 15)
            if reply.get("id") == command_id:
                assert "error" not in reply, reply["error"]
                return reply["result"]

    async def evaluate(self, session: str, expression: str) -> Any:
        result = await self.call(
            "Runtime.evaluate", session, expression=expression, returnByValue=True
        )
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    async def wait_until(self, session: str, condition: str, seconds: float = 15) -> None:
        deadline = asyncio.get_running_loop().time() + seconds
        while not await self.evaluate(session, condition):
            assert asyncio.get_running_loop().time() < deadline, f"never true: {condition}"
            await asyncio.sleep(0.05)


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[DevTools]:
    assert CHROMIUM is not None
    process = await asyncio.create_subprocess_exec(
        CHROMIUM,
        "--headless",
        "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
        "--disable-gpu",
        "--no-first-run",
        "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0",
        f"--user-data-dir={tmp_path / 'profile'}",
        "about:blank",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    stderr = process.stderr
    drain: asyncio.Task[bytes] | None = None
    try:
        url = ""
        async with asyncio.timeout(30):
            while not url:
                line = (await stderr.readline()).decode()
                assert line, "chromium exited before listening for DevTools"
                if found := re.search(r"DevTools listening on (ws://\S+)", line):
                    url = found.group(1)
        drain = asyncio.create_task(stderr.read())  # keep its pipe from filling up
        async with aiohttp.ClientSession() as session, session.ws_connect(url) as socket:
            yield DevTools(socket)
    finally:
        process.terminate()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(process.wait(), 15)
        if process.returncode is None:
            process.kill()
            await process.wait()
        if drain is not None:
            await drain


async def test_a_message_typed_in_the_page_round_trips_to_every_member(
    aiostrata_server: AiostrataServer, browser: DevTools
) -> None:
    server = await aiostrata_server(websocket_chat.init_app())
    async with aiohttp.ClientSession() as client, client.ws_connect(server.make_url("/ws")) as peer:
        await peer.send_json({"name": "observer"})
        assert await asyncio.wait_for(peer.receive_json(), 5) == {
            "from": "observer",
            "event": "joined",
        }

        target = await browser.call("Target.createTarget", url=str(server.make_url("/")))
        attached = await browser.call(
            "Target.attachToTarget", targetId=target["targetId"], flatten=True
        )
        page = attached["sessionId"]
        await browser.wait_until(page, "document.querySelectorAll('#log li').length >= 1")
        joined = await browser.evaluate(page, "document.querySelector('#log li').textContent")
        name = joined.removesuffix(" joined")
        assert re.fullmatch(r"guest-\d+", name), joined
        assert await asyncio.wait_for(peer.receive_json(), 5) == {"from": name, "event": "joined"}

        await browser.evaluate(
            page,
            "document.getElementById('text').value = 'hello from chromium';"
            "document.getElementById('form').requestSubmit(); true",
        )
        await browser.wait_until(page, "document.querySelectorAll('#log li').length >= 2")
        lines = await browser.evaluate(
            page, "Array.from(document.querySelectorAll('#log li'), li => li.textContent)"
        )
        assert lines == [f"{name} joined", f"{name}: hello from chromium"]
        assert await browser.evaluate(page, "document.getElementById('text').value") == ""
        assert await asyncio.wait_for(peer.receive_json(), 5) == {
            "from": name,
            "text": "hello from chromium",
        }

"""Static files against real clients: aiohttp's, httpx and curl (which can send ``..``
unnormalized with ``--path-as-is``)."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import aiohttp
import httpx
import pytest
from yarl import URL

from aiostrata import web
from aiostrata.test_utils.pytest_plugin import AiostrataServer

CURL = shutil.which("curl")
DATA = bytes(range(256)) * 64  # 16 KiB
SECRET = b"never-leaves-the-server"


@pytest.fixture
async def static_url(tmp_path: Path, aiostrata_server: AiostrataServer) -> str:
    root = tmp_path / "public"
    root.mkdir()
    (root / "data.bin").write_bytes(DATA)
    (tmp_path / "secret.txt").write_bytes(SECRET)
    app = web.Application()
    app.router.add_static("/static", root)
    server = await aiostrata_server(app)
    return f"http://{server.host}:{server.port}"


async def test_aiohttp_client_range_and_traversal(static_url: str) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(
            static_url + "/static/data.bin", headers={"Range": "bytes=256-511"}
        ) as response:
            assert response.status == 206
            assert response.headers["Content-Range"] == f"bytes 256-511/{len(DATA)}"
            assert await response.read() == DATA[256:512]
        # aiohttp normalizes "..", so send the encoded slash form it keeps as is.
        url = static_url + "/static/..%2Fsecret.txt"
        async with session.get(URL(url, encoded=True)) as response:
            assert response.status == 404
            assert SECRET not in await response.read()


async def test_httpx_range_conditional_and_traversal(static_url: str) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(static_url + "/static/data.bin", headers={"Range": "bytes=-16"})
        assert response.status_code == 206
        assert response.content == DATA[-16:]
        full = await client.get(static_url + "/static/data.bin")
        assert full.content == DATA
        cached = await client.get(
            static_url + "/static/data.bin", headers={"If-None-Match": full.headers["ETag"]}
        )
        assert cached.status_code == 304
        hostile = await client.get(static_url + "/static/%2e%2e%2fsecret.txt")
        assert hostile.status_code == 404
        assert SECRET not in hostile.content


async def _curl(*args: str) -> tuple[str, bytes]:
    assert CURL is not None
    proc = await asyncio.create_subprocess_exec(
        CURL, "-s", "--max-time", "10", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 20)
    assert proc.returncode == 0, err
    return err.decode(), out


@pytest.mark.skipif(CURL is None, reason="curl is not installed")
async def test_curl_range_and_path_as_is_traversal(static_url: str) -> None:
    _, body = await _curl("-r", "0-9", static_url + "/static/data.bin")
    assert body == DATA[:10]
    for target in ("/static/../secret.txt", "/static/../../../../etc/passwd"):
        _, answer = await _curl("-i", "--path-as-is", static_url + target)
        assert answer.startswith(b"HTTP/1.1 404 Not Found\r\n")
        assert SECRET not in answer
        assert b"root:" not in answer

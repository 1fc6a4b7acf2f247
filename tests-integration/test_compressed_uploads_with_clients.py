"""Real clients upload compressed bodies: httpx with a hand-set gzip body, aiohttp's compress=."""

from __future__ import annotations

import hashlib
import zlib

import aiohttp
import httpx
import pytest

from aiostrata import web
from aiostrata.test_utils.pytest_plugin import AiostrataServer

CONTENT = b"".join(b"row %06d,some,csv,values\n" % i for i in range(20000))


async def digest(request: web.Request) -> web.Response:
    body = await request.read()
    return web.json_response(
        {
            "size": len(body),
            "sha256": hashlib.sha256(body).hexdigest(),
            "sent": request.content_length,
        }
    )


@pytest.fixture
async def base_url(aiostrata_server: AiostrataServer) -> str:
    app = web.Application(client_max_size=2 * len(CONTENT))
    app.router.add_post("/digest", digest)
    server = await aiostrata_server(app)
    return f"http://{server.host}:{server.port}"


def gzipped(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
    return compressor.compress(data) + compressor.flush()


async def test_httpx_posts_a_gzip_body_that_the_handler_reads_decoded(base_url: str) -> None:
    compressed = gzipped(CONTENT)
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(
            base_url + "/digest",
            content=compressed,
            headers={"Content-Encoding": "gzip", "Content-Type": "text/csv"},
        )
    assert response.status_code == 200
    assert response.json() == {
        "size": len(CONTENT),
        "sha256": hashlib.sha256(CONTENT).hexdigest(),
        "sent": len(compressed),
    }


async def test_httpx_gets_415_for_a_coding_the_server_cannot_decode(base_url: str) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(
            base_url + "/digest", content=b"\x1f\x9d\x90", headers={"Content-Encoding": "compress"}
        )
    assert response.status_code == 415
    assert "gzip" in response.headers["Accept-Encoding"]


async def test_aiohttp_compress_deflate_is_decoded(base_url: str) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(base_url + "/digest", data=CONTENT, compress="deflate") as response,
    ):
        assert response.status == 200
        result = await response.json()
    assert result["size"] == len(CONTENT)
    assert result["sha256"] == hashlib.sha256(CONTENT).hexdigest()

"""Real clients upload multipart forms with files: aiohttp's FormData and httpx's ``files=``."""

from __future__ import annotations

import hashlib

import aiohttp
import httpx
import pytest

from aiostrata import web
from aiostrata.test_utils.pytest_plugin import AiostrataServer

CONTENT = bytes(range(256)) * 2000 + b"\r\n--tail"


async def upload(request: web.Request) -> web.Response:
    form = await request.post()
    upload = form["file"]
    assert isinstance(upload, web.FileField)
    digest = hashlib.sha256(upload.file.read()).hexdigest()
    upload.file.close()
    return web.json_response(
        {
            "title": form["title"],
            "filename": upload.filename,
            "content_type": upload.content_type,
            "sha256": digest,
        }
    )


@pytest.fixture
async def base_url(aiostrata_server: AiostrataServer) -> str:
    app = web.Application(client_max_size=2 * len(CONTENT))
    app.router.add_post("/upload", upload)
    server = await aiostrata_server(app)
    return f"http://{server.host}:{server.port}"


def expected(filename: str, content_type: str) -> dict[str, str]:
    return {
        "title": "Grüße",
        "filename": filename,
        "content_type": content_type,
        "sha256": hashlib.sha256(CONTENT).hexdigest(),
    }


async def test_aiohttp_form_data_with_a_file(base_url: str) -> None:
    data = aiohttp.FormData()
    data.add_field("title", "Grüße")
    data.add_field("file", CONTENT, filename="report-v2.bin", content_type="application/x-data")
    async with (
        aiohttp.ClientSession() as session,
        session.post(base_url + "/upload", data=data) as response,
    ):
        assert response.status == 200
        body = await response.json()
    assert body == expected("report-v2.bin", "application/x-data")


async def test_httpx_files_upload(base_url: str) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(
            base_url + "/upload",
            data={"title": "Grüße"},
            files={"file": ("naïve report.bin", CONTENT, "application/octet-stream")},
        )
    assert response.status_code == 200
    assert response.json() == expected("naïve report.bin", "application/octet-stream")


async def test_form_over_client_max_size_is_413_for_httpx(base_url: str) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        try:
            response = await client.post(
                base_url + "/upload", files={"file": ("big.bin", CONTENT * 3)}
            )
        except httpx.TransportError:
            pytest.skip("the server closed before the client read its 413")
    assert response.status_code == 413

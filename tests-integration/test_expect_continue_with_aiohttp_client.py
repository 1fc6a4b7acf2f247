"""aiohttp's client with ``expect100=True`` against custom expect handlers (aiohttp's idioms)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from aiostrata import web


async def echo_form(request: web.Request) -> web.Response:
    form = await request.post()
    upload = form.get("file")
    if isinstance(upload, web.FileField):
        upload.file.close()
    return web.Response(text=str(form["name"]))


async def continue_through_the_writer(request: web.Request) -> None:
    """aiohttp's documented idiom: the expect handler writes the interim response itself."""
    if request.version == (1, 1):
        if request.headers.get("Authorization") is None:
            raise web.HTTPForbidden()
        await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")


async def continue_through_the_transport(request: web.Request) -> None:
    if request.version == (1, 1):
        assert request.transport is not None
        request.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")


@pytest.fixture
async def base_url() -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_post("/writer", echo_form, expect_handler=continue_through_the_writer)
    app.router.add_post("/transport", echo_form, expect_handler=continue_through_the_transport)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


@pytest.mark.parametrize("path", ["/writer", "/transport"])
async def test_a_custom_expect_handler_lets_the_upload_through(base_url: str, path: str) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(2):  # the connection stays usable
            form = aiohttp.FormData()
            form.add_field("name", "123")
            form.add_field("file", b"data", filename="f.bin")  # a multipart upload
            async with session.post(
                base_url + path, data=form, expect100=True, headers={"Authorization": "x"}
            ) as response:
                assert response.status == 200
                assert await response.text() == "123"


async def test_a_custom_expect_handler_can_refuse_before_the_body(base_url: str) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(base_url + "/writer", data={"name": "x"}, expect100=True) as response,
    ):
        assert response.status == 403

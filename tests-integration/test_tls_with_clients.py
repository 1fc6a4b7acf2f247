"""TLS end to end: TCPSite with an ssl_context, real clients verifying a real chain."""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path

import aiohttp
import httpx
import pytest
import trustme

from aiostrata import web
from aiostrata.test_utils.pytest_plugin import AiostrataServer


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
async def tls_url(ca: trustme.CA, tmp_path: Path, aiostrata_server: AiostrataServer) -> str:
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(server_context)
    big = tmp_path / "big.bin"
    big.write_bytes(bytes(range(256)) * 4096)  # 1 MiB: sendfile falls back to reads on TLS

    async def who(request: web.Request) -> web.Response:
        return web.json_response(
            {"scheme": request.scheme, "secure": request.secure, "url": str(request.url)}
        )

    async def file(request: web.Request) -> web.FileResponse:
        return web.FileResponse(big)

    app = web.Application()
    app.router.add_get("/who", who)
    app.router.add_get("/big", file)
    server = await aiostrata_server(app, ssl=server_context)
    assert server.scheme == "https"
    return f"https://127.0.0.1:{server.port}"


async def test_aiohttp_client_over_tls(ca: trustme.CA, tls_url: str) -> None:
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)
    async with aiohttp.ClientSession() as session:
        async with session.get(tls_url + "/who", ssl=client_context) as response:
            data = await response.json()
        async with session.get(tls_url + "/big", ssl=client_context) as response:
            body = await response.read()
    assert data == {"scheme": "https", "secure": True, "url": tls_url + "/who"}
    assert body == bytes(range(256)) * 4096


async def test_httpx_over_tls_with_a_range(ca: trustme.CA, tls_url: str) -> None:
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)
    async with httpx.AsyncClient(verify=client_context) as client:
        who = await client.get(tls_url + "/who")
        part = await client.get(tls_url + "/big", headers={"Range": "bytes=256-511"})
    assert who.json()["scheme"] == "https"
    assert part.status_code == 206
    assert part.content == bytes(range(256))


async def test_a_plain_http_request_to_the_tls_port_gets_no_answer(tls_url: str) -> None:
    plain = tls_url.replace("https://", "http://")
    async with httpx.AsyncClient() as client:
        with pytest.raises(httpx.HTTPError):
            await client.get(plain + "/who", timeout=5)


@pytest.mark.parametrize("requests", [1, 2])
async def test_a_tls_client_closing_causes_no_asyncio_warning(
    ca: trustme.CA, tls_url: str, caplog: pytest.LogCaptureFixture, requests: int
) -> None:
    """asyncio warns for every TLS half-close a protocol asks to keep open; we never ask."""
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)
    port = int(tls_url.rsplit(":", 1)[1])
    reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=client_context)
    try:
        for _ in range(requests):
            writer.write(b"GET /who HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
            assert head.startswith(b"HTTP/1.1 200 OK\r\n")
            length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
            await asyncio.wait_for(reader.readexactly(length), 5)
    finally:
        writer.close()  # close_notify: the server sees the end of its input
        await writer.wait_closed()
    await asyncio.sleep(0.2)  # let the server handle the close
    warnings = [r.getMessage() for r in caplog.records if "eof_received" in r.getMessage()]
    assert warnings == []

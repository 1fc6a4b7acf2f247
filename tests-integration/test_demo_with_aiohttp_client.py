"""aiohttp's own client against the demo app: what an aiohttp user would try first."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp


async def test_routes_json_and_errors(demo_url: str) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(demo_url + "/") as response:
            assert response.status == 200
            assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
            assert await response.text() == "Hello from aiostrata\n"
        async with session.get(demo_url + "/hello/world") as response:
            assert await response.text() == "Hello, world!\n"
        async with session.get(demo_url + "/json") as response:
            data = await response.json()
            assert data["framework"] == "aiostrata"
        async with session.get(demo_url + "/missing") as response:
            assert response.status == 404
        async with session.delete(demo_url + "/json") as response:
            assert response.status == 405
            assert response.headers["Allow"] == "GET,HEAD"
        async with session.get(demo_url + "/teapot") as response:
            assert response.status == 404
            assert await response.text() == "no teapot here\n"


async def test_connection_is_reused_for_sequential_requests(demo_url: str) -> None:
    created: list[object] = []
    reused: list[object] = []

    async def on_create(session: object, context: object, params: object) -> None:
        created.append(params)

    async def on_reuse(session: object, context: object, params: object) -> None:
        reused.append(params)

    trace = aiohttp.TraceConfig()
    trace.on_connection_create_end.append(on_create)
    trace.on_connection_reuseconn.append(on_reuse)
    connector = aiohttp.TCPConnector(limit=1)
    async with aiohttp.ClientSession(connector=connector, trace_configs=[trace]) as session:
        for _ in range(5):
            async with session.get(demo_url + "/") as response:
                assert await response.text() == "Hello from aiostrata\n"
    assert len(created) == 1
    assert len(reused) == 4


async def test_post_body_is_echoed(demo_url: str) -> None:
    payload = bytes(range(256)) * 1000
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            demo_url + "/echo", data=payload, headers={"Content-Type": "application/octet-stream"}
        ) as response,
    ):
        assert response.status == 200
        assert await response.read() == payload


async def test_chunked_upload_is_echoed(demo_url: str) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for index in range(10):
            yield f"part {index};".encode()

    async with (
        aiohttp.ClientSession() as session,
        session.post(demo_url + "/echo", data=chunks()) as response,
    ):
        assert await response.text() == "".join(f"part {i};" for i in range(10))


async def test_head_request_has_no_body(demo_url: str) -> None:
    async with aiohttp.ClientSession() as session, session.head(demo_url + "/") as response:
        assert response.status == 200
        assert response.headers["Content-Length"] == str(len("Hello from aiostrata\n"))
        assert await response.read() == b""

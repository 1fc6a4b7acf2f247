"""httpx (sync and async) against the demo app."""

from __future__ import annotations

import httpx


def test_sync_client_keep_alive_and_json(demo_url: str) -> None:
    with httpx.Client(base_url=demo_url) as client:
        first = client.get("/")
        second = client.get("/hello/httpx")
        data = client.get("/json").json()
    assert first.status_code == 200
    assert first.text == "Hello from aiostrata\n"
    assert first.http_version == "HTTP/1.1"
    assert second.text == "Hello, httpx!\n"
    assert data["framework"] == "aiostrata"


async def test_async_client_concurrent_requests(demo_url: str) -> None:
    import asyncio

    async with httpx.AsyncClient(base_url=demo_url) as client:
        responses = await asyncio.gather(*(client.get(f"/hello/{i}") for i in range(20)))
    assert [r.text for r in responses] == [f"Hello, {i}!\n" for i in range(20)]


def test_error_statuses(demo_url: str) -> None:
    with httpx.Client(base_url=demo_url) as client:
        assert client.get("/nope").status_code == 404
        not_allowed = client.put("/hello/x")
    assert not_allowed.status_code == 405
    assert not_allowed.headers["allow"] == "GET,HEAD"

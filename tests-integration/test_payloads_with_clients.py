"""Payload bodies (a file, a BytesIO, a StringIO, an async generator, multipart writers)
read by real clients (aiohttp's and httpx), with the same handlers also served by
aiohttp itself: the framing headers and bytes must match aiohttp's."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import aiohttp.web as aiohttp_web
import httpx
import pytest

from aiostrata import web as aiostrata_web
from aiostrata.http_parser import MultipartWriter

REPORT = b"id,name\r\n" + b"".join(b"%d,row %d\r\n" % (n, n) for n in range(20000))
COMPARED = ("content-type", "content-disposition", "content-length", "transfer-encoding")


def build(web: Any, report: Path, multipart_writer: Callable[[], Any]) -> Any:
    async def file(request: Any) -> Any:
        return web.Response(body=await asyncio.to_thread(open, report, "rb"))

    async def bytes_io(request: Any) -> Any:
        return web.Response(body=io.BytesIO(b"in memory"))

    async def string_io(request: Any) -> Any:
        return web.Response(body=io.StringIO("Grüße"))

    async def generator(request: Any) -> Any:
        async def rows() -> AsyncIterator[bytes]:
            for n in range(100):
                yield b"line %d\n" % n

        return web.Response(body=rows())

    async def multipart(request: Any) -> Any:
        return web.Response(body=multipart_writer())

    app = web.Application()
    app.router.add_get("/file", file)
    app.router.add_get("/bytesio", bytes_io)
    app.router.add_get("/stringio", string_io)
    app.router.add_get("/generator", generator)
    app.router.add_get("/multipart", multipart)
    return app


def our_multipart() -> MultipartWriter:
    writer = MultipartWriter("mixed")
    writer.append("first part")
    writer.append_json({"second": True})
    return writer


def aiohttp_multipart() -> aiohttp.MultipartWriter:
    writer = aiohttp.MultipartWriter("mixed")
    writer.append("first part")
    writer.append_json({"second": True})
    return writer


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "report.csv"
    path.write_bytes(REPORT)
    return path


async def serve(web: Any, app: Any) -> AsyncIterator[str]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


@pytest.fixture
async def ours(report: Path) -> AsyncIterator[str]:
    async for url in serve(aiostrata_web, build(aiostrata_web, report, our_multipart)):
        yield url


@pytest.fixture
async def theirs(report: Path) -> AsyncIterator[str]:
    async for url in serve(aiohttp_web, build(aiohttp_web, report, aiohttp_multipart)):
        yield url


@pytest.mark.parametrize("path", ["/file", "/bytesio", "/stringio", "/generator"])
async def test_framing_and_bytes_match_aiohttp(ours: str, theirs: str, path: str) -> None:
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(timeout=timeout, auto_decompress=False) as session:
        answers = []
        for base in (ours, theirs):
            async with session.get(base + path) as response:
                fields = {name: response.headers.get(name) for name in COMPARED}
                answers.append((response.status, fields, await response.read()))
    assert answers[0] == answers[1]


async def test_file_arrives_whole_through_httpx(ours: str) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(ours + "/file")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv"
    assert response.headers["content-disposition"] == 'attachment; filename="report.csv"'
    assert response.content == REPORT


async def test_generator_streams_to_httpx_in_chunks(ours: str) -> None:
    async with (
        httpx.AsyncClient(timeout=10) as client,
        client.stream("GET", ours + "/generator") as response,
    ):
        assert response.headers["transfer-encoding"] == "chunked"
        received = b"".join([chunk async for chunk in response.aiter_raw()])
    assert received == b"".join(b"line %d\n" % n for n in range(100))


@pytest.mark.parametrize("writer", [our_multipart, aiohttp_multipart], ids=["ours", "aiohttp"])
async def test_multipart_writers_are_read_back_by_aiohttps_reader(
    report: Path, writer: Callable[[], Any]
) -> None:
    """Ours and aiohttp's own MultipartWriter (any object of that shape) as bodies."""
    app = build(aiostrata_web, report, writer)
    parts: list[tuple[str, str]] = []
    async for base in serve(aiostrata_web, app):
        timeout = aiohttp.ClientTimeout(total=10)
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(base + "/multipart") as response,
        ):
            assert response.headers["Content-Type"].startswith("multipart/mixed; boundary=")
            assert "Content-Length" in response.headers
            reader = aiohttp.MultipartReader.from_response(response)
            while (part := await reader.next()) is not None:
                assert isinstance(part, aiohttp.BodyPartReader)
                parts.append((part.headers["Content-Type"], await part.text()))
    assert parts == [
        ("text/plain; charset=utf-8", "first part"),
        ("application/json", '{"second": true}'),
    ]

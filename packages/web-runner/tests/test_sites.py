"""Every kind of site serves: TCP (IPv4 and IPv6), a Unix socket, a socket handed over."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest

from aiostrata.web_app import Application
from aiostrata.web_request import Request
from aiostrata.web_response import Response
from aiostrata.web_runner import AppRunner, SockSite, TCPSite, UnixSite


def make_app() -> Application:
    app = Application()

    async def hello(request: Request) -> Response:
        return Response(text="hello")

    app.router.add_get("/", hello)
    return app


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bytes:
    writer.write(b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    data = await asyncio.wait_for(reader.read(), 5)
    writer.close()
    return data


async def test_unix_site(tmp_path: Path) -> None:
    runner = AppRunner(make_app())
    await runner.setup()
    path = str(tmp_path / "app.sock")
    site = UnixSite(runner, path)
    await site.start()
    try:
        assert site.name == f"http://unix:{path}:"
        data = await _get(*await asyncio.open_unix_connection(path))
    finally:
        await runner.cleanup()
    assert data.startswith(b"HTTP/1.1 200 OK\r\n")
    assert data.endswith(b"hello")


async def test_sock_site_serves_a_socket_bound_elsewhere() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    runner = AppRunner(make_app())
    await runner.setup()
    site = SockSite(runner, sock)
    await site.start()
    try:
        assert site.name == f"http://127.0.0.1:{port}"
        assert runner.addresses == [("127.0.0.1", port)]
        data = await _get(*await asyncio.open_connection("127.0.0.1", port))
    finally:
        await runner.cleanup()
    assert data.endswith(b"hello")


async def test_tcp_site_on_ipv6_loopback() -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    runner = AppRunner(make_app())
    await runner.setup()
    site = TCPSite(runner, "::1", 0)
    try:
        await site.start()
    except OSError:
        await runner.cleanup()
        pytest.skip("::1 is not configured here")
    try:
        port = runner.addresses[0][1]
        assert site.name == "http://[::1]:0"
        data = await _get(*await asyncio.open_connection("::1", port))
    finally:
        await runner.cleanup()
    assert data.endswith(b"hello")


async def test_a_site_needs_a_set_up_runner() -> None:
    runner = AppRunner(make_app())
    with pytest.raises(RuntimeError, match="setup"):
        TCPSite(runner, "127.0.0.1", 0)


async def test_a_site_cannot_be_started_twice() -> None:
    runner = AppRunner(make_app())
    await runner.setup()
    site = TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        with pytest.raises(RuntimeError, match="already registered"):
            await site.start()
    finally:
        await runner.cleanup()

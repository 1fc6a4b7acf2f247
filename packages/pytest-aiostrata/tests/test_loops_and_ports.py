"""Loops and ports for tests that manage their own event loop."""

from __future__ import annotations

import asyncio
import socket

from aiostrata import web
from aiostrata.test_utils import (
    TestClient,
    TestServer,
    loop_context,
    setup_test_loop,
    teardown_test_loop,
    unused_port,
)


def test_unused_port_can_be_bound() -> None:
    port = unused_port()
    assert 0 < port < 65536
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_loop_context_serves_an_app_in_a_plain_function() -> None:
    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="hi")

    async def scenario() -> str:
        app = web.Application()
        app.router.add_get("/", hello)
        async with TestClient(TestServer(app)) as client:
            return await (await client.get("/")).text()

    with loop_context() as loop:
        assert asyncio.get_event_loop() is loop
        assert loop.run_until_complete(scenario()) == "hi"
    assert loop.is_closed()


def test_setup_and_teardown_make_and_close_the_current_loop() -> None:
    loop = setup_test_loop()
    try:
        assert asyncio.get_event_loop() is loop
        ran: list[bool] = []
        loop.call_soon(ran.append, True)
    finally:
        teardown_test_loop(loop, fast=True)
    assert ran == [True]
    assert loop.is_closed()
    teardown_test_loop(loop)  # a closed loop is left as it is

"""Real servers on 127.0.0.1 and raw-socket clients, for testing the wire."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from wire import ServeApp

from aiostrata.web_app import Application
from aiostrata.web_runner import AppRunner, TCPSite


@pytest.fixture
async def serve_app() -> AsyncIterator[ServeApp]:
    """Start an application on a free loopback port; cleaned up after the test."""
    runners: list[AppRunner] = []

    async def start(app: Application, **kwargs: object) -> tuple[str, int]:
        runner = AppRunner(app, **kwargs)  # type: ignore[arg-type]
        await runner.setup()
        site = TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        host, port = runner.addresses[0][:2]
        return host, port

    yield start
    for runner in runners:
        await runner.cleanup()

"""pytest-aiohttp's fixture names, for suites written for it; each is the aiostrata fixture.

Registered by :func:`aiostrata.test_utils.pytest_plugin.pytest_configure` only when
pytest-aiohttp's own plugin is not loaded, so the two never compete for a name.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
import pytest_asyncio

from .client import TestClient
from .pytest_plugin import AiostrataClient, AiostrataRawServer, AiostrataServer, client_factory

__all__ = (
    "aiohttp_client",
    "aiohttp_client_cls",
    "aiohttp_raw_server",
    "aiohttp_server",
    "aiohttp_unused_port",
)


@pytest_asyncio.fixture
async def aiohttp_client(
    aiohttp_client_cls: type[TestClient[Any, Any]],
) -> AsyncIterator[AiostrataClient]:
    """``aiostrata_client`` under pytest-aiohttp's name, making ``aiohttp_client_cls``."""
    async for start in client_factory(aiohttp_client_cls):
        yield start


@pytest.fixture
def aiohttp_server(aiostrata_server: AiostrataServer) -> AiostrataServer:
    """``aiostrata_server`` under pytest-aiohttp's name."""
    return aiostrata_server


@pytest.fixture
def aiohttp_raw_server(aiostrata_raw_server: AiostrataRawServer) -> AiostrataRawServer:
    """``aiostrata_raw_server`` under pytest-aiohttp's name."""
    return aiostrata_raw_server


@pytest.fixture
def aiohttp_unused_port(aiostrata_unused_port: Callable[[], int]) -> Callable[[], int]:
    """``aiostrata_unused_port`` under pytest-aiohttp's name."""
    return aiostrata_unused_port


@pytest.fixture
def aiohttp_client_cls(
    aiostrata_client_cls: type[TestClient[Any, Any]],
) -> type[TestClient[Any, Any]]:
    """``aiostrata_client_cls`` under pytest-aiohttp's name; a conftest may override it."""
    return aiostrata_client_cls

"""Fixtures shared by the parser tests: which backend they run against."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from parser_backends import BACKEND_NAMES, BACKENDS, select


@pytest.fixture(
    scope="module",
    params=[
        pytest.param(
            name,
            marks=pytest.mark.skipif(name not in BACKENDS, reason=f"{name} is not installed"),
        )
        for name in BACKEND_NAMES
    ],
)
def parser_backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the module's tests once per backend (module scope: hypothesis-friendly)."""
    name: str = request.param
    select(name)
    yield name
    select("pure")

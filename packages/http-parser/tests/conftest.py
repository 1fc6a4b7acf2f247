"""Fixtures shared by the parser tests: the parser backend and WebSocket masking they run with."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from parser_backends import BACKEND_NAMES, BACKENDS, select

from aiostrata.http_parser import ws_reader, ws_writer
from aiostrata.http_parser.ws_masking import Masking, python_apply_mask


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


@pytest.fixture(scope="module", params=["python", "websockets.speedups"])
def masking(request: pytest.FixtureRequest) -> Iterator[Masking]:
    """Run the module's WebSocket tests once per masking implementation (see ws_masking).

    The accelerated one is a test dependency: its absence fails here, it is never skipped.
    """
    from websockets.speedups import apply_mask as accelerated

    chosen: Masking = python_apply_mask if request.param == "python" else accelerated
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ws_reader, "apply_mask", chosen)
        patch.setattr(ws_reader, "_short_mask", None if chosen is python_apply_mask else chosen)
        patch.setattr(ws_writer, "apply_mask", chosen)
        yield chosen

"""tools/check_private_access.py finds each kind of private name that crosses a package."""

from __future__ import annotations

import pytest
from mypy.modulefinder import BuildSource

from tools.check_private_access import find_crossings

# One module added to web_runner (as text: nothing is written to the tree) that does every
# thing the check refuses, and one thing it allows (its own package's private name).
_RUNNER_MODULE = """
from aiostrata.web_app import Application
from aiostrata.web_request import BaseRequest
from aiostrata.web_runner import Server


def misuse(app: Application, request: BaseRequest, server: Server) -> object:
    app._set_loop(None)
    request.__dict__["_payload_writer"] = None
    server._kwargs  # web_runner's own: allowed
    return getattr(request, "_message")
"""

_INTERFACE_MODULE = """
from typing import Protocol


class NeedsPrivate(Protocol):
    def _secret(self) -> None: ...
"""


@pytest.fixture(scope="module")
def crossings() -> list[str]:
    extra = [
        BuildSource(None, "aiostrata.web_runner.misuse_sample", text=_RUNNER_MODULE),
        BuildSource(
            None, "aiostrata.web_response.interfaces_sample.interfaces", text=_INTERFACE_MODULE
        ),
    ]
    errors, checked = find_crossings(extra)
    assert checked > 100
    return errors


def test_the_packages_themselves_are_clean(crossings: list[str]) -> None:
    # The sample modules are given as text, so their errors name "<string>" as their file.
    assert [e for e in crossings if not e.startswith("<string>")] == []


@pytest.mark.parametrize(
    "expected",
    [
        "web_runner reads aiostrata.web_app.application.Application._set_loop",
        "writes aiostrata.web_request.base_request.BaseRequest.__dict__['_payload_writer']",
        "getattr(..., '_message') on an aiostrata object",
        "Protocol aiostrata.web_response.interfaces_sample.interfaces.NeedsPrivate declares",
    ],
)
def test_each_kind_is_reported(crossings: list[str], expected: str) -> None:
    assert any(expected in error for error in crossings), crossings


def test_a_package_s_own_private_names_are_allowed(crossings: list[str]) -> None:
    assert not any("_kwargs" in error for error in crossings)

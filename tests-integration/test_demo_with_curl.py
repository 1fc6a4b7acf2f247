"""curl, where installed: two requests on one keep-alive connection."""

from __future__ import annotations

import shutil
import subprocess

import pytest

CURL = shutil.which("curl")


@pytest.mark.skipif(CURL is None, reason="curl is not installed")
def test_two_requests_reuse_one_connection(demo_url: str) -> None:
    assert CURL is not None
    result = subprocess.run(
        [CURL, "-sv", "--http1.1", demo_url + "/", demo_url + "/hello/curl"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert result.stdout == "Hello from aiostrata\nHello, curl!\n"
    assert "Re-using existing connection" in result.stderr or "Reusing existing" in result.stderr
    assert result.stderr.count("Connected to") == 1


@pytest.mark.skipif(CURL is None, reason="curl is not installed")
def test_malformed_request_is_a_400(demo_url: str) -> None:
    assert CURL is not None
    result = subprocess.run(
        [
            CURL,
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "--request-target",
            "/a b",
            demo_url + "/",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.stdout == "400"

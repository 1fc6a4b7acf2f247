"""``python -m aiostrata.web`` serves an app factory, as ``python -m aiohttp.web`` does."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_cli_serves_the_factory_and_passes_extra_arguments(tmp_path: Path) -> None:
    (tmp_path / "cli_app.py").write_text(
        textwrap.dedent(
            """
            from aiostrata import web

            def init(argv):
                async def handler(request):
                    return web.Response(text=" ".join(argv))
                app = web.Application()
                app.router.add_get("/", handler)
                return app
            """
        )
    )
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiostrata.web",
            "-H",
            "127.0.0.1",
            "-P",
            str(port),
            "cli_app:init",
            "--flag",
            "value",
        ],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        body = b""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    body = response.read()
                break
            except OSError:
                time.sleep(0.1)
        assert body == b"--flag value"
    finally:
        proc.terminate()
        proc.wait(10)


def test_cli_rejects_a_bad_entry_point() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "aiostrata.web", "no_colon_here"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "module:function" in result.stderr

"""``python -m aiostrata.web --reload``: an edited file is served without closing the port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

APP = """
from aiostrata import web


def init(argv):
    async def handler(request):
        return web.Response(text={answer!r})

    app = web.Application()
    app.router.add_get("/", handler)
    return app
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def write_app(directory: Path, answer: str) -> None:
    (directory / "reload_app.py").write_text(textwrap.dedent(APP.format(answer=answer)))


class Served:
    """Polls the server, and fails if the port is ever refused once it has answered."""

    def __init__(self, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}/"
        self.answered = False

    def wait_for(self, expected: str, proc: subprocess.Popen[bytes], seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        last = ""
        while time.monotonic() < deadline:
            assert proc.poll() is None, "the reloading server exited"
            try:
                with urllib.request.urlopen(self.url, timeout=10) as response:  # noqa: S310
                    last = response.read().decode()
                    self.answered = True
            except urllib.error.URLError as exc:
                refused = isinstance(exc.reason, ConnectionRefusedError)
                assert not (refused and self.answered), "the port closed during a restart"
            if last == expected:
                return
            time.sleep(0.1)
        raise AssertionError(f"still {last!r} after {seconds} s, expected {expected!r}")


def test_an_edit_is_served_on_the_same_port_and_a_broken_one_is_survived(tmp_path: Path) -> None:
    write_app(tmp_path, "version 1")
    port = free_port()
    log = tmp_path / "stderr.txt"
    with log.open("wb") as stderr:
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "aiostrata.web", "--reload", "--reload-dir", str(tmp_path),
                "-H", "127.0.0.1", "-P", str(port), "reload_app:init",
            ],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )  # fmt: skip
    served = Served(port)
    try:
        served.wait_for("version 1", proc)
        (tmp_path / "reload_app.py").write_text("def init(argv):\n    return (\n")  # broken
        deadline = time.monotonic() + 30
        while "exited with status" not in log.read_text():
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        write_app(tmp_path, "version 2")
        served.wait_for("version 2", proc)
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(30)
    messages = log.read_text()
    assert code == 0, messages
    assert "changed: reload_app.py (modified); restarting" in messages
    assert "SyntaxError" in messages


def test_reload_without_watchfiles_says_which_extra_to_install(tmp_path: Path) -> None:
    fake = tmp_path / "watchfiles"
    fake.mkdir()
    (fake / "__init__.py").write_text("raise ImportError('watchfiles is not installed')\n")
    write_app(tmp_path, "x")
    result = subprocess.run(
        [sys.executable, "-m", "aiostrata.web", "--reload", "reload_app:init"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "pip install 'aiostrata[reload]'" in result.stderr


def test_reload_dir_needs_reload_and_an_existing_directory(tmp_path: Path) -> None:
    without = subprocess.run(
        [sys.executable, "-m", "aiostrata.web", "--reload-dir", ".", "reload_app:init"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert without.returncode == 2
    assert "--reload-dir needs --reload" in without.stderr
    missing = subprocess.run(
        [
            sys.executable, "-m", "aiostrata.web", "--reload", "--reload-dir", "nowhere",
            "-P", str(free_port()), "reload_app:init",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )  # fmt: skip
    assert missing.returncode == 2
    assert "not a directory" in missing.stderr

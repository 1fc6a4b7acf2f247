"""A real ``python -m gunicorn`` master with aiostrata's worker, and small HTTP helpers.

The master binds 127.0.0.1:0 and the test reads the port it got from its log, so two tests
never race for a port. It runs in a session of its own: ``kill_tree`` ends the master and its
workers by process group, whatever state the test left them in.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

WORKER = "aiostrata.web_runner.GunicornWebWorker"
_LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")
TIMEOUT = 20.0


@dataclass
class Gunicorn:
    """One gunicorn master serving ``target`` (``module:attribute``) from ``app_dir``."""

    app_dir: Path
    target: str
    args: list[str] = field(default_factory=list)
    worker_class: str = WORKER
    workers: int = 2
    process: subprocess.Popen[bytes] | None = None
    port: int = 0

    @property
    def log_path(self) -> Path:
        return self.app_dir / "gunicorn.log"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def start(self) -> subprocess.Popen[bytes]:
        """Start the master; returns once it listens (the workers may still be booting)."""
        argv = [
            sys.executable, "-m", "gunicorn", self.target,
            "--bind", "127.0.0.1:0",
            "--workers", str(self.workers),
            "--worker-class", self.worker_class,
            "--graceful-timeout", "10",
            "--log-level", "info",
            *self.args,
        ]  # fmt: skip
        # XDG_RUNTIME_DIR: gunicorn >= 24 puts its control socket there, one per test.
        env = {**os.environ, "PYTHONPATH": str(self.app_dir), "XDG_RUNTIME_DIR": str(self.app_dir)}
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                argv,
                cwd=self.app_dir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + TIMEOUT
        while True:
            found = _LISTENING.search(self.log())
            if found:
                self.port = int(found.group(1))
                return self.process
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"gunicorn did not start listening:\n{self.log()}")
            time.sleep(0.05)

    def wait_until_serving(self, path: str = "/") -> http.client.HTTPResponse:
        """Retry ``GET path`` until a worker answers it (booting workers refuse nothing, but
        the request waits in the backlog until one accepts)."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                return get(self.port, path)
            except OSError:
                if self.master.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"gunicorn serves nothing:\n{self.log()}") from None
                time.sleep(0.05)

    @property
    def master(self) -> subprocess.Popen[bytes]:
        if self.process is None:
            raise AssertionError("gunicorn was not started")
        return self.process

    def wait_for_log(self, text: str, *, count: int = 1, timeout: float = TIMEOUT) -> str:
        """Poll the log until it contains ``text`` (``count`` times); return the log."""
        deadline = time.monotonic() + timeout
        while True:
            log = self.log()
            if log.count(text) >= count:
                return log
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared in the gunicorn log:\n{log}")
            time.sleep(0.05)

    def wait_exit(self, timeout: float = TIMEOUT) -> int:
        try:
            return self.master.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"gunicorn did not exit:\n{self.log()}") from None

    def kill_tree(self) -> None:
        """SIGKILL the master's whole process group (master and workers), then reap it."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        try:
            self.process.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()


def get(
    port: int, path: str = "/", *, connection: http.client.HTTPConnection | None = None
) -> http.client.HTTPResponse:
    """``GET path`` and read the body (on ``connection`` if given, else on a new one)."""
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response
    finally:
        if connection is None:
            conn.close()


def text_of(conn: http.client.HTTPConnection, path: str) -> tuple[http.client.HTTPResponse, str]:
    """``GET path`` on a kept-alive connection; the response and its body as text."""
    conn.request("GET", path)
    response = conn.getresponse()
    return response, response.read().decode()


def process_state(pid: int) -> str | None:
    """The one-letter state of a process from /proc (``Z`` for a zombie), None once reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return stat.rsplit(")", 1)[1].split()[0]


def parent_of(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])

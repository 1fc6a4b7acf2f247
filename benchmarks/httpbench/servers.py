"""Server processes: started pinned to the server CPU, always stopped.

Each server is ``taskset -c CPU PYTHON -m MODULE`` with cwd benchmarks/ (so ``httpbench``
imports) and a cleaned environment. taskset execs the interpreter, so the pid we hold is
the server's own and /proc/PID/stat is its CPU time. Three layers make sure none outlives
the bench: ``stop()`` (SIGTERM, then SIGKILL), the ``ServerGroup`` context manager that
stops every server it started whatever happens, and PR_SET_PDEATHSIG so the kernel kills
a server if the driver itself dies without cleaning up.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import TracebackType

from httpbench import procstat
from httpbench.catalog import CONTROLLED_ENV

BENCH_DIR = Path(__file__).resolve().parent.parent
PR_SET_PDEATHSIG = 1

try:
    _LIBC: ctypes.CDLL | None = ctypes.CDLL(None, use_errno=True)
except OSError:
    _LIBC = None


def _die_with_parent() -> None:
    """Runs in the child before exec: SIGKILL it when the driver goes away."""
    if _LIBC is not None:
        _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_env(extra: Mapping[str, str]) -> dict[str, str]:
    """This process's environment without the variables that pick what runs, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in CONTROLLED_ENV}
    env.update(extra)
    return env


class Server:
    """One server process on 127.0.0.1."""

    def __init__(
        self,
        label: str,
        module: str,
        env: Mapping[str, str],
        *,
        python: str,
        taskset: str,
        cpu: int,
        log_path: Path,
    ) -> None:
        self.label = label
        self.port = free_port()
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        command = [taskset, "-c", str(cpu), python, "-m", module]
        self.proc = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            command,
            env=clean_env({**env, "BENCH_PORT": str(self.port)}),
            cwd=BENCH_DIR,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,  # safe: the driver starts no threads
        )
        self.pid = self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def wait_ready(self, timeout: float = 30.0) -> bool:
        """True once the port accepts connections; False if it died or took too long."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return True
            except OSError:
                time.sleep(0.05)
        return False

    def memory(self, field: str) -> float | None:
        return procstat.memory_mib(self.pid, field)

    def log_tail(self, lines: int = 3) -> str:
        try:
            text = self.log_path.read_text(errors="replace").strip().splitlines()
        except OSError:
            return ""
        return " | ".join(text[-lines:])

    def stop(self) -> None:
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._log.close()


class ServerGroup(contextlib.AbstractContextManager["ServerGroup"]):
    """The servers of one round: whatever happens inside the ``with``, all are stopped."""

    def __init__(self) -> None:
        self.servers: dict[tuple[str, str], Server] = {}

    def add(self, key: tuple[str, str], server: Server) -> Server:
        self.servers[key] = server
        return server

    def __iter__(self) -> Iterator[tuple[tuple[str, str], Server]]:
        return iter(self.servers.items())

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for server in self.servers.values():
            with contextlib.suppress(Exception):
                server.stop()
        # A server that ignored SIGTERM and survived stop() is killed outright here.
        for server in self.servers.values():
            if server.alive():
                with contextlib.suppress(Exception):
                    server.proc.kill()

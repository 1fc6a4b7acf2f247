"""``python -m aiostrata.web --reload``: restart the app when its source changes.

For development only, and only when asked for: nothing reloads without ``--reload``.

The supervisor (this process) binds the listening sockets once and never imports the app. It
starts a worker process (``python -m aiostrata.web.reload FDS module:function args...``) that
inherits the sockets, imports the app fresh and serves it with ``run_app``. When a watched
``.py`` file changes (watchfiles, the ``reload`` extra) it prints what changed, stops the
worker (SIGTERM: a graceful shutdown, then SIGKILL after a few seconds) and starts a new one on
the same sockets: the port never closes, so a request sent during the restart waits in the
listen backlog and is answered by the new code. A worker that fails to start is reported and
restarted after the next change.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import FrameType

import watchfiles

from aiostrata.web_runner import run_app

from .app_factory import FactoryError, load_factory

__all__ = ("serve_with_reload",)

_STOP_GRACE_SECONDS = 5.0
_POLL_MILLISECONDS = 500
_PREFIX = "aiostrata.web --reload:"


def _say(message: str) -> None:
    print(f"{_PREFIX} {message}", file=sys.stderr, flush=True)


def bind_sockets(host: str | None, port: int, path: str | None) -> list[socket.socket]:
    """Listening sockets for every address of ``host`` (and the Unix ``path``), as run_app
    would bind them, so that the workers can take turns serving them."""
    sockets: list[socket.socket] = []
    try:
        if host is not None:
            seen: set[tuple[int, str]] = set()
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
            for family, _, _, _, address in infos:
                key = (family, str(address[0]))
                if key in seen:
                    continue
                seen.add(key)
                sock = socket.socket(family, socket.SOCK_STREAM)
                sockets.append(sock)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                if family == socket.AF_INET6:
                    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                sock.bind(address)
                sock.listen(128)
        if path is not None:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.bind(path)
            sock.listen(128)
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def _describe(changes: Iterable[tuple[watchfiles.Change, str]]) -> str:
    here = Path.cwd()
    described = []
    for change, name in sorted(changes, key=lambda item: item[1]):
        path = Path(name)
        shown = path.relative_to(here) if path.is_relative_to(here) else path
        described.append(f"{shown} ({change.name})")
    return ", ".join(described)


class _Worker:
    """One worker process serving the inherited sockets."""

    def __init__(self, entry: str, argv: Sequence[str], sockets: Sequence[socket.socket]) -> None:
        fds = [sock.fileno() for sock in sockets]
        command = [sys.executable, "-m", "aiostrata.web.reload", ",".join(map(str, fds)), entry]
        self.process = subprocess.Popen([*command, *argv], pass_fds=fds)  # noqa: S603

    def exited(self) -> int | None:
        return self.process.poll()

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(_STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            _say(f"the worker did not stop within {_STOP_GRACE_SECONDS:g} s: killing it")
            self.process.kill()
            self.process.wait()


def serve_with_reload(
    entry: str,
    argv: Sequence[str],
    *,
    host: str | None,
    port: int,
    path: str | None,
    watch: Sequence[str],
) -> int:
    """Serve ``entry`` in a worker, restarting it on changes until SIGINT or SIGTERM.

    Returns the exit status for the command line (0 once stopped by a signal).
    """
    directories = [Path(d).resolve() for d in watch]
    missing = [str(d) for d in directories if not d.is_dir()]
    if missing:
        _say(f"not a directory: {', '.join(missing)}")
        return 2
    sockets = bind_sockets(host, port, path)
    stop = threading.Event()

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    _say(f"watching {', '.join(map(str, directories))} for changes to .py files")
    worker = _Worker(entry, argv, sockets)
    reported_exit = False
    try:
        for changes in watchfiles.watch(
            *directories,
            watch_filter=watchfiles.PythonFilter(),
            stop_event=stop,
            rust_timeout=_POLL_MILLISECONDS,
            yield_on_timeout=True,
        ):
            if changes:
                _say(f"changed: {_describe(changes)}; restarting")
                worker.stop()
                worker = _Worker(entry, argv, sockets)
                reported_exit = False
            elif (code := worker.exited()) is not None and not reported_exit:
                _say(f"the worker exited with status {code}; waiting for a change to restart")
                reported_exit = True
    except KeyboardInterrupt:
        pass  # Ctrl+C: the worker got SIGINT too and shuts down gracefully
    finally:
        worker.stop()
        signal.signal(signal.SIGTERM, previous)
        for sock in sockets:
            sock.close()
        if path is not None and os.path.exists(path):
            os.unlink(path)
    return 0


def _worker_main(argv: Sequence[str]) -> int:
    """Serve ``module:function`` on the inherited sockets: ``FDS ENTRY [ARGS...]``."""
    fds, entry, *extra = argv
    try:
        factory = load_factory(entry)
    except FactoryError as exc:
        _say(str(exc))
        return 2
    sockets = [socket.socket(fileno=int(fd)) for fd in fds.split(",")]
    logging.basicConfig(level=logging.DEBUG)
    run_app(factory(extra), sock=sockets)
    return 0


if __name__ == "__main__":  # pragma: no cover - run as the worker process
    sys.exit(_worker_main(sys.argv[1:]))

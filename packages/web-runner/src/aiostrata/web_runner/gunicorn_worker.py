"""gunicorn worker classes: serve an aiostrata Application in gunicorn's pre-fork model.

gunicorn's master binds the listening sockets, forks the workers and watches them; each worker
runs its own event loop and serves the shared sockets through an :class:`AppRunner`::

    gunicorn mymodule:app --bind 127.0.0.1:8080 --workers 4 \\
        --worker-class aiostrata.web_runner.GunicornWebWorker

``app`` is an :class:`~aiostrata.web_app.Application` or a coroutine function returning one
(aiohttp's worker accepts the same two). gunicorn is an optional dependency
(``pip install "aiostrata-web-runner[gunicorn]"``), imported only by this module.

How the worker honours gunicorn's contract (``gunicorn.workers.base.Worker``):

* it calls :meth:`notify` about once a second, so the master's ``--timeout`` watchdog knows it
  is alive, and restarts itself after ``--max-requests`` requests or when the master is gone;
* SIGTERM, SIGQUIT and SIGINT stop it gracefully: it stops accepting, lets in-flight requests
  finish within 95% of ``--graceful-timeout`` (the master kills it at 100%), then exits 0;
  SIGABRT (sent by the master's watchdog) exits 1 at once; SIGUSR1 reopens the log files;
  SIGWINCH is ignored.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import re
import signal
import ssl
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any, Final

from gunicorn.config import AccessLogFormat
from gunicorn.sock import ssl_context as gunicorn_ssl_context
from gunicorn.workers.base import Worker

from aiostrata.web_app import Application

from .access_log import AccessLogger
from .runners import AppRunner
from .sites import SockSite

__all__ = ("GunicornUVLoopWebWorker", "GunicornWebWorker", "access_log_format_for")

# A `%(name)s` atom: gunicorn's access-log language, which AccessLogger does not speak.
_GUNICORN_LOG_ATOM: Final = re.compile(r"%\([^)]+\)")
# The longest pause between two heartbeats: gunicorn's watchdog allows `--timeout` seconds.
_HEARTBEAT_SECONDS: Final = 1.0
# Share of --graceful-timeout that in-flight requests get, leaving the rest for cleanup
# before the master's SIGKILL.
_GRACEFUL_SHARE: Final = 0.95


def access_log_format_for(gunicorn_format: str) -> str:
    """The access-log format the worker uses for gunicorn's ``--access-logformat``.

    gunicorn's default format (``%(h)s %(l)s ...``) means "nothing was configured", so the
    aiohttp-style default is used instead; any other format must already be in
    :class:`AccessLogger`'s language (``%a %t "%r" %s %b``), as aiohttp's worker requires.
    """
    if gunicorn_format == AccessLogFormat.default:
        return AccessLogger.LOG_FORMAT
    if _GUNICORN_LOG_ATOM.search(gunicorn_format):
        raise ValueError(
            "gunicorn-style access log atoms such as %(h)s are not supported by "
            f"--access-logformat {gunicorn_format!r}: write the format in aiohttp's language "
            f'instead, e.g. {AccessLogger.LOG_FORMAT!r} (%a remote address, %t time, "%r" '
            "request line, %s status, %b body size, %{Header}i request header, %Tf seconds)"
        )
    return gunicorn_format


def _describe_bad_app(wsgi: object) -> str:
    """Why ``wsgi`` cannot be served, with the fix a user most likely needs."""
    message = (
        "the gunicorn app for aiostrata's worker must be an aiostrata.web_app.Application or a "
        f"coroutine function returning one, got {wsgi!r}"
    )
    module = getattr(type(wsgi), "__module__", "") or ""
    if module.split(".")[0] == "aiohttp":
        message += (
            " (an aiohttp application: import web from aiostrata instead of aiohttp, or serve "
            "it with --worker-class aiohttp.GunicornWebWorker)"
        )
    elif callable(wsgi) and not inspect.iscoroutinefunction(wsgi):
        message += (
            " (a plain function: if it is an application factory, make it `async def`, or let "
            "gunicorn call it by naming it as module:factory())"
        )
    return message


class GunicornWebWorker(Worker):
    """A gunicorn worker that serves an aiostrata Application on its own asyncio loop."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.exit_code = 0
        self.loop: asyncio.AbstractEventLoop | None = None
        self._app: Application | None = None
        self._app_runner: AppRunner | None = None
        self._access_log_format = AccessLogger.LOG_FORMAT
        self._beat: asyncio.Future[None] | None = None

    # -- process start-up (called by gunicorn's arbiter in the forked child) ----------------

    def _new_event_loop(self) -> asyncio.AbstractEventLoop:
        """The loop this worker runs; subclasses pick another implementation."""
        return asyncio.new_event_loop()

    def init_process(self) -> None:
        # The master's loop (if any) must not leak into the child: every worker gets a new one.
        self.loop = self._new_event_loop()
        asyncio.set_event_loop(self.loop)
        super().init_process()

    def load_wsgi(self) -> None:
        """Import the app and resolve it to an Application before the worker counts as booted.

        A wrong object, a failing factory or an unsupported access-log format therefore stops
        gunicorn with "Worker failed to boot" and the reason in its log, instead of crashing
        freshly forked workers over and over.
        """
        super().load_wsgi()
        self._access_log_format = access_log_format_for(self.cfg.access_log_format)
        wsgi: object = self.wsgi
        if isinstance(wsgi, Application):
            self._app = wsgi
            return
        if not inspect.iscoroutinefunction(wsgi):
            raise RuntimeError(_describe_bad_app(wsgi))
        made = self._running_loop().run_until_complete(wsgi())
        if isinstance(made, AppRunner):  # aiohttp's worker accepts a ready-made runner too
            self._app_runner = made
        elif isinstance(made, Application):
            self._app = made
        else:
            raise RuntimeError(
                f"the app factory {wsgi!r} given to gunicorn must return an "
                f"aiostrata.web_app.Application, it returned {made!r}"
            )

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        if self.loop is None:
            raise RuntimeError("the worker's event loop is made in init_process()")
        return self.loop

    # -- serving ----------------------------------------------------------------------------

    def run(self) -> None:
        loop = self._running_loop()
        try:
            loop.run_until_complete(self._serve())
        finally:
            try:
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.run_until_complete(loop.shutdown_default_executor())
            finally:
                loop.close()
        sys.exit(self.exit_code)

    def _make_runner(self) -> AppRunner:
        if self._app_runner is not None:
            return self._app_runner
        if self._app is None:
            raise RuntimeError("load_wsgi() did not resolve an application")
        return AppRunner(
            self._app,
            logger=self.log,
            keepalive_timeout=self.cfg.keepalive,
            access_log=self.log.access_log,
            access_log_format=self._access_log_format,
            shutdown_timeout=self.cfg.graceful_timeout * _GRACEFUL_SHARE,
        )

    def _ssl_context(self) -> ssl.SSLContext:
        """gunicorn's context for --certfile/--keyfile/... (its `ssl_context` hook included)."""
        context = gunicorn_ssl_context(self.cfg)
        # This server speaks HTTP/1.x only: never let ALPN settle on h2 (RFC 7301 section 3.2).
        context.set_alpn_protocols(["http/1.1"])
        return context

    async def _serve(self) -> None:
        runner = self._make_runner()
        await runner.setup()
        try:
            ssl_context = self._ssl_context() if self.cfg.is_ssl else None
            for sock in self.sockets:
                await SockSite(runner, sock, ssl_context=ssl_context).start()
            server = runner.server
            if server is None:
                raise RuntimeError("the runner has no server after setup()")
            while self.alive:
                self.notify()
                if server.requests_count >= self.max_requests:
                    self.alive = False
                    self.log.info("Max requests, shutting down: %s", self)
                elif self.ppid != os.getppid():
                    self.alive = False
                    self.log.info("Parent changed, shutting down: %s", self)
                else:
                    await self._until_next_beat()
        finally:
            await runner.cleanup()

    async def _until_next_beat(self) -> None:
        """Sleep one heartbeat, or less if a signal asks the worker to stop."""
        loop = self._running_loop()
        beat: asyncio.Future[None] = loop.create_future()
        self._beat = beat
        interval = min(_HEARTBEAT_SECONDS, self.timeout) if self.timeout else _HEARTBEAT_SECONDS
        timer = loop.call_later(interval, self._wake)
        try:
            await beat
        finally:
            timer.cancel()
            self._beat = None

    def _wake(self) -> None:
        beat = self._beat
        if beat is not None and not beat.done():
            beat.set_result(None)

    # -- signals ----------------------------------------------------------------------------

    def init_signals(self) -> None:
        """Route gunicorn's worker signals through the event loop, not plain signal handlers.

        The dispositions inherited from the master are reset first; a handler then runs
        between two loop callbacks, never in the middle of writing a response.
        """
        loop = self._running_loop()
        for signum in self.SIGNALS:
            signal.signal(signum, signal.SIG_DFL)
        handlers: dict[signal.Signals, Callable[[int, None], object]] = {
            signal.SIGQUIT: self.handle_quit,
            signal.SIGTERM: self.handle_exit,
            signal.SIGINT: self.handle_quit,
            signal.SIGWINCH: self.handle_winch,
            signal.SIGUSR1: self.handle_usr1,
            signal.SIGABRT: self.handle_abort,
        }
        for signum, handler in handlers.items():
            loop.add_signal_handler(signum, handler, signum, None)

    def handle_quit(self, sig: int, frame: FrameType | None) -> None:
        """SIGQUIT and SIGINT: run the ``worker_int`` hook, then stop gracefully."""
        self.alive = False
        self.cfg.worker_int(self)
        self._wake()

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        """SIGTERM: stop accepting, finish in-flight requests, exit 0."""
        self.alive = False
        self._wake()

    def handle_abort(self, sig: int, frame: FrameType | None) -> None:
        """SIGABRT (the master's watchdog gave up on this worker): exit 1 now."""
        self.alive = False
        self.exit_code = 1
        self.cfg.worker_abort(self)
        sys.exit(1)


class GunicornUVLoopWebWorker(GunicornWebWorker):
    """:class:`GunicornWebWorker` on uvloop's event loop (``pip install uvloop``)."""

    def _new_event_loop(self) -> asyncio.AbstractEventLoop:
        try:
            import uvloop
        except ImportError as exc:
            raise RuntimeError(
                "GunicornUVLoopWebWorker needs uvloop, which is not installed: "
                'pip install "aiostrata-web-runner[uvloop]" (or use GunicornWebWorker)'
            ) from exc
        return uvloop.new_event_loop()

"""Keeping an idle WebSocket honest: PING after ``interval`` quiet seconds, give up
when nothing answers within ``interval / 2`` (RFC 6455 5.5.2: a PING may be sent at any
time, and the peer must answer with a PONG as soon as practical).

Any received data counts as a sign of life, not only the PONG: a busy peer whose PONG is
queued behind a large message is not dropped. One timer per quiet period at most: each
arrival only moves a deadline, and the timer re-arms itself lazily when it fires early.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from .websocket_errors import WSHeartbeatTimeout

__all__ = ("Heartbeat",)


class Heartbeat:
    """Sends PINGs through ``send_ping`` and reports a missing answer to ``on_failure``.

    ``on_failure`` also receives the exception of a PING that could not be sent.
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        interval: float,
        send_ping: Callable[[], Coroutine[Any, Any, None]],
        on_failure: Callable[[BaseException], None],
    ) -> None:
        if interval <= 0:
            raise ValueError(f"heartbeat must be a positive number of seconds, got {interval}")
        self._loop = loop
        self.interval = interval
        self.pong_timeout = interval / 2
        self._send_ping = send_ping
        self._on_failure = on_failure
        self._ping_at = 0.0
        self._ping_handle: asyncio.TimerHandle | None = None
        self._pong_handle: asyncio.TimerHandle | None = None
        self._ping_task: asyncio.Task[None] | None = None
        self._stopped = False

    def reset(self) -> None:
        """Data arrived: the peer is alive; the next PING is ``interval`` from now."""
        if self._stopped:
            return
        if self._pong_handle is not None:
            self._pong_handle.cancel()
            self._pong_handle = None
        self._ping_at = self._loop.time() + self.interval
        if self._ping_handle is None:
            self._ping_handle = self._loop.call_at(self._ping_at, self._ping_due)

    def stop(self) -> None:
        """The connection is closing: no more PINGs, no more verdicts."""
        self._stopped = True
        for handle in (self._ping_handle, self._pong_handle):
            if handle is not None:
                handle.cancel()
        self._ping_handle = self._pong_handle = None
        task, self._ping_task = self._ping_task, None
        if task is not None and not task.done():
            task.cancel()

    def _ping_due(self) -> None:
        self._ping_handle = None
        if self._stopped:
            return
        if self._loop.time() < self._ping_at:
            self._ping_handle = self._loop.call_at(self._ping_at, self._ping_due)
            return
        self._pong_handle = self._loop.call_later(self.pong_timeout, self._pong_missing)
        task = self._loop.create_task(self._send_ping())
        self._ping_task = task
        task.add_done_callback(self._ping_sent)

    def _ping_sent(self, task: asyncio.Task[None]) -> None:
        if self._ping_task is task:
            self._ping_task = None
        if task.cancelled() or self._stopped:
            return
        exc = task.exception()
        if exc is not None:
            self._on_failure(exc)

    def _pong_missing(self) -> None:
        self._pong_handle = None
        if not self._stopped:
            self._on_failure(
                WSHeartbeatTimeout(f"No PONG received after {self.pong_timeout} seconds")
            )

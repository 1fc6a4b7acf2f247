"""How a connection ends: the keep-alive timer, close requests, shutdown, lingering close.

A mixin of ``RequestHandler`` (the state is the handler's). Every close writes
what the connection holds for the end of the pass first (``held_output``).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
from collections.abc import Callable

from .flow_control import FlowControl
from .held_output import OutputHolding
from .intake import QueuedItem
from .lifecycle import HasLifecycle, Lifecycle

__all__ = ("ConnectionClosing",)


class ConnectionClosing(OutputHolding, FlowControl, HasLifecycle):
    """Keep-alive, close, force_close, shutdown and the lingering close."""

    _keepalive_timeout: float
    _keepalive_handle: asyncio.TimerHandle | None
    _idle_since: float | None
    _request_in_progress: bool
    _messages: collections.deque[QueuedItem]
    _shutting_down: bool
    _task_handler: asyncio.Task[None] | None
    _linger: bool
    _eof_seen: bool
    _lingering_time: float
    _linger_handle: asyncio.TimerHandle | None

    # Defined by RequestHandler: wake its task.
    _wake: Callable[[], None]

    # -- keep-alive ----------------------------------------------------------

    def _schedule_keepalive(self) -> None:
        """Mark the connection idle from now; close it if it stays idle for the timeout.

        One timer per idle period at most, re-armed lazily when it fires early: a
        timer per request would cost a heap entry and a cancellation each time.
        """
        if not self._keepalive_timeout or self._transport is None:
            return
        self._idle_since = self._loop.time()
        if self._keepalive_handle is None:
            self._keepalive_handle = self._loop.call_at(
                self._idle_since + self._keepalive_timeout, self._keepalive_expired
            )

    def _cancel_keepalive(self) -> None:
        self._idle_since = None
        if self._keepalive_handle is not None:
            self._keepalive_handle.cancel()
            self._keepalive_handle = None

    def _keepalive_expired(self) -> None:
        self._keepalive_handle = None
        idle_since = self._idle_since
        if idle_since is None or self._request_in_progress or self._messages:
            return  # busy: the next idle period arms a new timer
        deadline = idle_since + self._keepalive_timeout
        if self._loop.time() < deadline:
            self._keepalive_handle = self._loop.call_at(deadline, self._keepalive_expired)
            return
        self.force_close()

    # -- shutdown ------------------------------------------------------------

    def close(self) -> None:
        """Close after the request in progress (if any) is answered."""
        self._advance(Lifecycle.DRAINING)
        self._shutting_down = True
        if not self._request_in_progress and not self._messages:
            self._wake()

    def force_close(self) -> None:
        """Close now."""
        self._lifecycle = Lifecycle.CLOSING
        self._wake()
        if self._transport is not None:
            self.release_output()
            self._transport.close()

    async def shutdown(self, timeout: float | None = 15.0) -> None:
        """Stop taking requests, let the one in flight finish within ``timeout``, close."""
        self._advance(Lifecycle.DRAINING)
        self._shutting_down = True
        self._cancel_keepalive()
        self._wake()
        task = self._task_handler
        if task is not None and not task.done():
            try:
                await asyncio.wait_for(asyncio.shield(task), timeout)
            except (TimeoutError, asyncio.CancelledError):
                task.cancel()
                with contextlib.suppress(BaseException):  # tearing down: any outcome is fine
                    await task
        if self._transport is not None:
            self.release_output()
            self._transport.close()
            self._transport = None

    def _close_transport(self) -> None:
        """Close; linger first if the client may still be sending.

        Closing a socket with unread input makes the kernel answer with a reset,
        which can destroy the response before the client reads it (a 413 for an
        upload, a 400 for a bad head). So we half-close, discard what still
        arrives for at most ``lingering_time``, then close (RFC 9112 9.6).
        """
        transport = self._transport
        if transport is None or transport.is_closing():
            return
        self.release_output()
        if (
            not self._linger
            or self._eof_seen
            or self._lingering_time <= 0
            or not transport.can_write_eof()
        ):
            transport.close()
            return
        self._lifecycle = Lifecycle.CLOSING  # data_received discards from now on
        self._paused_for_body = self._paused_for_backlog = False
        self._apply_reading_state()  # keep reading, so the input drains
        transport.write_eof()
        self._linger_handle = self._loop.call_later(self._lingering_time, transport.close)

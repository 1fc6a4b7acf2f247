"""Back-pressure in both directions for one connection.

Reading pauses for two independent reasons and resumes only when neither
holds: the current request body holds more unread data than its high-water
mark (the body stream says so through ``pause_reading``/``resume_reading``,
the ``http_parser.FlowControl`` protocol), or the queue of pipelined requests
is full. Writing waits (``writer_drain``, the ``WritableConnection`` protocol)
while the transport says its buffer is above its own high-water mark.
"""

from __future__ import annotations

import asyncio
import contextlib

__all__ = ("FlowControl",)


class FlowControl:
    """The flow-control half of ``RequestHandler`` (a mixin; the state is the handler's)."""

    _loop: asyncio.AbstractEventLoop
    _transport: asyncio.Transport | None
    _paused_for_body: bool
    _paused_for_backlog: bool
    _transport_paused: bool
    _writing_paused: bool
    _drain_waiter: asyncio.Future[None] | None

    def pause_writing(self) -> None:
        self._writing_paused = True

    def resume_writing(self) -> None:
        self._writing_paused = False
        waiter, self._drain_waiter = self._drain_waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def pause_reading(self) -> None:
        """Called by the body stream when it holds too much unread data."""
        self._paused_for_body = True
        self._apply_reading_state()

    def resume_reading(self) -> None:
        """Called by the body stream once the handler has read enough of it."""
        self._paused_for_body = False
        self._apply_reading_state()

    def _apply_reading_state(self) -> None:
        paused = self._paused_for_body or self._paused_for_backlog
        transport = self._transport
        if transport is None or paused == self._transport_paused:
            return
        self._transport_paused = paused
        with contextlib.suppress(AttributeError, NotImplementedError, RuntimeError):
            if paused:
                transport.pause_reading()
            else:
                transport.resume_reading()

    async def writer_drain(self) -> None:
        if self._transport is None:
            raise ConnectionResetError("Connection lost")
        if not self._writing_paused:
            return
        if self._drain_waiter is None:
            self._drain_waiter = self._loop.create_future()
        await asyncio.shield(self._drain_waiter)

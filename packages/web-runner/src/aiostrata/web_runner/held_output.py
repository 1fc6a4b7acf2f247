"""Whole responses held back to the end of the event loop's pass, then sent together.

Why: a response written the moment it is ready reaches a client that has
usually gone back to sleep since the last one, and waking it costs the server
more than the write itself (on one loopback bench, a fifth of the server's CPU
went to wakeups of the load generator). Answers of one pass that leave
together wake a sleeping peer once. The number of writes does not change:
each connection still writes each response in one ``transport.write``, only
later in the same turn of the loop, before any input of the next pass is read.

What is held: whole HTTP responses (``StreamWriter.send_message``, at most
``16 KiB`` of body; nothing of a held response's request runs after it) and
WebSocket frames (``WebSocketWriter``), at most ``HOLD_LIMIT`` bytes per
connection. The connection sends what it holds before anything else of its own
touches the transport: before the next request's handler runs (so before any
upgrade or raw write), before an error page, a close or a half-close, when the
peer half-closes, and before a WebSocket closes it; it drops it when the
connection is lost. An application that closes ``request.transport`` itself
right after sending a WebSocket frame, in the same pass, loses that frame:
``await ws.close()`` is the way to end a WebSocket.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Final, Protocol

__all__ = ("HOLD_LIMIT", "EndOfPass", "HoldingConnection", "OutputHolding", "end_of_pass")

# The most a connection holds back in one pass; past it, bytes go out at once.
HOLD_LIMIT: Final = 2**16


class HoldingConnection(Protocol):
    """A connection that holds output for the end of the pass (``RequestHandler``)."""

    def release_output(self) -> None:
        """Write what is held, now."""


class EndOfPass:
    """Calls ``release_output`` of each connection that held output, once, in one callback.

    The callback is scheduled with ``call_soon`` by the first hold of a pass, so
    it runs at the start of the loop's next pass, ahead of the input read in
    that pass: one scheduled callback for all connections instead of one each.
    """

    __slots__ = ("_loop", "_waiting")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._waiting: list[HoldingConnection] = []

    def add(self, connection: HoldingConnection) -> None:
        waiting = self._waiting
        if not waiting:
            self._loop.call_soon(self._release_all)
        waiting.append(connection)

    def _release_all(self) -> None:
        waiting, self._waiting = self._waiting, []
        for connection in waiting:
            try:
                connection.release_output()
            except Exception as exc:  # noqa: BLE001 - one broken transport must not stop the rest
                self._loop.call_exception_handler(
                    {
                        "message": "Error while sending a held response",
                        "exception": exc,
                        "protocol": connection,
                    }
                )


_by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, EndOfPass] = (
    weakref.WeakKeyDictionary()
)


def end_of_pass(loop: asyncio.AbstractEventLoop) -> EndOfPass:
    """The loop's :class:`EndOfPass`, shared by all its connections (made on first use)."""
    batch = _by_loop.get(loop)
    if batch is None:
        batch = _by_loop[loop] = EndOfPass(loop)
    return batch


class OutputHolding:
    """The connection's side (``http_parser.OutputHold``): hold, then release once per pass.

    A mixin of ``RequestHandler``, which calls :meth:`release_output` before it
    lets anything else reach the transport (see the module's docstring). At most
    ``HOLD_LIMIT`` bytes are held: past it, what is held is written and the
    caller writes its own bytes, so back-pressure still sees a full transport.
    """

    _transport: asyncio.Transport | None
    _end_of_pass: EndOfPass
    _held_output: list[bytes] | None = None
    _held_size = 0

    def hold_output(self, data: bytes) -> bool:
        """Keep ``data`` for the end of the pass; False when the caller must write it now."""
        held = self._held_output
        if held is None:
            if len(data) > HOLD_LIMIT:
                return False
            self._held_output = [data]
            self._held_size = len(data)
            self._end_of_pass.add(self)
            return True
        size = self._held_size + len(data)
        if size > HOLD_LIMIT:
            self.release_output()
            return False
        held.append(data)
        self._held_size = size
        return True

    def release_output(self) -> None:
        """Write what is held, now (a closing transport takes nothing more)."""
        held = self._held_output
        if held is not None:
            self._held_output = None
            transport = self._transport
            if transport is not None and not transport.is_closing():
                if len(held) == 1:
                    transport.write(held[0])
                else:
                    transport.writelines(held)

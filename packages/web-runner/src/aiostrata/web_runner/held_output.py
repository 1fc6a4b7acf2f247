"""Whole responses held back to the end of the event loop's pass, then sent together.

Why: a response written the moment it is ready reaches a client that has
usually gone back to sleep since the last one, and waking it costs the server
more than the write itself (on one loopback bench, a fifth of the server's CPU
went to wakeups of the load generator). Answers of one pass that leave
together wake a sleeping peer once. The number of writes does not change:
each connection still writes each response in one ``transport.write``, only
later in the same turn of the loop, before any input of the next pass is read.

Only whole responses are held (``StreamWriter.send_message``, at most one per
connection, at most ``16 KiB`` of body): nothing of a held response's
request runs after it, so no code of the application can see the difference.
The connection sends what it holds before anything else can touch the
transport: before the next request's handler runs (so before any upgrade or
raw write), before an error page, a close or a half-close, and when the peer
half-closes; it drops it when the connection is lost.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Protocol

__all__ = ("EndOfPass", "HoldingConnection", "OutputHolding", "end_of_pass")


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
    """The connection's side: hold a whole response, release it once per pass.

    A mixin of ``RequestHandler``, which calls :meth:`release_output` before it
    lets anything else reach the transport (see the module's docstring).
    """

    _transport: asyncio.Transport | None
    _end_of_pass: EndOfPass
    _held_output: bytes | None = None

    def _hold_output(self, data: bytes) -> bool:
        """``StreamWriter``'s ``hold``: keep ``data`` (a whole response) for the end of the pass."""
        held = self._held_output
        if held is None:
            self._held_output = data
            self._end_of_pass.add(self)
        else:  # not reached while each request releases first; kept in order all the same
            self._held_output = held + data
        return True

    def release_output(self) -> None:
        """Write what is held, now (a closing transport takes nothing more)."""
        held = self._held_output
        if held is not None:
            self._held_output = None
            transport = self._transport
            if transport is not None and not transport.is_closing():
                transport.write(held)

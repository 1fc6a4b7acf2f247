"""Where a connection is in its life, as one ordered value instead of a set of flags.

A connection only ever moves forward, and each stage implies the ones before it,
so "is it at least draining?" is a comparison:

- ``OPEN``: takes and serves requests.
- ``DRAINING``: serves what it has already taken, takes no new request (a
  shutdown, an answer that must end the connection, a refused request body).
- ``DONE``: the request just answered ended the connection; the task closes it.
- ``CLOSING``: close now, serve nothing more, discard what arrives.

Orthogonal facts stay separate flags on the connection: whether the client
half-closed, whether answers must say ``Connection: close`` (shutdown), and
whether the close should linger.
"""

from __future__ import annotations

import enum

__all__ = ("HasLifecycle", "Lifecycle")


class Lifecycle(enum.IntEnum):
    OPEN = 0
    DRAINING = 1
    DONE = 2
    CLOSING = 3


class HasLifecycle:
    """A connection's stage and the one way to move it (a mixin of ``RequestHandler``)."""

    _lifecycle: Lifecycle

    def _advance(self, stage: Lifecycle) -> None:
        """Move forward to ``stage``; a connection never goes back to an earlier one."""
        if stage > self._lifecycle:
            self._lifecycle = stage

"""What this package needs from the code that drives it.

The parser and body stream are usable alone; these are the only hooks they call
back into, each satisfied by whoever owns the socket (in aiostrata, the
connection protocol of ``aiostrata.web_runner``).
"""

from __future__ import annotations

import asyncio
from typing import Protocol, cast

from .errors import HttpProcessingError


class FlowControl(Protocol):
    """Lets a body stream apply back-pressure to the socket that fills it.

    Satisfied by ``aiostrata.web_runner.RequestHandler`` (any asyncio protocol
    that can pause and resume its transport's reading).
    """

    def pause_reading(self) -> None: ...

    def resume_reading(self) -> None: ...


class WritableConnection(Protocol):
    """The socket side a :class:`~aiostrata.http_parser.StreamWriter` writes to.

    Satisfied by ``aiostrata.web_runner.RequestHandler``: ``transport`` is None
    once the connection is lost, and ``writer_drain`` waits while the transport's
    write buffer is above its high-water mark.
    """

    @property
    def transport(self) -> asyncio.Transport | None: ...

    async def writer_drain(self) -> None: ...


class OutputHold(Protocol):
    """A connection that may keep bytes back until the end of the event loop's pass.

    Satisfied by ``aiostrata.web_runner.RequestHandler``, which writes what it holds
    once per pass for all its connections, so that a client is woken once for the
    answers of a pass. ``hold_output`` returns False when it did not take ``data``
    (too much held already: it then wrote what it held, and the caller writes
    ``data`` itself, in order); ``release_output`` writes what is held now.
    """

    def hold_output(self, data: bytes) -> bool: ...

    def release_output(self) -> None: ...


def output_hold_of(connection: object) -> OutputHold | None:
    """``connection`` as an :class:`OutputHold` when its class defines both methods, else None.

    Looked up on the class, not the instance: a ``unittest.mock.Mock`` standing in
    for a connection answers any attribute, and must not swallow what is written.
    """
    cls = type(connection)
    if callable(getattr(cls, "hold_output", None)) and callable(
        getattr(cls, "release_output", None)
    ):
        return cast(OutputHold, connection)
    return None


class ReadPace(Protocol):
    """A bound on how slowly a body may arrive while a reader waits for it.

    A :class:`~aiostrata.http_parser.StreamReader` given one reports every byte
    fed and every wait of a reader, and fails the read with :meth:`too_slow`
    once a wait outlasts what :meth:`wait_started` allowed. Only waits count:
    time the reader spends elsewhere (a handler reading slowly on purpose) is
    not the client's. Satisfied by ``aiostrata.web_runner``'s minimum body rate.
    """

    def received(self, size: int) -> None:
        """``size`` body bytes arrived."""

    def wait_started(self) -> float | None:
        """A reader waits for data: seconds it may wait before the body is too slow."""

    def wait_ended(self) -> None:
        """The reader's wait is over (data, end of body, error or cancellation)."""

    def too_slow(self) -> HttpProcessingError:
        """The error a reader gets once the body arrived too slowly."""

"""What this package needs from the code that drives it.

The parser and body stream are usable alone; these are the only hooks they call
back into, each satisfied by whoever owns the socket (in aiostrata, the
connection protocol of ``aiostrata.web_runner``).
"""

from __future__ import annotations

import asyncio
from typing import Protocol

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

"""What this package needs from the code that drives it.

The parser and body stream are usable alone; these are the only hooks they call
back into, each satisfied by whoever owns the socket (in aiostrata, the
connection protocol of ``aiostrata.web_runner``).
"""

from __future__ import annotations

import asyncio
from typing import Protocol


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

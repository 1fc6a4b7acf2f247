"""Several byte strings to a transport in one write, with back-pressure intact.

``transport.writelines(parts)`` sends the parts together (one ``sendmsg`` on
Python 3.12+, ``writev`` on uvloop) without joining them first. On CPython
3.12.0-3.12.8 and 3.13.0-3.13.1, though, asyncio's selector transport did not
call ``pause_writing()`` from ``writelines`` when its buffer passed the high-water
mark (CVE-2024-12254): a protocol then never learns that the client stopped
reading, and a client that pipelines requests for large bodies without reading
them makes the server buffer them all. There, the parts are joined and written
with ``write``, which pauses as it should (3.11's own ``writelines`` makes the
same copy).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from typing import Final

__all__ = ("WRITELINES_PAUSES", "write_gathered")

WRITELINES_PAUSES: Final = not (
    (3, 12, 0) <= sys.version_info[:3] < (3, 12, 9)
    or (3, 13, 0) <= sys.version_info[:3] < (3, 13, 2)
)
"""Whether this Python's ``writelines`` applies back-pressure (see the module doc)."""


def write_gathered(transport: asyncio.WriteTransport, parts: Sequence[bytes]) -> None:
    """Write ``parts`` as one write: by ``writelines`` where it pauses, else joined."""
    if WRITELINES_PAUSES:
        transport.writelines(parts)
    else:
        transport.write(b"".join(parts))

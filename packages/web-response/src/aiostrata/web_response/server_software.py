"""The ``Server`` header value every response carries unless it sets its own."""

from __future__ import annotations

import sys
from typing import Final

from ._version import __version__

__all__ = ("SERVER_SOFTWARE",)

# RFC 9110 10.2.4: product tokens, most significant first; mirrors aiohttp's
# "Python/3.x aiohttp/3.x".
SERVER_SOFTWARE: Final = (
    f"Python/{sys.version_info.major}.{sys.version_info.minor} aiostrata/{__version__}"
)

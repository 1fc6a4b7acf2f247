"""HTTP protocol versions as comparable value objects."""

from __future__ import annotations

from typing import NamedTuple


class HttpVersion(NamedTuple):
    """An HTTP version; a tuple so that ``version >= HttpVersion11`` reads naturally."""

    major: int
    minor: int


HttpVersion10 = HttpVersion(1, 0)
HttpVersion11 = HttpVersion(1, 1)

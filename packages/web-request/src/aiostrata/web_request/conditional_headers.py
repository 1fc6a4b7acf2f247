"""Parsing the request headers that make a request conditional or partial.

Every number is matched as ASCII digits only: Python's ``int()`` and regex
``\\d`` accept other Unicode digits, which is how aiohttp's Range parser came
to accept them (GHSA-mqqc-3gqh-h2x8's class).
"""

from __future__ import annotations

import re
from typing import Final

from aiostrata.web_response import ETag, HTTPRequestRangeNotSatisfiable

# The range unit is case-insensitive (RFC 9110 14.1); the digits are ASCII only.
_RANGE: Final = re.compile(r"(?i:bytes)=([0-9]{0,19})-([0-9]{0,19})", re.ASCII)
_ETAG_ITEM: Final = re.compile(r'[ \t]*(W/)?("[!#-~\x80-\xff]*")[ \t]*(?:,|$)')


class InvalidRange(HTTPRequestRangeNotSatisfiable, ValueError):
    """A malformed Range header.

    A ValueError, as aiohttp documents for ``http_range``, so handlers that
    catch it keep working; and a 416 response when a handler lets it through,
    because a client's bad header must never become a 500.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(text=f"416: {reason}")
        self.args = (reason,)


def parse_range(value: str | None) -> slice:
    """A single byte range as a slice; ``slice(None, None, 1)`` when absent.

    Raises :class:`InvalidRange` (a ValueError, as aiohttp documents, and a 416)
    for a malformed range or several ranges.
    """
    if value is None:
        return slice(None, None, 1)
    match = _RANGE.fullmatch(value.strip(" \t"))
    if match is None:
        raise InvalidRange("range not in acceptable format")
    first, last = match.group(1), match.group(2)
    start = int(first) if first else None
    end = int(last) if last else None
    if start is None:
        if end is None:
            raise InvalidRange("No start or end of range specified")
        return slice(-end, None, 1)  # suffix range: the last `end` bytes
    if end is not None:
        if start > end:
            raise InvalidRange("start cannot be after end")
        end += 1  # the header's bound is inclusive, a slice's is not
    return slice(start, end, 1)


def parse_etags(value: str | None) -> tuple[ETag, ...] | None:
    """The entity tags of If-Match / If-None-Match; ``None`` when the header is absent.

    ``*`` is returned as a single ETag with value ``"*"``. Malformed input
    yields the tags parsed before it (an invalid list matches nothing extra).
    """
    if value is None:
        return None
    if value.strip(" \t") == "*":
        return (ETag(value="*"),)
    tags: list[ETag] = []
    pos = 0
    while pos < len(value):
        match = _ETAG_ITEM.match(value, pos)
        if match is None or match.end() == pos:
            break
        tags.append(ETag(value=match.group(2)[1:-1], is_weak=bool(match.group(1))))
        pos = match.end()
    return tuple(tags)

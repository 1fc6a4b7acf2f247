"""Parsing the request headers that make a request conditional or partial.

Every number is matched as ASCII digits only: Python's ``int()`` and regex
``\\d`` accept other Unicode digits, which is how aiohttp's Range parser came
to accept them (GHSA-mqqc-3gqh-h2x8's class).
"""

from __future__ import annotations

import datetime
import re
from typing import Final

from aiostrata.web_response import ETag, HTTPRequestRangeNotSatisfiable, parse_http_date

# The range unit is case-insensitive (RFC 9110 14.1); the digits are ASCII only, any
# number of them (the field's size is bounded by the parser).
_RANGE: Final = re.compile(r"(?i:bytes)=([0-9]*)-([0-9]*)", re.ASCII)
# A position with more digits than this is past the end of anything: it stands for
# _HUGE, so that no huge int is ever made (or refused by Python's digit limit).
_MAX_DIGITS: Final = 18
_HUGE: Final = 10**_MAX_DIGITS
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
    start = _position(first) if first else None
    end = _position(last) if last else None
    if start is None:
        if end is None:
            raise InvalidRange("No start or end of range specified")
        return slice(-end, None, 1)  # suffix range: the last `end` bytes
    if end is not None:
        if start > end:
            raise InvalidRange("start cannot be after end")
        end += 1  # the header's bound is inclusive, a slice's is not
    return slice(start, end, 1)


def _position(digits: str) -> int:
    """A byte position or length; a larger one than any representation is ``_HUGE``.

    RFC 9110 14.1.1: a last position past the end means "to the end", and a suffix
    longer than the representation means all of it, however many digits it has.
    """
    digits = digits.lstrip("0")
    if len(digits) > _MAX_DIGITS:
        return _HUGE
    return int(digits) if digits else 0


def single_http_date(values: list[str]) -> datetime.datetime | None:
    """The date of a conditional header sent once with one HTTP-date, else None.

    RFC 9110 13.1.3 and 13.1.4: If-Modified-Since and If-Unmodified-Since are
    ignored when the value is not a valid HTTP-date or has more than one member:
    two fields, or a list in one (an HTTP-date holds at most one comma).
    """
    if len(values) != 1 or values[0].count(",") > 1:
        return None
    return parse_http_date(values[0])


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

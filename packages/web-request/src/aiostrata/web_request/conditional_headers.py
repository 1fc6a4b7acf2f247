"""The request headers that make a request conditional or partial, as the request exposes them.

The grammar (one byte range with ASCII digits only, entity-tag lists) is
:mod:`aiostrata.http_parser.header_grammar`'s; this module adds the request's
policy: a malformed Range is a ``ValueError`` that is also a 416.
"""

from __future__ import annotations

import datetime

from aiostrata.http_parser.header_grammar import HeaderParamError, parse_byte_range
from aiostrata.http_parser.header_grammar import parse_etag_list as parse_etags
from aiostrata.web_response import HTTPRequestRangeNotSatisfiable, parse_http_date

__all__ = ("InvalidRange", "parse_etags", "parse_range", "single_http_date")


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
    try:
        first, last = parse_byte_range(value)
    except HeaderParamError as exc:
        raise InvalidRange(str(exc)) from None
    if first is None:
        # A suffix range: the last `last` bytes (the grammar refuses one with neither bound).
        return slice(None if last is None else -last, None, 1)
    # The header's bound is inclusive, a slice's is not.
    return slice(first, None if last is None else last + 1, 1)


def single_http_date(values: list[str]) -> datetime.datetime | None:
    """The date of a conditional header sent once with one HTTP-date, else None.

    RFC 9110 13.1.3 and 13.1.4: If-Modified-Since and If-Unmodified-Since are
    ignored when the value is not a valid HTTP-date or has more than one member:
    two fields, or a list in one (an HTTP-date holds at most one comma).
    """
    if len(values) != 1 or values[0].count(",") > 1:
        return None
    return parse_http_date(values[0])

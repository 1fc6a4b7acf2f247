"""HTTP-date (RFC 9110 5.6.7) for responses: the ``Date`` header, cached per second.

Formatting and parsing live in :mod:`aiostrata.http_parser.header_grammar`;
they are re-exported here for the response side.
"""

from __future__ import annotations

import time

from aiostrata.http_parser.header_grammar import format_http_date, parse_http_date

__all__ = ("format_http_date", "parse_http_date", "rfc822_now")

_cached_second: int = -1
_cached_date: str = ""


def rfc822_now() -> str:
    """The ``Date`` header value for now (RFC 9110 6.6.1), formatted once per second."""
    global _cached_second, _cached_date
    now = int(time.time())
    if now != _cached_second:
        _cached_date = format_http_date(now)
        _cached_second = now
    return _cached_date

"""HTTP-date (RFC 9110 5.6.7): formatting for Date/Last-Modified and lenient parsing.

Formatting never goes through ``time.strftime``: its day and month names follow
the process locale, while an HTTP-date is always in English.
"""

from __future__ import annotations

import datetime
import math
import time
from collections.abc import Callable
from typing import Final

__all__ = ("format_http_date", "parse_http_date", "rfc822_now")

_DAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS: Final = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip


def format_http_date(when: float | datetime.datetime) -> str:
    """IMF-fixdate of a Unix timestamp (rounded up, as a file's mtime may not be whole)
    or of a datetime (naive datetimes are taken as UTC)."""
    if isinstance(when, datetime.datetime):
        if when.tzinfo is not None:
            when = when.astimezone(datetime.UTC)
        t = when.timetuple()
    else:
        t = time.gmtime(math.ceil(when))
    return (
        f"{_DAYS[t.tm_wday]}, {t.tm_mday:02d} {_MONTHS[t.tm_mon - 1]} {t.tm_year:04d} "
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} GMT"
    )


# email.utils (and the email package under it) is imported with the first date parsed,
# not with the package: most servers never read an HTTP-date.
_parsedate_to_datetime: Callable[[str], datetime.datetime] | None = None


def _load_parsedate_to_datetime() -> Callable[[str], datetime.datetime]:
    global _parsedate_to_datetime
    from email.utils import parsedate_to_datetime

    _parsedate_to_datetime = parsedate_to_datetime
    return parsedate_to_datetime


def parse_http_date(value: str | None) -> datetime.datetime | None:
    """An aware UTC datetime, or None for a missing or unparsable value.

    RFC 9110 5.6.7: recipients accept the obsolete RFC 850 and asctime forms too;
    ``email.utils`` reads all three.
    """
    if not value or not value.isascii():
        return None
    parse = _parsedate_to_datetime or _load_parsedate_to_datetime()
    try:
        parsed = parse(value)
    except (TypeError, ValueError, IndexError, OverflowError):  # a year past 9999 overflows
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=datetime.UTC)
    return parsed.astimezone(datetime.UTC)


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

"""Parsing a request's Cookie header (RFC 6265 5.4, 4.2.1).

Invalid pairs are dropped silently: one log line per bad cookie would let a
client flood the log (aiohttp advisory GHSA-fh55-r93g-j68g's class).
"""

from __future__ import annotations

import re
from typing import Final

from aiostrata.http_parser.header_grammar import is_token

_OCTAL: Final = re.compile(r"\\([0-3][0-7][0-7])")
_ESCAPED: Final = re.compile(r"\\(.)")


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
        # Python's cookie module escapes with backslashes and octal; undo both.
        value = _OCTAL.sub(lambda m: chr(int(m.group(1), 8)), value)
        value = _ESCAPED.sub(r"\1", value)
    return value


def parse_cookie_header(header: str) -> dict[str, str]:
    """Return the cookies of one Cookie header; the first of duplicate names wins."""
    cookies: dict[str, str] = {}
    for pair in header.split(";"):
        name, _, value = pair.partition("=")
        name = name.strip(" \t")
        if not is_token(name):
            continue
        # A bare name ("flag") is a cookie with an empty value, as aiohttp reads it.
        cookies.setdefault(name, _unquote(value.strip(" \t")))
    return cookies

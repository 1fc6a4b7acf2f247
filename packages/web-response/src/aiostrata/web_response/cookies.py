"""Cookies a response sets: the checks on attribute values, and the jar.

The jar, :class:`~.cookie_jar.ResponseCookies`, lives in ``cookie_jar`` and is
imported with the first response that sets a cookie; ``ResponseCookies`` is still
importable from here (PEP 562).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

__all__ = ("EXPIRED", "ResponseCookies", "check_attribute")

# RFC 6265 4.1.1: the date a deleted cookie expires at.
EXPIRED: Final = "Thu, 01 Jan 1970 00:00:00 GMT"

# RFC 6265 4.1.1: path-value and domain values are CHARs except CTLs and ";".
_UNSAFE_ATTRIBUTE: Final = re.compile(r"[\x00-\x1f\x7f;]")


def check_attribute(name: str, value: str) -> str:
    """Refuse an attribute value that would add attributes or split the header."""
    if _UNSAFE_ATTRIBUTE.search(value):
        raise ValueError(f"invalid cookie {name}: {value!r}")
    return value


if TYPE_CHECKING:
    from .cookie_jar import ResponseCookies
else:

    def __getattr__(name: str) -> object:
        if name == "ResponseCookies":
            from .cookie_jar import ResponseCookies

            globals()[name] = ResponseCookies
            return ResponseCookies
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

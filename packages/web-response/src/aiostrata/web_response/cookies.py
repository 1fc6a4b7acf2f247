"""Cookies a response sets: the checks on attribute values, and the jar.

The jar, :class:`~.cookie_jar.ResponseCookies`, lives in ``cookie_jar`` and is
imported with the first response that sets a cookie; ``ResponseCookies`` is still
importable from here (PEP 562).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

__all__ = ("EXPIRED", "ResponseCookies", "check_attribute", "new_cookie_jar")

# RFC 6265 4.1.1: the date a deleted cookie expires at.
EXPIRED: Final = "Thu, 01 Jan 1970 00:00:00 GMT"

# RFC 6265 4.1.1: path-value and domain values are CHARs except CTLs and ";".
_UNSAFE_ATTRIBUTE: Final = re.compile(r"[\x00-\x1f\x7f;]")


def check_attribute(name: str, value: str) -> str:
    """Refuse an attribute value that would add attributes or split the header."""
    if _UNSAFE_ATTRIBUTE.search(value):
        raise ValueError(f"invalid cookie {name}: {value!r}")
    return value


_jar_class: type[ResponseCookies] | None = None


def _load_jar_class() -> type[ResponseCookies]:
    global _jar_class
    from .cookie_jar import ResponseCookies

    _jar_class = ResponseCookies
    return ResponseCookies


def new_cookie_jar() -> ResponseCookies:
    """A new, empty jar; the first call imports ``cookie_jar`` (and ``http.cookies``)."""
    return (_jar_class or _load_jar_class())()


if TYPE_CHECKING:
    from .cookie_jar import ResponseCookies
else:

    def __getattr__(name: str) -> object:
        if name == "ResponseCookies":
            from .cookie_jar import ResponseCookies

            globals()[name] = ResponseCookies
            return ResponseCookies
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

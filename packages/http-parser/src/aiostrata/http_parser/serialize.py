"""Turning a status line and header fields into bytes, refusing response splitting.

Every name must be a token and no value may hold CR, LF or NUL: a header that
could end the head early (RFC 9112 2.2; CVE-2026-34519's class) is an error of
the application, raised here as :class:`UnsafeHeaderError` before any byte is
written, never sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from .versions import HttpVersion

__all__ = ("UnsafeHeaderError", "check_reason", "encode_head", "serialize_head")

_TOKEN: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# Field values: no CR, LF or NUL; other CTLs are refused too (RFC 9110 5.5).
_UNSAFE_VALUE: Final = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


# A status line and "name: value" lines, none with CR, LF, NUL or another CTL but HTAB.
_SAFE_HEAD: Final = re.compile(
    r"[^\x00-\x08\x0a-\x1f\x7f]*\r\n"
    r"(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+: [^\x00-\x08\x0a-\x1f\x7f]*\r\n)*\r\n"
)


class UnsafeHeaderError(ValueError):
    """A header name, value or reason phrase would corrupt the message framing."""


def check_reason(reason: str) -> str:
    """Return ``reason`` if it is safe in a status line, else raise."""
    if _UNSAFE_VALUE.search(reason):
        raise UnsafeHeaderError(f"reason phrase contains control characters: {reason!r}")
    return reason


def encode_head(status_line: str, headers: Iterable[tuple[str, str]]) -> bytes:
    """Encode a status line and header fields, ending with the empty line.

    The whole head is checked by one regex pass; only a head that fails it is
    walked field by field, to say which part is unsafe.
    """
    fields = list(headers)
    head = "\r\n".join([status_line, *[f"{name}: {value}" for name, value in fields], "\r\n"])
    # The line count matters as much as the shape: a value holding "\r\nSet-Cookie: x"
    # would make a well-formed head with one line too many (response splitting).
    if head.count("\r\n") == len(fields) + 2 and _SAFE_HEAD.fullmatch(head):
        return head.encode("utf-8", "surrogateescape")
    return _encode_head_checked(status_line, fields)


def _encode_head_checked(status_line: str, headers: Iterable[tuple[str, str]]) -> bytes:
    if _UNSAFE_VALUE.search(status_line):
        raise UnsafeHeaderError(f"status line contains control characters: {status_line!r}")
    lines = [status_line]
    for name, value in headers:
        if not _TOKEN.fullmatch(name):
            raise UnsafeHeaderError(f"invalid header name: {name!r}")
        if _UNSAFE_VALUE.search(value):
            raise UnsafeHeaderError(f"invalid value for header {name}: {value!r}")
        lines.append(f"{name}: {value}")
    lines.append("\r\n")
    return "\r\n".join(lines).encode("utf-8", "surrogateescape")


def serialize_head(
    version: HttpVersion,
    status: int,
    reason: str,
    headers: Iterable[tuple[str, str]],
) -> bytes:
    """Serialize a response head from its parts."""
    check_reason(reason)
    return encode_head(f"HTTP/{version.major}.{version.minor} {status} {reason}", headers)

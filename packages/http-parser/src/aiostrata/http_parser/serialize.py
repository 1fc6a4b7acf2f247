"""Turning a status line and header fields into bytes, refusing response splitting.

Every name must be a token and no value may hold CR, LF or NUL: a header that
could end the head early (RFC 9112 2.2; CVE-2026-34519's class) is an error of
the application, raised here as :class:`UnsafeHeaderError` before any byte is
written, never sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Final

from .header_grammar import TOKEN_RE
from .versions import HttpVersion

__all__ = ("UnsafeHeaderError", "check_reason", "encode_head", "serialize_head")

_TOKEN: Final = TOKEN_RE
# Field values: no CR, LF or NUL; other CTLs are refused too (RFC 9110 5.5).
_UNSAFE_VALUE: Final = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


class UnsafeHeaderError(ValueError):
    """A header name, value or reason phrase would corrupt the message framing."""


def check_reason(reason: str) -> str:
    """Return ``reason`` if it is safe in a status line, else raise."""
    if _UNSAFE_VALUE.search(reason):
        raise UnsafeHeaderError(f"reason phrase contains control characters: {reason!r}")
    return reason


def encode_head(status_line: str, headers: Iterable[tuple[str, str]]) -> bytes:
    """Encode a status line and header fields, ending with the empty line.

    Each line is checked once and then remembered (a bounded cache): the same few
    status lines and fields (``Content-Type: text/plain; charset=utf-8``, this
    second's ``Date``, ``Server``) make up nearly every head, so most heads are a
    few dictionary hits and one join, with no formatting and no regex pass.
    """
    cache = _LINE_CACHE
    first = cache.get(status_line)
    if first is None:
        first = _remember(status_line, _encoded_status_line(status_line))
    lines = [first]
    # Seen as plain sequences: applications pass other values (ints) and lists too,
    # which a compiled build would otherwise refuse (see .compiled).
    fields: Iterable[Sequence[object]] = headers
    for field in fields:
        try:
            line = cache.get(field)
        except TypeError:  # a value that cannot be hashed: encoded, never cached
            line = _encoded_field(*field)
        if line is None:
            line = _remember(field, _encoded_field(*field))
        lines.append(line)
    lines.append(b"\r\n")
    return b"".join(lines)


# str (status line) or (name, value) -> the checked line with its CRLF, bounded.
_LINE_CACHE: dict[object, bytes] = {}
_LINE_CACHE_SIZE: Final = 4096
_CACHED_VALUE_LENGTH: Final = 256


def _remember(key: object, line: bytes) -> bytes:
    """Keep short lines for next time; start over rather than grow without bound."""
    if len(line) <= _CACHED_VALUE_LENGTH:
        if len(_LINE_CACHE) >= _LINE_CACHE_SIZE:
            _LINE_CACHE.clear()
        _LINE_CACHE[key] = line
    return line


def _encoded_status_line(status_line: str) -> bytes:
    if _UNSAFE_VALUE.search(status_line):
        raise UnsafeHeaderError(f"status line contains control characters: {status_line!r}")
    return status_line.encode("utf-8", "surrogateescape") + b"\r\n"


def _encoded_field(name: object, value: object) -> bytes:
    if not isinstance(name, str) or not _TOKEN.fullmatch(name):
        raise UnsafeHeaderError(f"invalid header name: {name!r}")
    text = f"{value}"
    if _UNSAFE_VALUE.search(text):
        raise UnsafeHeaderError(f"invalid value for header {name}: {text!r}")
    return f"{name}: {text}\r\n".encode("utf-8", "surrogateescape")


def serialize_head(
    version: HttpVersion,
    status: int,
    reason: str,
    headers: Iterable[tuple[str, str]],
) -> bytes:
    """Serialize a response head from its parts."""
    check_reason(reason)
    return encode_head(f"HTTP/{version.major}.{version.minor} {status} {reason}", headers)

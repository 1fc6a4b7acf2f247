"""Entity tags (RFC 9110 8.8.3) as small frozen values.

A response's ``etag`` property and a request's ``If-Match``/``If-None-Match``
parsing share this type, so the conditional-request code compares like with
like.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

__all__ = ("ETAG_ANY", "ETag", "format_etag", "parse_etag", "validate_etag_value")

ETAG_ANY: Final = "*"

# RFC 9110 8.8.3: etagc = %x21 / %x23-7E / obs-text (%x80-FF); no DQUOTE, no space, no CTL.
_ETAGC: Final = r"[\x21\x23-\x7e\x80-\xff]*"
_VALID_VALUE: Final = re.compile(_ETAGC)
_QUOTED: Final = re.compile(rf'(W/)?"({_ETAGC})"')


@dataclass(frozen=True, slots=True)
class ETag:
    """An entity tag: its opaque ``value`` (without quotes) and whether it is weak."""

    value: str
    is_weak: bool = False


def validate_etag_value(value: str) -> None:
    """Refuse a value that could not be sent between double quotes."""
    if value != ETAG_ANY and not _VALID_VALUE.fullmatch(value):
        raise ValueError(f"Value {value!r} is not a valid etag. Maybe it contains '\"'?")


def format_etag(tag: ETag | str) -> str:
    """The header form of ``tag``: quoted, ``W/``-prefixed when weak, ``*`` kept bare."""
    if isinstance(tag, str):
        tag = ETag(tag)
    elif not isinstance(tag, ETag):
        raise ValueError(f"Unsupported etag type: {type(tag)}. etag must be str, ETag or None")
    checked: object = tag.value
    if not isinstance(checked, str):
        raise ValueError(f"Unsupported etag value type: {type(checked)}. It must be str")
    if tag.value == ETAG_ANY:
        return ETAG_ANY
    validate_etag_value(tag.value)
    return f'W/"{tag.value}"' if tag.is_weak else f'"{tag.value}"'


def parse_etag(header: str | None) -> ETag | None:
    """Read one entity tag from a header value; None when absent or malformed."""
    if not header:
        return None
    if header == ETAG_ANY:
        return ETag(ETAG_ANY)
    match = _QUOTED.fullmatch(header)
    if match is None:
        return None
    return ETag(match.group(2), is_weak=match.group(1) is not None)

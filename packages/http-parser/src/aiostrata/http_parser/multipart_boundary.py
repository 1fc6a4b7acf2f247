"""Boundaries: checking them (RFC 2046 5.1.1) and finding them in a Content-Type."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from .header_grammar import HeaderParamError, parse_parameterized
from .multipart_errors import InvalidBoundary

__all__ = ("boundary_from_content_type", "check_boundary")

# RFC 2046 5.1.1: boundary := 0*69<bchars> bcharsnospace, 1 to 70 characters.
_BOUNDARY: Final = re.compile(r"[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]")


def check_boundary(boundary: str) -> str:
    """Return ``boundary`` if RFC 2046 5.1.1 allows it, else raise :class:`InvalidBoundary`."""
    if not _BOUNDARY.fullmatch(boundary):
        raise InvalidBoundary(f"invalid multipart boundary {boundary[:80]!r}")
    return boundary


def boundary_from_content_type(headers: Mapping[str, str]) -> tuple[str, str]:
    """Return ``(media_type, boundary)`` of a multipart Content-Type in ``headers``.

    RFC 2046 5.1.1: the boundary parameter is required; a body without a valid
    one cannot be split, so it is a 400 rather than a guess.
    """
    value = headers.get("Content-Type")
    if not value:
        raise InvalidBoundary("no Content-Type: a multipart body needs a boundary parameter")
    try:
        full_type, params = parse_parameterized(value, media_type=True)
    except HeaderParamError:
        raise InvalidBoundary("malformed multipart Content-Type") from None
    if not full_type.startswith("multipart/"):
        raise InvalidBoundary(f"not a multipart Content-Type: {full_type!r}")
    boundaries = [p.value for p in params if p.name == "boundary"]
    if len(boundaries) != 1:
        raise InvalidBoundary("a multipart Content-Type needs exactly one boundary parameter")
    return full_type, check_boundary(boundaries[0])

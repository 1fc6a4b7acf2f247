"""Turning a request's ``Range`` into the part of a file to send (RFC 9110 14).

The header itself is parsed by the request (``http_range``: one range, ASCII
digits only, ``ValueError`` when malformed); this module only relates it to the
file's length.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from .interfaces import ConditionalRequest

__all__ = ("ByteRange", "RangeNotSatisfiable", "select_byte_range")


@dataclass(frozen=True, slots=True)
class ByteRange:
    """``count`` bytes starting at ``start`` of a representation of ``size`` bytes."""

    start: int
    count: int
    size: int

    @property
    def content_range(self) -> str:
        """The ``Content-Range`` of a 206 answer (RFC 9110 14.4)."""
        return f"bytes {self.start}-{self.start + self.count - 1}/{self.size}"


class RangeNotSatisfiable(ValueError):
    """The Range cannot be served: answered 416 with ``Content-Range: bytes */size``.

    RFC 9110 15.5.17 allows 416 both for ranges outside the representation and for
    a rejected (malformed or multi-range) set, which is what aiohttp does.
    """

    status: ClassVar[int] = 416

    def __init__(self, size: int) -> None:
        super().__init__(f"range not satisfiable for a representation of {size} bytes")
        self.size = size

    @property
    def content_range(self) -> str:
        return f"bytes */{self.size}"


def _is_zero_suffix(header: str) -> bool:
    """``bytes=-0`` asks for the last zero bytes, which no file has (RFC 9110 14.1.3).

    The request's slice cannot tell it from ``bytes=0-`` (``-0 == 0``), so look at the
    header itself.
    """
    _, _, spec = header.strip(" \t").partition("=")
    return spec.startswith("-") and spec[1:].strip("0") == "" and spec[1:] != ""


def select_byte_range(request: ConditionalRequest, size: int) -> ByteRange | None:
    """The range to send, or None to send everything with the usual status.

    RFC 9110 14.2: only GET has range semantics; other methods (HEAD included) and
    range units other than ``bytes`` are ignored. Raises :class:`RangeNotSatisfiable`.
    """
    header = request.headers.get("Range")
    if header is None or request.method != "GET":
        return None
    unit, sep, _ = header.strip(" \t").partition("=")
    if not sep or unit.strip(" \t").lower() != "bytes":
        return None  # RFC 9110 14.2: an unknown range unit is ignored
    try:
        requested = request.http_range
    except ValueError:
        raise RangeNotSatisfiable(size) from None
    if _is_zero_suffix(header):
        raise RangeNotSatisfiable(size)
    start, stop = requested.start, requested.stop
    if start is None:
        return None
    if start < 0:
        # A suffix range: the last -start bytes, all of them if the file is shorter.
        start = max(size + start, 0)
        stop = size
    elif stop is None or stop > size:
        # RFC 9110 14.1.2: a last-pos past the end means "up to the end".
        stop = size
    if start >= size:
        # RFC 9110 14.1.1: unsatisfiable when the first position is past the end.
        raise RangeNotSatisfiable(size)
    return ByteRange(start=start, count=stop - start, size=size)

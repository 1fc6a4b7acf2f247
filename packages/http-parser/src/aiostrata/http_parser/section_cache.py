"""Whole field sections the parser has already validated and split, kept for the next time.

A client sends the same header fields with request after request (the same Host,
User-Agent, Accept, Cookie...): on a keep-alive connection the field section of
one request is often byte for byte the section of the one before, whatever its
request line. :data:`SECTIONS` maps such a section to what parsing it gave: its
raw fields, its read-only headers and its longest line. The headers are a
``CIMultiDictProxy`` over a dict nobody else holds, so requests can share it.
Each entry also keeps what the parser's rules made of those headers for each
HTTP version (:data:`Meaning`): the framing, persistence and coding of a request
depend on its fields and version only, so they are worked out once per section.

An entry is only ever made by the parser from the very bytes it is keyed by, after
they passed every syntax rule, so a hit is a valid section. Limits are the parser's
own, not the cache's: it checks a hit's field count and longest line against them.

Bounds: at most ``MAX_SECTIONS`` sections, each at most ``MAX_SECTION_LENGTH``
bytes, ``MAX_TOTAL_BYTES`` in all; past one of them the cache is emptied and starts
over. A section is cached only the second time it is seen (a bounded set of
hashes remembers the first), so a stream of unique sections never fills it.
"""

from __future__ import annotations

from typing import Final

from multidict import CIMultiDictProxy

from .versions import HttpVersion

__all__ = ("SECTIONS", "Meaning", "Section", "remember")

RawFields = tuple[tuple[bytes, bytes], ...]
Meaning = tuple[bool, "str | None", bool, bool]
"""What a request's fields mean on one HTTP version, for any method but CONNECT:
``should_close``, ``compression``, ``upgrade``, ``chunked`` (``RawRequestMessage``'s)."""
Section = tuple[RawFields, CIMultiDictProxy[str], int, dict[HttpVersion, Meaning]]
"""Raw fields, the headers, the length of the longest field line, meanings by version."""

SECTIONS: Final[dict[bytes, Section]] = {}
MAX_SECTIONS: Final = 256
MAX_SECTION_LENGTH: Final = 4096
MAX_TOTAL_BYTES: Final = 512 * 1024
_SEEN: Final[set[int]] = set()
_MAX_SEEN: Final = 4096
_total_bytes = 0  # approximate under threads: a bound's guide, like the line cache's


def remember(section: bytes, raw: RawFields, headers: CIMultiDictProxy[str]) -> None:
    """Keep a section just parsed, if it was seen before and fits the bounds."""
    global _total_bytes
    if len(section) > MAX_SECTION_LENGTH:
        return
    key = hash(section)
    if key not in _SEEN:
        if len(_SEEN) >= _MAX_SEEN:
            _SEEN.clear()
        _SEEN.add(key)
        return
    if len(SECTIONS) >= MAX_SECTIONS or _total_bytes + len(section) > MAX_TOTAL_BYTES:
        SECTIONS.clear()
        _total_bytes = 0
    longest = max(map(len, section.split(b"\r\n")))
    SECTIONS[section] = (raw, headers, longest, {})
    _total_bytes += len(section)


def clear() -> None:
    """Forget every section (tests start from a cold cache)."""
    global _total_bytes
    SECTIONS.clear()
    _SEEN.clear()
    _total_bytes = 0

"""The request parser's fast path through a head's field section.

:func:`split_valid_fields` returns the fields of a section only when every line of
it is a valid field line (RFC 9112 5, RFC 9110 5.5): a token name, the colon with no
whitespace before it, optional whitespace, a value of VCHAR, obs-text, SP and HTAB
that starts and ends with a visible byte, optional whitespace. Anything else (a bare
CR or LF, a CTL, obs-fold, a missing colon, whitespace before it) gives ``None``,
and the caller's strict path says why. Limits are the caller's to check.

Field lines repeat from request to request (Host, User-Agent, Accept, a session's
Cookie...), so each line's split is kept in a bounded cache keyed by its exact bytes.
An entry is only ever made by the regex below from the very bytes it is keyed by, so a
hit is a valid line, and any other bytes are checked again. Bounds: at most
``_CACHE_SIZE`` lines, each at most ``_CACHED_LINE_LENGTH`` bytes, at most
``_CACHE_BYTES`` bytes of lines in all; when one would be exceeded the cache is emptied
and starts over. A section of mostly new lines enters the cache only once its lines
were seen before (a set of their hashes, also bounded), so that a stream of unique
lines neither pays for filling the cache nor keeps emptying it.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Sequence
from typing import Final

from .header_grammar import TOKEN_BYTES

__all__ = ("split_valid_fields",)

# One field line, validated and split in one pass. Anchored at line starts (MULTILINE);
# every quantifier is greedy or possessive, so a line is matched or refused in time
# linear in its length. A section whose match count equals its LF count is valid line
# by line: matches start at line starts and cannot cross a CR or LF, so each one ends
# at the CRLF of the line it started on.
_FIELD_LINE: Final = re.compile(
    rb"^(" + TOKEN_BYTES + rb"):[ \t]*+"
    rb"([\t\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff]|)[ \t]*\r\n",
    re.MULTILINE,
)

RawField = tuple[bytes, bytes]
Field = tuple[str, str]
SplitFields = tuple[tuple[RawField, ...], Sequence[Field]]
_Entry = tuple[RawField, Field]

_CACHE: Final[dict[bytes, _Entry]] = {}
_CACHE_SIZE: Final = 512
_CACHED_LINE_LENGTH: Final = 1024
_CACHE_BYTES: Final = 128 * 1024
_cached_bytes = 0  # bytes of the lines in _CACHE (approximate under threads: a bound's guide)
_SEEN: Final[set[int]] = set()
_SEEN_SIZE: Final = 2048
# With more misses than this, one regex pass over the whole section beats one per line.
_MISSES_LINE_BY_LINE: Final = 3
_RAW: Final = operator.itemgetter(0)
_DECODED: Final = operator.itemgetter(1)


def split_valid_fields(section: bytes) -> SplitFields | None:
    """The raw and decoded fields of a valid field section, else ``None``.

    ``section`` is the head after the request line's CRLF, without the head's final
    CRLFCRLF. Raw fields are the name and the value without its surrounding whitespace;
    decoded ones are the name in ASCII and the value in UTF-8 with surrogateescape.
    """
    lines = section.split(b"\r\n")
    entries: list[_Entry | None]
    if len(section) > _CACHED_LINE_LENGTH and max(map(len, lines)) > _CACHED_LINE_LENGTH:
        # A line the cache never takes is not hashed to look it up (a 4 KiB cookie: ~4 us).
        get = _CACHE.get
        entries = [get(line) if len(line) <= _CACHED_LINE_LENGTH else None for line in lines]
    else:
        entries = list(map(_CACHE.get, lines))
    misses = entries.count(None)
    if misses:
        if misses > _MISSES_LINE_BY_LINE:
            return _split_section(section, lines)
        index = -1
        for _ in range(misses):
            index = entries.index(None, index + 1)
            line = lines[index]
            match = _FIELD_LINE.fullmatch(line + b"\r\n")
            if match is None:
                return None
            name, value = match.groups()
            entry = entries[index] = (
                (name, value),
                (name.decode("ascii"), value.decode("utf-8", "surrogateescape")),
            )
            if len(line) <= _CACHED_LINE_LENGTH:
                _make_room(1, len(line))
                _CACHE[line] = entry
    # Every None was replaced, or we returned (no cast(): a call per head).
    return tuple(map(_RAW, entries)), list(map(_DECODED, entries))  # type: ignore[arg-type]


def _make_room(count: int, size: int) -> None:
    """Empty the cache if ``count`` more lines of ``size`` bytes in all would overflow it."""
    global _cached_bytes
    if len(_CACHE) + count > _CACHE_SIZE or _cached_bytes + size > _CACHE_BYTES:
        _CACHE.clear()
        _cached_bytes = 0
    _cached_bytes += size


def _split_section(section: bytes, lines: list[bytes]) -> SplitFields | None:
    block = section + b"\r\n"
    matches: list[RawField] = _FIELD_LINE.findall(block)
    if len(matches) != block.count(b"\n"):
        return None
    # Every line matched whole, and no CR or LF is left outside the CRLFs: the matches
    # are the lines, in order.
    raw = tuple(matches)
    fields = [
        (name.decode("ascii"), value.decode("utf-8", "surrogateescape")) for name, value in raw
    ]
    # Mostly new lines are cached once seen before, by hash: a client's lines from its
    # second head on, never a stream of unique ones.
    hashes = list(map(hash, lines))
    if len(_SEEN.intersection(hashes)) * 2 < len(lines):
        if len(_SEEN) + len(lines) > _SEEN_SIZE:
            _SEEN.clear()
        _SEEN.update(hashes)
        return raw, fields
    if max(map(len, lines)) <= _CACHED_LINE_LENGTH:
        size = len(section) - 2 * (len(lines) - 1)
        if len(lines) <= _CACHE_SIZE and size <= _CACHE_BYTES:
            _make_room(len(lines), size)
            _CACHE.update(zip(lines, zip(raw, fields, strict=True), strict=True))
        return raw, fields
    for line, entry in zip(lines, zip(raw, fields, strict=True), strict=True):
        if len(line) <= _CACHED_LINE_LENGTH:
            _make_room(1, len(line))
            _CACHE[line] = entry
    return raw, fields

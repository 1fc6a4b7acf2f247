"""Evaluating a request's preconditions against a file's validators (RFC 9110 13).

The validators of a file are its strong entity tag (mtime in nanoseconds and size)
and its modification time. The order of evaluation is RFC 9110 13.2.2's, which
makes entity tags win over dates whenever both are sent.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .etag import ETAG_ANY, ETag, parse_etag

if TYPE_CHECKING:
    from .interfaces import ConditionalRequest

__all__ = ("Precondition", "evaluate_preconditions", "if_range_holds")

_SAFE_METHODS = frozenset({"GET", "HEAD"})


class Precondition(enum.Enum):
    """What the preconditions decide; the value is the status they lead to (0: go on)."""

    PASSED = 0
    NOT_MODIFIED = 304
    FAILED = 412


def _strong_match(tags: Sequence[ETag], current: ETag) -> bool:
    """RFC 9110 8.8.3.2 strong comparison: both tags strong and equal; ``*`` matches."""
    if any(tag.value == ETAG_ANY for tag in tags):
        return True
    return not current.is_weak and any(
        not tag.is_weak and tag.value == current.value for tag in tags
    )


def _weak_match(tags: Sequence[ETag], current: ETag) -> bool:
    """RFC 9110 8.8.3.2 weak comparison: equal values, weakness ignored; ``*`` matches."""
    return any(tag.value in (ETAG_ANY, current.value) for tag in tags)


def evaluate_preconditions(
    request: ConditionalRequest, current: ETag, mtime: float
) -> Precondition:
    """Apply If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since in order.

    RFC 9110 13.2.2 steps 1-4. The representation exists, so ``*`` always matches.
    """
    # Step 1 (RFC 9110 13.1.1): If-Match, strong comparison.
    if_match = request.if_match
    if if_match is not None:
        if not _strong_match(if_match, current):
            return Precondition.FAILED
    else:
        # Step 2 (RFC 9110 13.1.4): If-Unmodified-Since only without If-Match.
        unmodified_since = request.if_unmodified_since
        if unmodified_since is not None and mtime > unmodified_since.timestamp():
            return Precondition.FAILED

    safe = request.method in _SAFE_METHODS
    # Step 3 (RFC 9110 13.1.2): If-None-Match, weak comparison; 304 only for GET/HEAD.
    if_none_match = request.if_none_match
    if if_none_match is not None:
        if _weak_match(if_none_match, current):
            return Precondition.NOT_MODIFIED if safe else Precondition.FAILED
    elif safe:
        # Step 4 (RFC 9110 13.1.3): If-Modified-Since only without If-None-Match,
        # and only for GET and HEAD.
        modified_since = request.if_modified_since
        if modified_since is not None and mtime <= modified_since.timestamp():
            return Precondition.NOT_MODIFIED
    return Precondition.PASSED


def if_range_holds(request: ConditionalRequest, current: ETag, mtime: float) -> bool:
    """Whether a Range may be honoured given If-Range (RFC 9110 13.1.5).

    No If-Range: yes. An entity tag: only if it is strong and equal to the current
    one. An HTTP-date: only if it exactly matches the Last-Modified we send (the
    mtime rounded up to the second). Anything else is a false condition, and the
    whole representation is sent.
    """
    raw = request.headers.get("If-Range")
    if raw is None:
        return True
    raw = raw.strip(" \t")
    if raw.startswith(('"', "W/")):
        tag = parse_etag(raw)
        return tag is not None and _strong_match((tag,), current) and tag.value != ETAG_ANY
    date = request.if_range
    return date is not None and date.timestamp() == math.ceil(mtime)

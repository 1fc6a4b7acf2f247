"""Content codings a response can be compressed with, and picking one for a request."""

from __future__ import annotations

import enum

__all__ = ("ContentCoding", "select_coding")


class ContentCoding(enum.Enum):
    """The content codings ``enable_compression(force=...)`` accepts (RFC 9110 8.4.1)."""

    # Declaration order is the server's preference when the client accepts several.
    deflate = "deflate"
    gzip = "gzip"
    identity = "identity"


_COMPRESSING = (ContentCoding.deflate, ContentCoding.gzip)


def select_coding(accept_encoding: str) -> ContentCoding:
    """The compressing coding to use for an ``Accept-Encoding`` value, else identity.

    RFC 9110 8.4.1: codings are case-insensitive. RFC 9110 12.5.3: a qvalue of 0
    means "not acceptable". Among acceptable codings the client's highest qvalue
    wins, then deflate before gzip.
    """
    accepted: dict[str, float] = {}
    for item in accept_encoding.lower().split(","):
        name, _, params = item.partition(";")
        name = name.strip()
        if not name:
            continue
        if name == "x-gzip":  # RFC 9110 8.4.1.3: the same coding as gzip
            name = "gzip"
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
        accepted[name] = quality
    best = ContentCoding.identity
    best_q = 0.0
    for coding in _COMPRESSING:
        quality = accepted.get(coding.value, 0.0)
        if quality > best_q:
            best, best_q = coding, quality
    return best

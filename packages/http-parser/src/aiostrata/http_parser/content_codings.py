"""Choosing the decoder for a request's Content-Encoding, or refusing it with a 415.

RFC 9110 8.4: the codings are listed in the order they were applied. A single
coding is decoded; ``identity`` entries are no-ops and dropped; a stack of two
or more real codings (``gzip, br``) is refused with 415, the same as an unknown
coding: no client sends one in practice, and each extra layer would multiply
the work a small body can demand. RFC 9110 15.5.16 lets the 415 name what is
accepted: :func:`supported_content_codings` is that list, for ``Accept-Encoding``.
"""

from __future__ import annotations

from .brotli_decoder import BrotliDecoder, load_brotli
from .content_decoder import ContentDecoder
from .errors import UnsupportedContentEncoding
from .zlib_decoders import DeflateDecoder, GzipDecoder, IdentityDecoder
from .zstd_decoder import ZstdDecoder, load_zstandard

__all__ = ("content_decoder_for", "supported_content_codings")


def supported_content_codings() -> tuple[str, ...]:
    """The request content codings this installation decodes, most preferred first."""
    codings = ["gzip", "deflate"]
    if load_brotli() is not None:
        codings.append("br")
    if load_zstandard() is not None:
        codings.append("zstd")
    return tuple(codings)


def content_decoder_for(content_encoding: str) -> ContentDecoder:
    """A fresh decoder for a Content-Encoding field value (case-insensitive, ASCII only).

    Raises :class:`~aiostrata.http_parser.UnsupportedContentEncoding` (415) for
    an unknown coding, a coding whose optional extra is not installed, or a
    stack of codings.
    """
    codings = [token.strip(" \t") for token in content_encoding.split(",")]
    codings = [c.lower() if c.isascii() else c for c in codings if c]
    codings = [c for c in codings if c != "identity"]  # RFC 9110 8.4.1: a no-op
    if not codings:
        return IdentityDecoder()
    if len(codings) > 1:
        raise UnsupportedContentEncoding(f"Stacked content codings are refused: {codings!r:.80}")
    coding = codings[0]
    if coding in ("gzip", "x-gzip"):  # RFC 9110 8.4.1.3: x-gzip is gzip
        return GzipDecoder(coding)
    if coding == "deflate":
        return DeflateDecoder()
    if coding == "br":
        brotli = load_brotli()
        if brotli is not None:
            return BrotliDecoder(brotli)
    elif coding == "zstd":
        zstandard = load_zstandard()
        if zstandard is not None:
            return ZstdDecoder(zstandard)
    raise UnsupportedContentEncoding(f"Unsupported content coding: {coding!r:.80}")

"""Every size and count the parser accepts, in one place, each with a safe default."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ParserLimits:
    """Bounds on what one request may make the parser hold.

    Each is enforced as the bytes arrive, before they are buffered past the
    bound, and each maps to its own status: the request line to 414, header
    fields and the head to 431, chunk framing and trailers to 400, the body to 413.
    """

    max_line_size: int = 8190
    """Longest request line (method, target and version)."""
    max_field_size: int = 8190
    """Longest single header or trailer field line."""
    max_headers: int = 128
    """Most header fields in one head."""
    max_head_size: int = 65536
    """Most bytes in the whole head, request line included."""
    max_chunk_line_size: int = 4096
    """Longest chunk-size line, chunk extensions included."""
    max_trailers: int = 32
    """Most trailer fields after a chunked body."""
    max_trailer_size: int = 16384
    """Most bytes in the whole trailer section."""
    max_body_size: int | None = None
    """Largest body; ``None`` leaves bodies to the application's own limit."""
    max_empty_lines: int = 8
    """Empty lines tolerated before a request line (RFC 9112 2.2)."""

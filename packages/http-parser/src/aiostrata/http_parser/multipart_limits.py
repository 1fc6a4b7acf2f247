"""The bounds a multipart reader enforces, all in one frozen value."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ("MultipartLimits",)


@dataclass(frozen=True, slots=True)
class MultipartLimits:
    """Every size and count a :class:`~.multipart_reader.MultipartReader` allows.

    The defaults fit browser forms and API uploads while keeping the memory a
    hostile body can make the reader hold small and fixed. Streaming reads of a
    part (``read_chunk``) are not bounded here: the caller decides how much it
    keeps (``request.post()`` bounds the whole form by ``client_max_size``).
    """

    #: Parts in one multipart body, nested bodies counted on their own.
    max_parts: int = 1000
    #: Header lines in one part (GHSA-m5qp-6w8w-w647).
    max_part_headers: int = 32
    #: Length of one part header line, and of a boundary line's transport padding.
    max_header_line: int = 8190
    #: Length of a part's whole header block.
    max_headers_size: int = 16384
    #: Bytes before the first boundary (aiohttp issue #13652).
    max_preamble_size: int = 16384
    #: Bytes after the closing boundary.
    max_epilogue_size: int = 16384
    #: Bytes of a part read whole into memory (``read``/``text``/``json``/``form``), before
    #: and after decoding (GHSA-3wq7-rqq7-wx6j).
    max_field_size: int = 16 * 1024**2
    #: Levels of multipart bodies nested inside parts.
    max_nesting_depth: int = 8

    def __post_init__(self) -> None:
        for name in self.__slots__:
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"MultipartLimits.{name} must be a positive int, not {value!r}")

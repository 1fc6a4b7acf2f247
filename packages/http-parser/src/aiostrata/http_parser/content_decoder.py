"""The contract every request-body content decoder follows.

A decoder is fed compressed bytes and hands back decoded bytes in bounded
steps: the body stream asks for one step at a time, only when its reader wants
more, so a small compressed body can never expand into memory all at once
(the "decompression bomb" of RFC 9110 17.2 / 8.4.1).
"""

from __future__ import annotations

import abc

__all__ = ("ContentDecoder",)


class ContentDecoder(abc.ABC):
    """An incremental, output-bounded decoder of one content coding (RFC 9110 8.4.1).

    The protocol: pass new input to :meth:`decompress` only while
    :attr:`needs_input` is true; otherwise call ``decompress(b"", max_length)``
    to drain what the earlier input still holds. Each call returns at most about
    ``max_length`` bytes (each coding documents its exact bound). When the
    compressed input ends, :meth:`finish` raises if the coded data is incomplete.
    Corrupt input raises :class:`~aiostrata.http_parser.ContentEncodingError` (400).
    """

    __slots__ = ()

    #: The content-coding name this decoder undoes, lower-case (``"gzip"``).
    coding: str

    @abc.abstractmethod
    def decompress(self, data: bytes, max_length: int) -> bytes:
        """Decode ``data`` (or, when it is empty, what earlier input still holds)."""

    @property
    @abc.abstractmethod
    def needs_input(self) -> bool:
        """True when every byte fed so far has been decoded and handed back."""

    @abc.abstractmethod
    def finish(self) -> None:
        """The compressed input has ended: raise if the coded data stopped midway."""

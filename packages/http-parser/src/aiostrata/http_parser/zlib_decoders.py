"""Decoders for the codings the stdlib can undo: gzip, deflate and identity.

Each ``decompress`` step hands zlib at most ``max_length`` bytes of output room;
input zlib did not get to stays in ``unconsumed_tail`` for the next step, so the
output of one step is bounded whatever the compression ratio.
"""

from __future__ import annotations

import abc
import zlib
from typing import Final

from .content_decoder import ContentDecoder
from .errors import ContentEncodingError

__all__ = ("DeflateDecoder", "GzipDecoder", "IdentityDecoder")

_GZIP_WBITS: Final = 16 + zlib.MAX_WBITS
_ZLIB_WBITS: Final = zlib.MAX_WBITS
_RAW_DEFLATE_WBITS: Final = -zlib.MAX_WBITS


def _looks_like_zlib_header(first: int, second: int) -> bool:
    """RFC 1950 2.2: CM is 8 (deflate), CINFO at most 7, and CMF*256+FLG a multiple of 31."""
    return first & 0x0F == 8 and first >> 4 <= 7 and (first << 8 | second) % 31 == 0


class IdentityDecoder(ContentDecoder):
    """``identity`` (RFC 9110 8.4.1): the bytes as they are, in steps of ``max_length``."""

    __slots__ = ("_pending",)
    coding = "identity"

    def __init__(self) -> None:
        self._pending = b""

    def decompress(self, data: bytes, max_length: int) -> bytes:
        if data:
            self._pending = self._pending + data if self._pending else data
        step, self._pending = self._pending[:max_length], self._pending[max_length:]
        return step

    @property
    def needs_input(self) -> bool:
        return not self._pending

    def finish(self) -> None:
        return


class _ZlibStreamDecoder(ContentDecoder):
    """Shared stepping over a ``zlib.decompressobj``; subclasses choose the format."""

    __slots__ = (
        "_awaiting_header",
        "_complete",
        "_input",
        "_maybe_more_output",
        "_seen_input",
        "_zobj",
    )

    def __init__(self) -> None:
        self._zobj: zlib._Decompress | None = None
        self._input = b""
        # zlib may still hold output after a step that filled max_length exactly.
        self._maybe_more_output = False
        self._awaiting_header = False  # too few bytes yet to choose the format
        self._complete = False  # the last started stream reached its end
        self._seen_input = False

    @property
    def needs_input(self) -> bool:
        return (not self._input or self._awaiting_header) and not self._maybe_more_output

    def finish(self) -> None:
        if self._seen_input and not self._complete:
            raise ContentEncodingError(f"Truncated {self.coding} body")

    def decompress(self, data: bytes, max_length: int) -> bytes:
        if data:
            self._seen_input = True
            self._input = self._input + data if self._input else data
        while True:
            if self._zobj is None:
                if not self._input:
                    self._maybe_more_output = False
                    return b""
                if self._complete:
                    self._after_end()
                zobj = self._start_stream(self._input)
                self._awaiting_header = zobj is None
                if zobj is None:
                    return b""
                self._zobj, self._complete = zobj, False
            try:
                output = self._zobj.decompress(self._input, max_length)
            except zlib.error as exc:
                raise ContentEncodingError(f"Corrupt {self.coding} body: {exc}") from None
            self._input = self._zobj.unconsumed_tail
            self._maybe_more_output = len(output) >= max_length
            if self._zobj.eof:
                self._complete, self._maybe_more_output = True, False
                self._input, self._zobj = self._zobj.unused_data, None
            if output or self._zobj is not None:
                return output
            # A stream ended without output in this step: look at what follows it.

    @abc.abstractmethod
    def _start_stream(self, head: bytes) -> zlib._Decompress | None:
        """A decompressor for the stream starting with ``head``; None while undecidable."""

    def _after_end(self) -> None:
        """Bytes follow the end of a complete stream: an error unless the format allows it."""
        raise ContentEncodingError(f"Data after the end of the {self.coding} body")


class GzipDecoder(_ZlibStreamDecoder):
    """``gzip`` / ``x-gzip`` (RFC 9110 8.4.1.3): one or more gzip members (RFC 1952 2.2)."""

    __slots__ = ("coding",)

    def __init__(self, coding: str = "gzip") -> None:
        super().__init__()
        self.coding = coding

    def _start_stream(self, head: bytes) -> zlib._Decompress:
        return zlib.decompressobj(_GZIP_WBITS)

    def _after_end(self) -> None:
        return  # RFC 1952 2.2: members may follow one another; the next one starts here


class DeflateDecoder(_ZlibStreamDecoder):
    """``deflate`` (RFC 9110 8.4.1.2): zlib-wrapped deflate, tolerating raw deflate.

    Some clients send bare RFC 1951 data under this name; the first two bytes
    tell the formats apart (a zlib header checks out modulo 31, RFC 1950 2.2).
    """

    __slots__ = ()
    coding = "deflate"

    def _start_stream(self, head: bytes) -> zlib._Decompress | None:
        if len(head) < 2:
            return None
        wrapped = _looks_like_zlib_header(head[0], head[1])
        return zlib.decompressobj(_ZLIB_WBITS if wrapped else _RAW_DEFLATE_WBITS)

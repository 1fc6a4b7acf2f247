"""Decoding a part's body as it streams: Content-Transfer-Encoding, then Content-Encoding.

Every stage keeps a fixed, small amount of state: base64 holds at most three
characters between chunks (never "read until a multiple of four", the unbounded
loop of GHSA-24c4-3p7v-29cm), quoted-printable at most two, and decompression
hands out at most ``piece_size`` bytes per step, keeping the rest of its input
for the next step, so a small compressed part cannot expand in memory at once.
"""

from __future__ import annotations

import binascii
import zlib
from typing import Final

from .multipart_errors import FieldTooLarge, UnsupportedPartEncoding

__all__ = ("PartDecoder",)

# RFC 2045 6.1: identity transfer encodings.
_IDENTITY_TRANSFER: Final = frozenset({"", "7bit", "8bit", "binary"})
_WHITESPACE: Final = b" \t\r\n"


class _Base64Stage:
    """RFC 2045 6.8 base64, decoded four characters at a time, whitespace ignored."""

    def __init__(self) -> None:
        self._pending = b""

    def feed(self, data: bytes) -> bytes:
        data = self._pending + data.translate(None, _WHITESPACE)
        usable = len(data) - len(data) % 4
        self._pending = data[usable:]
        return self._decode(data[:usable])

    def finish(self) -> bytes:
        pending, self._pending = self._pending, b""
        if not pending:
            return b""
        if len(pending) == 1:
            raise UnsupportedPartEncoding("truncated base64 data")
        return self._decode(pending + b"=" * (4 - len(pending)))

    @staticmethod
    def _decode(data: bytes) -> bytes:
        try:
            return binascii.a2b_base64(data, strict_mode=True)
        except binascii.Error:
            raise UnsupportedPartEncoding("invalid base64 data") from None


class _QuotedPrintableStage:
    """RFC 2045 6.7 quoted-printable; an ``=`` escape split between chunks waits for its end."""

    def __init__(self) -> None:
        self._pending = b""

    def feed(self, data: bytes) -> bytes:
        data = self._pending + data
        # "=XY" and "=\r\n" are at most three bytes: keep an "=" in the last two back.
        cut = data.rfind(b"=", max(0, len(data) - 2))
        if cut == -1:
            self._pending = b""
        else:
            data, self._pending = data[:cut], data[cut:]
        return binascii.a2b_qp(data)

    def finish(self) -> bytes:
        pending, self._pending = self._pending, b""
        return binascii.a2b_qp(pending)


class _IdentityStage:
    def feed(self, data: bytes) -> bytes:
        return data

    def finish(self) -> bytes:
        return b""


_TransferStage = _Base64Stage | _QuotedPrintableStage | _IdentityStage


def _transfer_stage(encoding: str) -> _TransferStage:
    if encoding == "base64":
        return _Base64Stage()
    if encoding == "quoted-printable":
        return _QuotedPrintableStage()
    if encoding in _IDENTITY_TRANSFER:
        return _IdentityStage()
    raise UnsupportedPartEncoding(f"unknown Content-Transfer-Encoding {encoding[:40]!r}")


class PartDecoder:
    """Turns a part's wire bytes into its content, in bounded steps.

    Use: ``feed(raw)`` only while :attr:`wants_input`, then ``read()`` until it
    returns ``b""``; after the last input call ``feed_eof()`` and ``read()``
    until :attr:`done`. ``max_output`` bounds the total output
    (:class:`FieldTooLarge`), for parts read whole into memory.
    """

    def __init__(
        self,
        transfer_encoding: str = "",
        content_encoding: str = "",
        *,
        max_output: int | None = None,
        piece_size: int = 2**16,
    ) -> None:
        self._transfer = _transfer_stage(transfer_encoding.strip().lower())
        content_encoding = content_encoding.strip().lower()
        if content_encoding not in ("", "identity", "gzip", "x-gzip", "deflate"):
            raise UnsupportedPartEncoding(f"unknown Content-Encoding {content_encoding[:40]!r}")
        self._content_encoding = content_encoding
        self._zlib: zlib._Decompress | None = None
        self._compressed = content_encoding in ("gzip", "x-gzip", "deflate")
        self._input = b""
        self._eof = False
        self._max_output = max_output
        self._piece_size = piece_size
        self._produced = 0

    @property
    def wants_input(self) -> bool:
        return not self._input and not self._eof

    @property
    def done(self) -> bool:
        if not self._eof or self._input:
            return False
        # An empty compressed part (no bytes at all) decodes to nothing.
        return not self._compressed or self._zlib is None or self._zlib.eof

    def feed(self, data: bytes) -> None:
        if self._eof:
            raise RuntimeError("feed() after feed_eof()")
        self._input += self._transfer.feed(data)

    def feed_eof(self) -> None:
        if not self._eof:
            self._input += self._transfer.finish()
            self._eof = True

    def read(self) -> bytes:
        """Up to one piece of output; ``b""`` when more input is needed or all is done."""
        if not self._compressed:
            out, self._input = self._input, b""
            return self._count(out)
        decompressor = self._decompressor()
        if decompressor is None:
            return b""
        if decompressor.eof:
            self._input = b""  # RFC 1952: bytes after the compressed stream are ignored
            return b""
        try:
            out = decompressor.decompress(self._input, self._piece_size)
        except zlib.error:
            raise UnsupportedPartEncoding("invalid compressed part data") from None
        self._input = decompressor.unconsumed_tail
        if not out and not self._input and self._eof and not decompressor.eof:
            raise UnsupportedPartEncoding("truncated compressed part data")
        return self._count(out)

    def decode_all(self, data: bytes) -> bytes:
        """Decode a whole body at once (``BodyPartReader.decode``)."""
        self.feed(data)
        self.feed_eof()
        out = bytearray()
        while not self.done:
            out += self.read()
        return bytes(out)

    def _decompressor(self) -> zlib._Decompress | None:
        if self._zlib is None:
            if not self._input:
                return None
            if self._content_encoding == "deflate":
                # RFC 9110 8.4.1.2 means zlib-wrapped data; raw deflate is common too.
                zlib_wrapped = self._input[0] & 0x0F == 8 and (self._input[0] >> 4) <= 7
                wbits = zlib.MAX_WBITS if zlib_wrapped else -zlib.MAX_WBITS
            else:
                wbits = 16 + zlib.MAX_WBITS
            self._zlib = zlib.decompressobj(wbits=wbits)
        return self._zlib

    def _count(self, out: bytes) -> bytes:
        self._produced += len(out)
        if self._max_output is not None and self._produced > self._max_output:
            raise FieldTooLarge(f"decoded part exceeds {self._max_output} bytes")
        return out

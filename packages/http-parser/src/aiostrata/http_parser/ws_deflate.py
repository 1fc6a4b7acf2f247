"""Per-message DEFLATE for WebSocket payloads (RFC 7692 7.2), bounded on the way in.

Inflating is where a hostile peer attacks: a few kilobytes of compressed zeros expand to
gigabytes. :class:`MessageInflater` therefore never asks zlib for more output than the
message may still hold (``max_length``), and fails with 1009 the moment a message would
pass its limit, so memory stays proportional to the limit, never to the expansion ratio.
"""

from __future__ import annotations

import zlib
from typing import Final

from .ws_protocol import WebSocketError, WSCloseCode

__all__ = ("MessageDeflater", "MessageInflater")

# RFC 7692 7.2.1: the empty stored block a sync flush ends with, stripped by the sender
# and appended again by the receiver.
DEFLATE_TAIL: Final = b"\x00\x00\xff\xff"
# How much zlib may produce per call when there is no tighter limit.
_INFLATE_STEP: Final = 64 * 1024


class MessageDeflater:
    """Compresses outgoing messages, keeping the LZ77 window between them unless told not to.

    ``window_bits`` is 9..15 (zlib cannot compress with an 8-bit window); with
    ``no_context_takeover`` each message starts from an empty window (RFC 7692 7.1.1).
    """

    def __init__(
        self,
        window_bits: int = 15,
        *,
        no_context_takeover: bool = False,
        level: int = zlib.Z_BEST_SPEED,
    ) -> None:
        if not 9 <= window_bits <= 15:
            raise ValueError(f"window_bits must be 9..15 for zlib, not {window_bits}")
        self.window_bits = window_bits
        self.no_context_takeover = no_context_takeover
        self._level = level
        self._compressor = self._new()

    def compress(self, data: bytes | bytearray | memoryview) -> bytes:
        """One whole message, compressed, with the trailing empty block removed (7.2.1)."""
        if self.no_context_takeover:
            self._compressor = self._new()
        compressed = self._compressor.compress(data) + self._compressor.flush(zlib.Z_SYNC_FLUSH)
        if compressed.endswith(DEFLATE_TAIL):
            compressed = compressed[: -len(DEFLATE_TAIL)]
        return compressed

    def reset(self) -> None:
        """Forget the window: needed after a message the peer decoded with other context."""
        self._compressor = self._new()

    def _new(self) -> zlib._Compress:
        return zlib.compressobj(self._level, zlib.DEFLATED, -self.window_bits)


class MessageInflater:
    """Decompresses incoming messages fragment by fragment, never past a byte budget."""

    def __init__(self, *, no_context_takeover: bool = False) -> None:
        self.no_context_takeover = no_context_takeover
        # A 15-bit window decodes anything a peer compressed with a smaller one.
        self._inflater = zlib.decompressobj(-15)

    def inflate(self, data: bytes, *, final: bool, max_output: int | None) -> bytes:
        """Inflate one fragment's payload; ``final`` ends the message (and adds the tail).

        Raises :class:`WebSocketError` 1009 when the output would exceed ``max_output``
        bytes and 1002 when the data is not valid DEFLATE.
        """
        inflater = self._inflater
        if inflater.eof and data:
            # RFC 7692 7.2.3.3: after a BFINAL block the message has no more data
            raise WebSocketError(
                WSCloseCode.PROTOCOL_ERROR, "Data after the end of a DEFLATE stream"
            )
        pending = data + DEFLATE_TAIL if final else data
        parts: list[bytes] = []
        produced = 0
        try:
            while True:
                step = _INFLATE_STEP
                if max_output is not None:
                    step = min(step, max_output - produced + 1)
                chunk = inflater.decompress(pending, step)
                produced += len(chunk)
                if max_output is not None and produced > max_output:
                    raise WebSocketError(
                        WSCloseCode.MESSAGE_TOO_BIG,
                        f"Decompressed message exceeds the maximum size {max_output}",
                    )
                parts.append(chunk)
                pending = inflater.unconsumed_tail
                # A full chunk may mean zlib holds more output even with no input left.
                if inflater.eof or (not pending and len(chunk) < step):
                    break
        except zlib.error as exc:
            raise WebSocketError(
                WSCloseCode.PROTOCOL_ERROR, f"Invalid DEFLATE data: {exc}"
            ) from exc
        if inflater.eof and inflater.unused_data not in (b"", DEFLATE_TAIL if final else b""):
            raise WebSocketError(
                WSCloseCode.PROTOCOL_ERROR, "Data after the end of a DEFLATE stream"
            )
        if final and (self.no_context_takeover or inflater.eof):
            # The peer starts the next message from an empty window (or ended the stream).
            self._inflater = zlib.decompressobj(-15)
        return b"".join(parts)

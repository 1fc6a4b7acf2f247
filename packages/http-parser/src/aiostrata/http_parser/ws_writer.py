"""Writing WebSocket frames (RFC 6455 5.2, RFC 7692 6).

Two layers: :class:`WebSocketFrameEncoder` is sans-IO (a message and an opcode in, the
frame's bytes out; it owns the deflate context and the close state), and
:class:`WebSocketWriter` is the thin asyncio side that writes those bytes to a
:class:`~.interfaces.WritableConnection` and drains. Messages are always sent as a single
frame: fragmentation buys nothing for a server that already holds the whole message.
"""

from __future__ import annotations

import asyncio
import os
import struct
from typing import Final

from .interfaces import WritableConnection
from .ws_deflate import MessageDeflater
from .ws_extensions import DeflateParams
from .ws_masking import apply_mask
from .ws_protocol import WSCloseCode, WSMsgType, is_valid_close_code

__all__ = (
    "WebSocketClosedError",
    "WebSocketFrameEncoder",
    "WebSocketWriter",
    "encode_close_payload",
    "encode_frame",
)

_MAX_CONTROL_PAYLOAD: Final = 125
_MAX_CLOSE_REASON: Final = _MAX_CONTROL_PAYLOAD - 2
_DATA_OPCODES: Final = frozenset({WSMsgType.TEXT, WSMsgType.BINARY, WSMsgType.CONTINUATION})
_CONTROL_OPCODES: Final = frozenset({WSMsgType.CLOSE, WSMsgType.PING, WSMsgType.PONG})
_WIRE_OPCODES: Final = _DATA_OPCODES | _CONTROL_OPCODES
# an int or a WSMsgType to its WSMsgType, without the slow enum call
_OPCODES: Final = {int(opcode): opcode for opcode in _WIRE_OPCODES}
# RFC 7692 6.1: RSV1 (compression) only on the first frame of a TEXT or BINARY message
_COMPRESSIBLE_OPCODES: Final = frozenset({WSMsgType.TEXT, WSMsgType.BINARY})
DEFAULT_WRITE_LIMIT: Final = 2**16


class WebSocketClosedError(ConnectionResetError):
    """Sending after the close frame went out (RFC 6455 5.5.1: nothing may follow it)."""


def _short_headers(first: int) -> tuple[bytes, ...]:
    return tuple(bytes((first, length)) for length in range(126))


# The 2-byte headers of unmasked, unfragmented frames up to 125 bytes, by first byte:
# a server's usual frame costs one tuple lookup instead of building its header.
_SHORT_HEADERS: Final = {
    0x80 | rsv1 | opcode: _short_headers(0x80 | rsv1 | opcode)
    for opcode in _WIRE_OPCODES
    for rsv1 in ((0, 0x40) if opcode in _COMPRESSIBLE_OPCODES else (0,))
}
_TEXT_HEADERS: Final = _SHORT_HEADERS[0x80 | WSMsgType.TEXT]
_BINARY_HEADERS: Final = _SHORT_HEADERS[0x80 | WSMsgType.BINARY]
_PACK_16: Final = struct.Struct("!BBH").pack
_PACK_64: Final = struct.Struct("!BBQ").pack


def _header(first: int, mask_bit: int, length: int) -> bytes:
    """The frame header up to the masking key, with the shortest length form (RFC 6455 5.2)."""
    if length < 126:
        if not mask_bit:
            headers = _SHORT_HEADERS.get(first)
            if headers is not None:
                return headers[length]
        return bytes((first, mask_bit | length))
    if length < 1 << 16:
        return _PACK_16(first, mask_bit | 126, length)
    return _PACK_64(first, mask_bit | 127, length)


def _byte_buffer(data: bytes | bytearray | memoryview) -> bytes | bytearray | memoryview:
    """``data`` as a contiguous buffer whose ``len()`` counts bytes: a memoryview of wider
    items or of more dimensions is cast, one with gaps is copied; the rest is taken as is."""
    if isinstance(data, memoryview) and (data.itemsize != 1 or data.ndim != 1):
        return data.cast("B") if data.c_contiguous else bytes(data)
    if isinstance(data, memoryview) and not data.c_contiguous:
        return bytes(data)
    return data


def encode_frame(
    payload: bytes | bytearray | memoryview,
    opcode: int,
    *,
    fin: bool = True,
    rsv1: bool = False,
    mask_key: bytes | None = None,
) -> bytes:
    """One frame's bytes: header with the shortest length form, then the (masked) payload.

    The payload is copied once, into the frame (a frame is one ``transport.write``).
    """
    if opcode not in _WIRE_OPCODES:
        raise ValueError(f"not a WebSocket opcode: {opcode!r}")
    if payload.__class__ is not bytes:
        payload = _byte_buffer(payload)
    first = (0x80 if fin else 0) | (0x40 if rsv1 else 0) | opcode
    if mask_key is None:
        return _header(first, 0, len(payload)) + payload
    if len(mask_key) != 4:
        raise ValueError("the masking key is 4 bytes")
    return _header(first, 0x80, len(payload)) + mask_key + apply_mask(payload, mask_key)


def encode_close_payload(code: int, message: bytes | str = b"") -> bytes:
    """The close frame body: the code and a UTF-8 reason cut to fit 125 bytes (RFC 6455 5.5.1).

    The reason is cut at a character boundary, so the peer never sees broken UTF-8.
    """
    if not is_valid_close_code(code):
        raise ValueError(f"{code} may not be sent in a close frame (RFC 6455 7.4)")
    reason = message if isinstance(message, str) else bytes(message).decode("utf-8")
    encoded = reason.encode("utf-8")
    if len(encoded) > _MAX_CLOSE_REASON:
        encoded = encoded[:_MAX_CLOSE_REASON].decode("utf-8", "ignore").encode("utf-8")
    return code.to_bytes(2, "big") + encoded


class WebSocketFrameEncoder:
    """Turns messages into frames for one side of a connection.

    ``is_server`` decides masking: a client masks every frame with a fresh key from
    ``os.urandom`` (RFC 6455 5.3), a server never masks. ``deflate`` is the negotiated
    permessage-deflate configuration; this side compresses with *its own* direction's
    window and context-takeover parameters.
    """

    def __init__(self, *, is_server: bool = True, deflate: DeflateParams | None = None) -> None:
        self.is_server = is_server
        self.deflate = deflate
        self._deflater: MessageDeflater | None = None
        self.compress = 0
        self.notakeover = False
        if deflate is not None:
            outbound = deflate.outbound(is_server=is_server)
            self.compress = outbound.window_bits
            self.notakeover = outbound.no_context_takeover
            self._deflater = MessageDeflater(
                outbound.window_bits, no_context_takeover=outbound.no_context_takeover
            )
        self.closed = False

    def encode(
        self, message: bytes | bytearray | memoryview, opcode: int, compress: int | None = None
    ) -> bytes:
        """One message as one frame.

        ``compress`` overrides the connection's compression for this message: None uses
        it, 0 sends uncompressed, 9..15 uses a one-off compressor with that window (capped
        at the negotiated one). Without negotiated permessage-deflate nothing is compressed.
        """
        if self.closed:
            raise WebSocketClosedError("Cannot send on a WebSocket after its close frame")
        kind = _OPCODES.get(opcode)
        if kind is None:
            raise ValueError(f"not a WebSocket opcode: {opcode!r}")
        if message.__class__ is not bytes:
            message = _byte_buffer(message)
        first = 0x80 | kind
        if kind in _CONTROL_OPCODES:
            if len(message) > _MAX_CONTROL_PAYLOAD:
                raise ValueError("control frame payloads are at most 125 bytes (RFC 6455 5.5)")
            if kind is WSMsgType.CLOSE:
                self.closed = True
        elif self._deflater is not None and kind in _COMPRESSIBLE_OPCODES and compress != 0:
            message = self._compress(self._deflater, message, compress)
            first |= 0x40
        if self.is_server:
            return _header(first, 0, len(message)) + message
        mask_key = os.urandom(4)
        return _header(first, 0x80, len(message)) + mask_key + apply_mask(message, mask_key)

    def close(self, code: int = WSCloseCode.OK, message: bytes | str = b"") -> bytes:
        """The close frame; afterwards every ``encode`` is refused."""
        if self.closed:
            raise WebSocketClosedError("The close frame was already sent")
        return self.encode(encode_close_payload(code, message), WSMsgType.CLOSE)

    @staticmethod
    def _compress(
        deflater: MessageDeflater, payload: bytes | bytearray | memoryview, compress: int | None
    ) -> bytes:
        if compress is None or compress >= deflater.window_bits:
            return deflater.compress(payload)
        one_off = MessageDeflater(max(compress, 9), no_context_takeover=True)
        # The peer's inflater now holds this message in its window but our main
        # compressor does not: its back-references would point at the wrong bytes.
        deflater.reset()
        return one_off.compress(payload)


class WebSocketWriter:
    """Sends frames over a connection and waits for the transport when it fills up.

    Satisfies what a ``WebSocketResponse`` needs: ``send_frame``, ``ping``, ``pong``,
    ``close`` and the negotiated ``compress`` / ``notakeover``. Each frame is one
    ``transport.write``. The synchronous ``write_frame`` / ``write_text`` /
    ``write_binary`` return whether a drain is due (``limit`` bytes written since the
    last one, and the transport still holding some), so a caller awaits only then; a
    server's uncompressed TEXT or BINARY frame skips the encoder (header from a table).
    """

    def __init__(
        self,
        protocol: WritableConnection,
        *,
        is_server: bool = True,
        deflate: DeflateParams | None = None,
        limit: int = DEFAULT_WRITE_LIMIT,
    ) -> None:
        self.protocol = protocol
        self._encoder = WebSocketFrameEncoder(is_server=is_server, deflate=deflate)
        self._limit = limit
        self._room = limit  # bytes that may still be written before a drain is considered
        # Taken from the connection at the first write. An asyncio transport says it is
        # closing from the moment the connection is lost, so is_closing() is the check.
        self._transport: asyncio.Transport | None = None
        # TEXT/BINARY frames need no encoder work beyond a header: a server's, uncompressed,
        # until the close frame is sent.
        self._plain = is_server and deflate is None

    @property
    def compress(self) -> int:
        """The outgoing window bits, or 0 without permessage-deflate."""
        return self._encoder.compress

    @property
    def notakeover(self) -> bool:
        """Whether each outgoing message is compressed from an empty window."""
        return self._encoder.notakeover

    @property
    def closed(self) -> bool:
        """True once the close frame was sent."""
        return self._encoder.closed

    def write_frame(
        self, message: bytes | bytearray | memoryview, opcode: int, compress: int | None = None
    ) -> bool:
        """Write one message as one frame now; True when the caller should ``await
        drain()`` before sending more.

        The synchronous core of every send: a message costs no coroutine unless the
        bytes written since the last drain passed ``limit`` and the transport still
        holds some of them.
        """
        if opcode is WSMsgType.TEXT:
            return self.write_text(message, compress)
        if opcode is WSMsgType.BINARY:
            return self.write_binary(message, compress)
        return self._write_encoded(message, opcode, compress)

    def write_text(
        self, payload: bytes | bytearray | memoryview, compress: int | None = None
    ) -> bool:
        """``write_frame(payload, WSMsgType.TEXT, compress)``, with ``payload`` UTF-8."""
        transport = self._transport
        if self._plain and payload.__class__ is bytes and transport is not None:
            # A server's uncompressed frame: a header from the table, one write.
            length = len(payload)
            frame = (_TEXT_HEADERS[length] if length < 126 else _header(0x81, 0, length)) + payload
            if transport.is_closing():
                raise ConnectionResetError("Cannot write to closing transport")
            transport.write(frame)
            self._room -= len(frame)
            return self._room < 0 and self._drain_due(transport)
        return self._write_encoded(payload, WSMsgType.TEXT, compress)

    def write_binary(
        self, payload: bytes | bytearray | memoryview, compress: int | None = None
    ) -> bool:
        """``write_frame(payload, WSMsgType.BINARY, compress)``."""
        transport = self._transport
        if self._plain and payload.__class__ is bytes and transport is not None:
            length = len(payload)
            frame = (
                _BINARY_HEADERS[length] if length < 126 else _header(0x82, 0, length)
            ) + payload
            if transport.is_closing():
                raise ConnectionResetError("Cannot write to closing transport")
            transport.write(frame)
            self._room -= len(frame)
            return self._room < 0 and self._drain_due(transport)
        return self._write_encoded(payload, WSMsgType.BINARY, compress)

    def _write_encoded(
        self, message: bytes | bytearray | memoryview, opcode: int, compress: int | None
    ) -> bool:
        """Any frame, through the encoder (which refuses what may not be sent)."""
        frame = self._encoder.encode(message, opcode, compress)
        if self._encoder.closed:
            self._plain = False  # the close frame is out: the encoder refuses the rest
        return self._write(frame)

    def _write(self, frame: bytes) -> bool:
        transport = self._transport
        if transport is None:
            transport = self._transport = self.protocol.transport
            if transport is None:
                raise ConnectionResetError("Cannot write to closing transport")
        if transport.is_closing():
            raise ConnectionResetError("Cannot write to closing transport")
        transport.write(frame)
        self._room -= len(frame)
        if self._room >= 0:
            return False
        return self._drain_due(transport)

    def _drain_due(self, transport: asyncio.Transport) -> bool:
        """Past the limit: start counting again, and drain if the transport holds bytes."""
        self._room = self._limit
        try:
            return transport.get_write_buffer_size() > 0
        except (AttributeError, NotImplementedError):  # cannot tell: drain to be safe
            return True

    async def drain(self) -> None:
        """Wait while the transport's buffer is above its high-water mark."""
        await self.protocol.writer_drain()

    async def send_frame(
        self, message: bytes | bytearray | memoryview, opcode: int, compress: int | None = None
    ) -> None:
        """Send one message as one frame (see :meth:`WebSocketFrameEncoder.encode`)."""
        if self.write_frame(message, opcode, compress):
            await self.protocol.writer_drain()

    async def ping(self, message: bytes | bytearray | memoryview = b"") -> None:
        if self.write_frame(message, WSMsgType.PING):
            await self.protocol.writer_drain()

    async def pong(self, message: bytes | bytearray | memoryview = b"") -> None:
        if self.write_frame(message, WSMsgType.PONG):
            await self.protocol.writer_drain()

    async def close(self, code: int = WSCloseCode.OK, message: bytes | str = b"") -> None:
        """Send the close frame; nothing can be sent after it."""
        frame = self._encoder.close(code, message)
        self._plain = False
        if self._write(frame):
            await self.protocol.writer_drain()

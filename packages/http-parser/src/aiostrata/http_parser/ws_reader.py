"""The WebSocket frame reader: bytes in, :class:`WSMessage` values out (RFC 6455 5, RFC 7692 6).

Sans-IO like the HTTP parser: the connection feeds whatever it received, in any split, and
gets back the complete messages (control frames at once, data messages when their last
fragment arrives). Every size is decided from the frame header *before* the payload is
buffered, and compressed payloads are inflated under the same budget, so neither a large
declared length nor a decompression bomb can make the reader hold more than about
``max_msg_size`` bytes.

On a protocol violation the reader returns one ``WSMessage(WSMsgType.ERROR,
WebSocketError(code, ...), None)`` and parses nothing more; after a close frame it also
stops (RFC 6455 5.5.1: nothing may follow it).
"""

from __future__ import annotations

import codecs
import io
from typing import Final

from .ws_deflate import MessageInflater
from .ws_extensions import DeflateParams
from .ws_masking import MASKING_ACCELERATED, apply_mask
from .ws_protocol import WebSocketError, WSCloseCode, WSMessage, WSMsgType, is_valid_close_code

__all__ = ("WebSocketReader",)

_DATA_OPCODES: Final = frozenset({WSMsgType.TEXT, WSMsgType.BINARY})
_CONTROL_OPCODES: Final = frozenset({WSMsgType.CLOSE, WSMsgType.PING, WSMsgType.PONG})
_KNOWN_OPCODES: Final = _DATA_OPCODES | _CONTROL_OPCODES | {WSMsgType.CONTINUATION}
_MAX_CONTROL_PAYLOAD: Final = 125
_MAX_HEADER: Final = 14  # 2 bytes, a 64-bit length, a masking key
_OPCODES: Final = {int(opcode): opcode for opcode in _KNOWN_OPCODES}
DEFAULT_MAX_MSG_SIZE: Final = 4 * 1024 * 1024

# WSMessage(...) runs the NamedTuple's Python-level __new__; this builds the same tuple
# without it, for every message the reader returns.
_new_tuple = tuple.__new__
_from_bytes = int.from_bytes

# Unmasking a short payload: with the key as an integer k, the key repeated over n bytes
# is k * _KEY_REPEAT[n] (a 1 every 32 bits, so no carries) cut to n bytes by _LOW_BYTES[n].
_MAX_SHORT: Final = 125
_KEY_REPEAT: Final = tuple(
    _from_bytes(b"\x01\x00\x00\x00" * ((n + 3) // 4), "little") for n in range(_MAX_SHORT + 1)
)
_LOW_BYTES: Final = tuple((1 << (8 * n)) - 1 for n in range(_MAX_SHORT + 1))
# With the C masking (see ws_masking), short payloads go through it too: twice as fast.
_short_mask = apply_mask if MASKING_ACCELERATED else None


def _message(kind: WSMsgType, data: object, extra: str | None) -> WSMessage:
    return _new_tuple(WSMessage, (kind, data, extra))


def _msb_set() -> WebSocketError:
    # RFC 6455 5.2: the most significant bit of a 64-bit length MUST be 0
    return WebSocketError(WSCloseCode.PROTOCOL_ERROR, "Frame length has its MSB set")


def _too_big(limit: int) -> WebSocketError:
    return WebSocketError(WSCloseCode.MESSAGE_TOO_BIG, f"Message exceeds the maximum size {limit}")


def _unmasked(data: bytes | bytearray, start: int, stop: int, mask: bytes | None) -> bytes:
    """``data[start:stop]`` as bytes, unmasked when the frame carried a key."""
    if mask is None:
        if isinstance(data, bytes):
            return data[start:stop]
        with memoryview(data) as view:
            return bytes(view[start:stop])
    if stop - start <= _MAX_SHORT:
        return apply_mask(data[start:stop], mask)
    with memoryview(data) as view:  # no copy of a large payload before unmasking it
        return apply_mask(view[start:stop], mask)


def _deflate_bound(size: int) -> int:
    """The most compressed bytes a ``size``-byte message can honestly need.

    Incompressible data grows a little under DEFLATE (stored blocks add a few bytes per
    block); zlib's own ``deflateBound`` is about this, plus slack for the block headers.
    """
    return size + (size >> 12) + (size >> 14) + 64


class _FrameHeader:
    """The parsed fixed part of one frame, kept while its payload arrives."""

    __slots__ = ("compressed", "fin", "length", "mask", "opcode")

    def __init__(
        self, fin: bool, opcode: WSMsgType, compressed: bool, length: int, mask: bytes | None
    ) -> None:
        self.fin = fin
        self.opcode = opcode
        self.compressed = compressed
        self.length = length
        self.mask = mask


class WebSocketReader:
    """Parses one direction of a WebSocket connection.

    ``is_server`` says which side *reads*: a server requires masked frames, a client
    refuses them (RFC 6455 5.1). ``deflate`` is the negotiated permessage-deflate
    configuration (None: RSV1 is a protocol error). ``max_msg_size`` bounds a whole
    message after decompression (0 means no limit, as in aiohttp).

    Frames are parsed in place from what ``feed_data`` receives, by offset: a payload is
    sliced out once, and only what a read leaves unfinished is kept (the few bytes of a
    split header, or the payload of the frame in progress). An unfragmented,
    uncompressed TEXT or BINARY frame, the usual message, takes a short path; every
    other frame goes through the full checks.
    """

    def __init__(
        self,
        max_msg_size: int = DEFAULT_MAX_MSG_SIZE,
        *,
        is_server: bool = True,
        deflate: DeflateParams | None = None,
    ) -> None:
        self.max_msg_size = max_msg_size
        self.is_server = is_server
        self._mask_bit = 0x80 if is_server else 0
        self._inflater: MessageInflater | None = None
        if deflate is not None:
            inbound = deflate.inbound(is_server=is_server)
            self._inflater = MessageInflater(no_context_takeover=inbound.no_context_takeover)
        # What the last read left unfinished: the first bytes of a header (at most 13),
        # or the header and the payload bytes so far of the frame in progress.
        self._tail = b""
        self._pending: _FrameHeader | None = None
        self._received = bytearray()
        # the data message being assembled from fragments
        self._message_type: WSMsgType | None = None
        self._message_compressed = False
        self._message_size = 0
        self._compressed_size = 0
        # One growing buffer per message, not a list of fragments: a flood of empty or
        # tiny continuation frames must cost nothing beyond the bytes they carry. The
        # first fragment is kept as it came, so a one-frame message is never copied.
        self._binary_parts: bytes | bytearray = b""
        self._text_parts: str | io.StringIO = ""
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self.error: WebSocketError | None = None
        self.close_received = False
        # Whether the next read may take the short path of feed_data: a server reader with
        # nothing pending (no split header, partial payload or fragmented message).
        self._idle = is_server

    @property
    def max_msg_size(self) -> int:
        """The largest message accepted, after decompression; 0: no limit."""
        return self._max_msg_size

    @max_msg_size.setter
    def max_msg_size(self, value: int) -> None:
        if value < 0:
            raise ValueError("max_msg_size must be >= 0 (0: unlimited)")
        self._max_msg_size = value
        # the largest frame the short path of feed_data may take
        self._short_limit = min(_MAX_SHORT, value) if value else _MAX_SHORT

    @property
    def done(self) -> bool:
        """True once an error or a close frame ended the parsing for good."""
        return self.error is not None or self.close_received

    def feed_data(self, data: bytes | bytearray | memoryview) -> list[WSMessage]:
        """Parse what arrived; return the messages completed by it, in order."""
        if self._idle and data.__class__ is bytes:
            # The usual read on a server: exactly one whole masked TEXT or BINARY frame of
            # at most 125 bytes (within the size limit), nothing pending. Checked and
            # decoded here with as few operations as possible; anything else (including
            # every error) takes the general path below.
            length = len(data) - 6
            if 0 <= length <= self._short_limit and data[1] == 0x80 | length:
                first = data[0]
                if first == 0x81 or first == 0x82:
                    payload = b""
                    if length and _short_mask is not None:
                        payload = _short_mask(data[6:], data[2:6])
                    elif length:
                        # the masking key and the payload in one integer, key in the low bits
                        keyed = _from_bytes(data[2:], "little")
                        unmasked = (keyed >> 32) ^ ((keyed & 0xFFFFFFFF) * _KEY_REPEAT[length])
                        if length & 3:  # the repeated key overshoots: cut it to the payload
                            unmasked &= _LOW_BYTES[length]
                        payload = unmasked.to_bytes(length, "little")
                    if first == 0x82:
                        return [_new_tuple(WSMessage, (WSMsgType.BINARY, payload, ""))]
                    try:
                        text = payload.decode("utf-8")
                    except UnicodeDecodeError:
                        pass  # the general path reports it
                    else:
                        return [_new_tuple(WSMessage, (WSMsgType.TEXT, text, ""))]
            elif length >= 128 and data[1] == 0xFE:
                message = self._whole_16_bit_frame(data)
                if message is not None:
                    return [message]
        if self.error is not None or self.close_received:
            return []
        if not isinstance(data, bytes):
            data = bytes(data)
        messages: list[WSMessage] = []
        try:
            position = 0
            if self._tail or self._pending is not None:
                position = self._resume(data, messages)
            if 0 <= position < len(data) and not self.close_received:
                self._parse(data, position, messages)
        except WebSocketError as exc:
            self.error = exc
            self._tail = b""
            self._pending = None
            self._received = bytearray()
            self._reset_buffers()
            messages.append(_message(WSMsgType.ERROR, exc, None))
        self._idle = self.is_server and not (
            self._tail
            or self._pending is not None
            or self._message_type is not None
            or self.error is not None
            or self.close_received
        )
        return messages

    def _whole_16_bit_frame(self, data: bytes) -> WSMessage | None:
        """The short path for a read that is one whole masked TEXT or BINARY frame of 126
        to 65535 bytes (a 16-bit length): its message, or None for the general path."""
        length = len(data) - 8
        first = data[0]
        if (
            (first == 0x81 or first == 0x82)
            and (data[2] << 8) | data[3] == length
            and (length <= self._max_msg_size or not self._max_msg_size)
        ):
            with memoryview(data) as view:
                payload = apply_mask(view[8:], data[4:8])
            if first == 0x82:
                return _new_tuple(WSMessage, (WSMsgType.BINARY, payload, ""))
            try:
                return _new_tuple(WSMessage, (WSMsgType.TEXT, payload.decode("utf-8"), ""))
            except UnicodeDecodeError:
                return None  # the general path reports it
        return None

    # -- framing -------------------------------------------------------------------------------

    def _parse(self, data: bytes, position: int, messages: list[WSMessage]) -> None:
        """Parse the frames in ``data`` from ``position``; keep what is left unfinished."""
        end = len(data)
        mask_bit = self._mask_bit
        limit = self.max_msg_size
        append = messages.append
        while position < end:
            if end - position < 2:
                self._tail = data[position:]
                return
            first = data[position]
            second = data[position + 1]
            if (
                (first == 0x81 or first == 0x82)
                and second & 0x80 == mask_bit
                and self._message_type is None
            ):
                # The usual frame: a whole TEXT or BINARY message, uncompressed. What is
                # left to check depends on the length alone.
                length = second & 0x7F
                start = position + 2
                if length == 126:
                    start += 2
                    if start > end:
                        self._tail = data[position:]
                        return
                    length = (data[position + 2] << 8) | data[position + 3]
                elif length == 127:
                    start += 8
                    if start > end:
                        self._tail = data[position:]
                        return
                    length = _from_bytes(data[position + 2 : start], "big")
                    if length >> 63:
                        raise _msb_set()
                if limit and length > limit:
                    raise _too_big(limit)
                mask = b""
                if mask_bit:
                    if start + 4 > end:
                        self._tail = data[position:]
                        return
                    mask = data[start : start + 4]
                    start += 4
                stop = start + length
                if stop > end:
                    opcode = WSMsgType.TEXT if first == 0x81 else WSMsgType.BINARY
                    header = _FrameHeader(True, opcode, False, length, mask or None)
                    self._await_payload(header, data, start)
                    return
                position = stop
                if not mask_bit:
                    payload = data[start:stop]
                elif length <= _MAX_SHORT:
                    payload = b""
                    if length and _short_mask is not None:
                        payload = _short_mask(data[start:stop], mask)
                    elif length:
                        keyed = _from_bytes(data[start - 4 : stop], "little")
                        unmasked = (keyed >> 32) ^ ((keyed & 0xFFFFFFFF) * _KEY_REPEAT[length])
                        if length & 3:
                            unmasked &= _LOW_BYTES[length]
                        payload = unmasked.to_bytes(length, "little")
                else:
                    with memoryview(data) as view:  # unmasked from the read, not a copy of it
                        payload = apply_mask(view[start:stop], mask)
                if first == 0x81:
                    try:
                        text = payload.decode("utf-8")
                    except UnicodeDecodeError as exc:
                        raise WebSocketError(
                            WSCloseCode.INVALID_TEXT, "Invalid UTF-8 in a text message"
                        ) from exc
                    append(_new_tuple(WSMessage, (WSMsgType.TEXT, text, "")))
                else:
                    append(_new_tuple(WSMessage, (WSMsgType.BINARY, payload, "")))
                continue
            parsed = self._read_header(data, position)
            if parsed is None:
                self._tail = data[position:]
                return
            header, header_size = parsed
            start = position + header_size
            stop = start + header.length
            if stop > end:
                self._await_payload(header, data, start)
                return
            position = stop
            message = self._on_frame(header, _unmasked(data, start, stop, header.mask))
            if message is not None:
                append(message)
                if self.close_received:
                    return

    def _resume(self, data: bytes, messages: list[WSMessage]) -> int:
        """Finish what the last read left: where the next frame starts in ``data``, or -1
        when all of ``data`` went into the unfinished frame."""
        header = self._pending
        if header is not None:
            received = self._received
            missing = header.length - len(received)
            if len(data) < missing:
                received += data
                return -1
            received += memoryview(data)[:missing]
            self._pending = None
            self._received = bytearray()
            message = self._on_frame(header, _unmasked(received, 0, len(received), header.mask))
            if message is not None:
                messages.append(message)
            return missing
        # A split header: complete it from the first bytes of ``data`` (a header is at
        # most 14 bytes), so the rest of ``data`` is never copied to join the two.
        tail = self._tail
        probe = tail + data[:_MAX_HEADER]
        parsed = self._read_header(probe, 0)
        if parsed is None:
            self._tail = probe  # all of data: 14 bytes always complete a header
            return -1
        self._tail = b""
        header, header_size = parsed
        start = header_size - len(tail)
        stop = start + header.length
        if stop > len(data):
            self._await_payload(header, data, start)
            return -1
        message = self._on_frame(header, _unmasked(data, start, stop, header.mask))
        if message is not None:
            messages.append(message)
        return stop

    def _await_payload(self, header: _FrameHeader, data: bytes, start: int) -> None:
        """The header is complete, the payload is not: keep what came of it (its size was
        checked against the limits with the header)."""
        self._pending = header
        self._received = bytearray(memoryview(data)[start:])

    def _read_header(self, buffer: bytes, start: int) -> tuple[_FrameHeader, int] | None:
        """Parse and validate the frame header at ``start``: it and its size, or None if
        it has not fully arrived (errors are raised as soon as the bytes show them)."""
        available = len(buffer) - start
        if available < 2:
            return None
        first, second = buffer[start], buffer[start + 1]
        fin = bool(first & 0x80)
        compressed = bool(first & 0x40)
        masked = bool(second & 0x80)
        opcode = self._check_first_bytes(first, second)
        length = second & 0x7F
        size = 2
        if length == 126:
            if available < 4:
                return None
            length = int.from_bytes(buffer[start + 2 : start + 4], "big")
            size = 4
        elif length == 127:
            if available < 10:
                return None
            length = int.from_bytes(buffer[start + 2 : start + 10], "big")
            if length >> 63:
                raise _msb_set()
            size = 10
        self._check_size(opcode, length, compressed)
        mask = None
        if masked:
            if available < size + 4:
                return None
            mask = bytes(buffer[start + size : start + size + 4])
            size += 4
        return _FrameHeader(fin, opcode, compressed, length, mask), size

    def _check_first_bytes(self, first: int, second: int) -> WSMsgType:
        """Everything decidable from the first two bytes, before any length is believed."""
        raw_opcode = first & 0x0F
        if first & 0x30:
            # RFC 6455 5.2: RSV2/RSV3 need an extension that defines them; none does here
            raise WebSocketError(WSCloseCode.PROTOCOL_ERROR, "RSV2/RSV3 bits set")
        if raw_opcode not in _KNOWN_OPCODES:
            # RFC 6455 5.2: opcodes 0x3-0x7 and 0xB-0xF are reserved
            raise WebSocketError(WSCloseCode.PROTOCOL_ERROR, f"Reserved opcode {raw_opcode:#x}")
        opcode = _OPCODES[raw_opcode]
        if first & 0x40:
            if self._inflater is None:
                raise WebSocketError(WSCloseCode.PROTOCOL_ERROR, "RSV1 set without an extension")
            if opcode not in _DATA_OPCODES:
                # RFC 7692 6.1: RSV1 only on the first frame of a data message
                raise WebSocketError(
                    WSCloseCode.PROTOCOL_ERROR, "RSV1 set on a control or continuation frame"
                )
        if bool(second & 0x80) != self.is_server:
            # RFC 6455 5.1: clients always mask, servers never do
            raise WebSocketError(
                WSCloseCode.PROTOCOL_ERROR,
                "Unmasked frame from a client" if self.is_server else "Masked frame from a server",
            )
        if opcode in _CONTROL_OPCODES:
            # RFC 6455 5.5: control frames are never fragmented and carry at most 125 bytes
            if not first & 0x80:
                raise WebSocketError(WSCloseCode.PROTOCOL_ERROR, "Fragmented control frame")
            if second & 0x7F > _MAX_CONTROL_PAYLOAD:
                raise WebSocketError(
                    WSCloseCode.PROTOCOL_ERROR, "Control frame payload longer than 125 bytes"
                )
        elif opcode is WSMsgType.CONTINUATION:
            if self._message_type is None:
                raise WebSocketError(WSCloseCode.PROTOCOL_ERROR, "Continuation without a start")
        elif self._message_type is not None:
            # RFC 6455 5.4: a fragmented message's frames may only be interleaved with control
            raise WebSocketError(
                WSCloseCode.PROTOCOL_ERROR, "New data frame inside a fragmented message"
            )
        return opcode

    def _check_size(self, opcode: WSMsgType, length: int, compressed: bool) -> None:
        """Refuse a frame whose declared length overflows the message, before buffering it."""
        limit = self.max_msg_size
        if not limit or opcode in _CONTROL_OPCODES:
            return
        if opcode is WSMsgType.CONTINUATION:
            compressed = self._message_compressed
        if compressed:
            too_big = self._compressed_size + length > _deflate_bound(limit)
        else:
            too_big = self._message_size + length > limit
        if too_big:
            raise _too_big(limit)

    # -- messages ------------------------------------------------------------------------------

    def _on_frame(self, header: _FrameHeader, payload: bytes) -> WSMessage | None:
        """One whole frame, unmasked: the message it completes, if any."""
        opcode = header.opcode
        if opcode is WSMsgType.CLOSE:
            self.close_received = True
            return _close_message(payload)
        if opcode is WSMsgType.PING or opcode is WSMsgType.PONG:
            return _message(opcode, payload, "")
        if opcode is not WSMsgType.CONTINUATION:
            self._message_type = opcode
            self._message_compressed = header.compressed
        self._add_fragment(payload, final=header.fin)
        if not header.fin:
            return None
        return self._finish_message()

    def _add_fragment(self, payload: bytes, *, final: bool) -> None:
        if self._message_compressed and self._inflater is not None:
            self._compressed_size += len(payload)
            budget = self.max_msg_size - self._message_size if self.max_msg_size else None
            payload = self._inflater.inflate(payload, final=final, max_output=budget)
        self._message_size += len(payload)
        if self._message_type is WSMsgType.TEXT:
            try:
                # RFC 6455 8.1: fail as soon as the bytes cannot be UTF-8, even mid-message
                text = self._decoder.decode(payload, final)
            except UnicodeDecodeError as exc:
                raise WebSocketError(
                    WSCloseCode.INVALID_TEXT, "Invalid UTF-8 in a text message"
                ) from exc
            if text:
                parts = self._text_parts
                if isinstance(parts, io.StringIO):
                    parts.write(text)
                elif parts:
                    buffer = io.StringIO(parts)
                    buffer.seek(0, io.SEEK_END)
                    buffer.write(text)
                    self._text_parts = buffer
                else:
                    self._text_parts = text
        else:
            if payload:
                if not self._binary_parts:
                    self._binary_parts = payload
                else:
                    if isinstance(self._binary_parts, bytes):
                        self._binary_parts = bytearray(self._binary_parts)
                    self._binary_parts += payload

    def _reset_buffers(self) -> None:
        self._binary_parts = b""
        self._text_parts = ""

    def _finish_message(self) -> WSMessage:
        message_type = self._message_type
        if message_type is WSMsgType.TEXT:
            text = self._text_parts
            message = _message(
                WSMsgType.TEXT, text.getvalue() if isinstance(text, io.StringIO) else text, ""
            )
            self._decoder.reset()
        else:
            message = _message(WSMsgType.BINARY, bytes(self._binary_parts), "")
        self._reset_buffers()
        self._message_type = None
        self._message_compressed = False
        self._message_size = 0
        self._compressed_size = 0
        return message


def _close_message(payload: bytes) -> WSMessage:
    """RFC 6455 5.5.1: an empty body, or a 2-byte code followed by a UTF-8 reason."""
    if not payload:
        return WSMessage(WSMsgType.CLOSE, 0, "")
    if len(payload) == 1:
        raise WebSocketError(WSCloseCode.PROTOCOL_ERROR, "Close frame with a 1-byte payload")
    code = int.from_bytes(payload[:2], "big")
    if not is_valid_close_code(code):
        raise WebSocketError(WSCloseCode.PROTOCOL_ERROR, f"Invalid close code {code}")
    try:
        reason = payload[2:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise WebSocketError(WSCloseCode.INVALID_TEXT, "Invalid UTF-8 in the close reason") from exc
    return WSMessage(WSMsgType.CLOSE, code, reason)

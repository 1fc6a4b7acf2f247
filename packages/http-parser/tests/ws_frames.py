"""Frame-building and feeding helpers for the WebSocket codec tests."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence

from aiostrata.http_parser import (
    DeflateParams,
    WebSocketError,
    WebSocketReader,
    WSMessage,
    WSMsgType,
)

MASK = b"\x37\xfa\x21\x3d"


def raw_frame(
    payload: bytes,
    opcode: int,
    *,
    fin: bool = True,
    rsv: int = 0,
    mask: bytes | None = MASK,
    declared_length: int | None = None,
    length_form: str = "auto",
) -> bytes:
    """A frame built byte by byte, free to break any rule (bad lengths, reserved bits)."""
    first = (0x80 if fin else 0) | (rsv << 4) | opcode
    length = len(payload) if declared_length is None else declared_length
    mask_bit = 0x80 if mask is not None else 0
    if length_form == "auto":
        length_form = "7" if length < 126 else "16" if length < 65536 else "64"
    if length_form == "7":
        header = bytes((first, mask_bit | length))
    elif length_form == "16":
        header = bytes((first, mask_bit | 126)) + length.to_bytes(2, "big")
    else:
        header = bytes((first, mask_bit | 127)) + length.to_bytes(8, "big")
    if mask is None:
        return header + payload
    masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
    return header + mask + masked


def deflate_message(data: bytes, *, wbits: int = 15) -> bytes:
    """A whole message compressed the RFC 7692 7.2.1 way, tail removed."""
    compressor = zlib.compressobj(zlib.Z_BEST_COMPRESSION, zlib.DEFLATED, -wbits)
    compressed = compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)
    assert compressed.endswith(b"\x00\x00\xff\xff")
    return compressed[:-4]


def server_reader(max_msg_size: int = 1 << 20, *, deflate: bool = False) -> WebSocketReader:
    return WebSocketReader(
        max_msg_size, is_server=True, deflate=DeflateParams() if deflate else None
    )


def feed_split(reader: WebSocketReader, data: bytes, cuts: Iterable[int]) -> list[WSMessage]:
    """Feed ``data`` cut at the given offsets (any order, duplicates allowed)."""
    messages: list[WSMessage] = []
    start = 0
    for cut in sorted({c for c in cuts if 0 < c < len(data)}):
        messages += reader.feed_data(data[start:cut])
        start = cut
    messages += reader.feed_data(data[start:])
    return messages


def feed_bytewise(reader: WebSocketReader, data: bytes) -> list[WSMessage]:
    messages: list[WSMessage] = []
    for index in range(len(data)):
        messages += reader.feed_data(data[index : index + 1])
    return messages


def only_error(messages: Sequence[WSMessage]) -> WebSocketError:
    """The single ERROR result the reader ends with."""
    assert messages, "expected an error result"
    last = messages[-1]
    assert last.type is WSMsgType.ERROR, messages
    assert [m for m in messages if m.type is WSMsgType.ERROR] == [last]
    assert isinstance(last.data, WebSocketError)
    return last.data

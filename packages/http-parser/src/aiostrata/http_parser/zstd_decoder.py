"""The ``zstd`` content coding (RFC 8878), through the optional ``zstandard`` extra.

``zstandard``'s streaming decompressor has no output bound per call, so this
module bounds its input instead, at the one place where that bounds the output:
a small walker reads the frame and block headers (RFC 8878 3.1.1) and hands the
decompressor at most one block per call. A block decodes to at most
Block_Maximum_Size (128 KiB, RFC 8878 3.1.1.2.4), so no step yields more,
whatever the ratio. Windows above 8 MiB are refused (RFC 9659 3: the most a
``zstd`` content coding may use), which also caps the decoder's own memory.
"""

from __future__ import annotations

import functools
from types import ModuleType
from typing import Any, Final

from .content_decoder import ContentDecoder
from .errors import ContentEncodingError

__all__ = ("ZstdDecoder", "load_zstandard")

_FRAME_MAGIC: Final = 0xFD2FB528  # RFC 8878 3.1.1
_SKIPPABLE_MAGIC_BASE: Final = 0x184D2A50  # RFC 8878 3.1.2: 0x184D2A50..0x184D2A5F
_MAX_BLOCK_SIZE: Final = 128 * 1024  # RFC 8878 3.1.1.2.4
_MAX_WINDOW_SIZE: Final = 8 * 1024 * 1024  # RFC 9659 3
_RLE_BLOCK: Final = 1
_RESERVED_BLOCK: Final = 3

# Walker states: what the next bytes are.
_FRAME_START, _FRAME_HEADER, _BLOCK_HEADER, _BLOCK_BODY, _CHECKSUM, _SKIP = range(6)


@functools.cache
def load_zstandard() -> ModuleType | None:
    """The ``zstandard`` module if installed, else None."""
    try:
        import zstandard
    except ImportError:
        return None
    return zstandard


class _Piece:
    """A run of input for the decompressor; ``ends_frame`` when it completes a frame."""

    __slots__ = ("data", "ends_frame", "starts_frame")

    def __init__(self, data: bytes, *, starts_frame: bool = False, ends_frame: bool = False):
        self.data = data
        self.starts_frame = starts_frame
        self.ends_frame = ends_frame


class _BlockWalker:
    """Cuts a zstd byte stream at frame and block boundaries (RFC 8878 3.1)."""

    __slots__ = ("_buffer", "_checksum", "_header_size", "_last_block", "_remaining", "_state")

    def __init__(self) -> None:
        self._buffer = b""
        self._state = _FRAME_START
        self._header_size = 0
        self._remaining = 0  # bytes left in the current block body or skippable frame
        self._last_block = False
        self._checksum = False

    def feed(self, data: bytes) -> None:
        self._buffer = self._buffer + data if self._buffer else data

    def at_frame_boundary(self) -> bool:
        return self._state == _FRAME_START and not self._buffer

    def next_piece(self) -> _Piece | None:
        """The next run for the decompressor, or None when more input is needed."""
        while True:
            state = self._state
            if state == _FRAME_START:
                if not self._start_frame():
                    return None
            elif state == _FRAME_HEADER:
                header = self._take_exactly(self._header_size)
                if header is None:
                    return None
                self._state = _BLOCK_HEADER
                return _Piece(header, starts_frame=True)
            elif state == _BLOCK_HEADER:
                return self._block_header()
            elif state == _BLOCK_BODY:
                if not self._buffer:
                    return None
                data = self._take_up_to(self._remaining)
                self._remaining -= len(data)
                ends = False
                if not self._remaining:
                    ends = self._end_of_block()
                return _Piece(data, ends_frame=ends)
            elif state == _CHECKSUM:
                checksum = self._take_exactly(4)  # RFC 8878 3.1.1: Content_Checksum
                if checksum is None:
                    return None
                self._state = _FRAME_START
                return _Piece(checksum, ends_frame=True)
            else:  # _SKIP: a skippable frame's content is not for the decoder
                if not self._buffer:
                    return None
                self._remaining -= len(self._take_up_to(self._remaining))
                if not self._remaining:
                    self._state = _FRAME_START

    def _start_frame(self) -> bool:
        if len(self._buffer) < 4:
            return False
        magic = int.from_bytes(self._buffer[:4], "little")
        if magic == _FRAME_MAGIC:
            if len(self._buffer) < 5:
                return False
            self._header_size = _frame_header_size(self._buffer[4])
            self._checksum = bool(self._buffer[4] & 0x04)  # Content_Checksum_flag
            self._state = _FRAME_HEADER
            return True
        if magic & 0xFFFFFFF0 == _SKIPPABLE_MAGIC_BASE:
            header = self._take_exactly(8)
            if header is None:
                return False
            self._remaining = int.from_bytes(header[4:], "little")
            self._state = _SKIP if self._remaining else _FRAME_START
            return True
        raise ContentEncodingError("Corrupt zstd body: not a zstd frame")

    def _block_header(self) -> _Piece | None:
        header = self._take_exactly(3)  # RFC 8878 3.1.1.2.1
        if header is None:
            return None
        fields = int.from_bytes(header, "little")
        self._last_block = bool(fields & 1)
        block_type = (fields >> 1) & 3
        block_size = fields >> 3
        if block_type == _RESERVED_BLOCK or block_size > _MAX_BLOCK_SIZE:
            raise ContentEncodingError("Corrupt zstd body: invalid block header")
        self._remaining = 1 if block_type == _RLE_BLOCK else block_size
        if self._remaining:
            self._state = _BLOCK_BODY
            return _Piece(header)
        return _Piece(header, ends_frame=self._end_of_block())

    def _end_of_block(self) -> bool:
        """Move past a finished block; True when that also finished the frame."""
        if not self._last_block:
            self._state = _BLOCK_HEADER
            return False
        if self._checksum:
            self._state = _CHECKSUM
            return False
        self._state = _FRAME_START
        return True

    def _take_exactly(self, size: int) -> bytes | None:
        if len(self._buffer) < size:
            return None
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def _take_up_to(self, size: int) -> bytes:
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data


def _frame_header_size(descriptor: int) -> int:
    """Magic, descriptor, window, dictionary ID and content size (RFC 8878 3.1.1.1)."""
    content_size_flag = descriptor >> 6
    single_segment = bool(descriptor & 0x20)
    dictionary_id_size = (0, 1, 2, 4)[descriptor & 3]
    content_size_size = (1 if single_segment else 0, 2, 4, 8)[content_size_flag]
    return 5 + (0 if single_segment else 1) + dictionary_id_size + content_size_size


class ZstdDecoder(ContentDecoder):
    """``zstd``: each step decodes at most one block, so yields at most 128 KiB."""

    __slots__ = (
        "_decompressor",
        "_error",
        "_frame",
        "_pending_output",
        "_seen_input",
        "_starved",
        "_walker",
    )
    coding = "zstd"

    def __init__(self, module: ModuleType) -> None:
        self._decompressor: Any = module.ZstdDecompressor(max_window_size=_MAX_WINDOW_SIZE)
        self._error: type[Exception] = module.ZstdError
        self._frame: Any = None
        self._walker = _BlockWalker()
        self._seen_input = False
        self._starved = True  # the walker has no complete piece left
        self._pending_output = b""  # decoded beyond the last step's max_length

    @property
    def needs_input(self) -> bool:
        return self._starved and not self._pending_output

    def decompress(self, data: bytes, max_length: int) -> bytes:
        if data:
            self._seen_input = True
            self._walker.feed(data)
            self._starved = False
        if self._pending_output:
            return self._step_of(self._pending_output, max_length)
        while True:
            piece = self._walker.next_piece()
            if piece is None:
                self._starved = True
                return b""
            if piece.starts_frame:
                self._frame = self._decompressor.decompressobj()
            try:
                output: bytes = self._frame.decompress(piece.data)
            except self._error as exc:
                raise ContentEncodingError(f"Corrupt zstd body: {exc}") from None
            if piece.ends_frame and not self._frame.eof:
                raise ContentEncodingError("Corrupt zstd body: frame shorter than its blocks")
            if output:
                return self._step_of(output, max_length)

    def finish(self) -> None:
        if self._seen_input and not self._walker.at_frame_boundary():
            raise ContentEncodingError("Truncated zstd body")

    def _step_of(self, output: bytes, max_length: int) -> bytes:
        step, self._pending_output = output[:max_length], output[max_length:]
        return step

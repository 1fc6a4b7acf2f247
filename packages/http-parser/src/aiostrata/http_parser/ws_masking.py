"""The XOR masking of client-to-server payloads (RFC 6455 5.3), shared by reader and writer.

Every byte a client sends is unmasked here, so this is worth an accelerator: the C
``apply_mask`` of the ``websockets`` package (``websockets.speedups``), about 30 times
the speed of the pure-Python XOR on a 4 KiB payload and twice on 64 bytes. It is used
when it imports (``pip install aiostrata-http-parser[speedups]``) unless the environment
variable ``AIOSTRATA_NO_EXTENSIONS`` is set, as for the parser backend; both give the
same bytes (the test-suite runs both).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

from .compiled import extensions_disabled

__all__ = ("MASKING_ACCELERATED", "apply_mask", "python_apply_mask", "select_masking")

Masking = Callable[[bytes | bytearray | memoryview, bytes], bytes]

_from_bytes = int.from_bytes
# Payloads above this are XORed a chunk at a time: big-integer conversion slows down once
# the integers outgrow the CPU caches (about 270 MB/s for a whole 1 MiB payload), while
# 16 KiB chunks keep it near 650 MB/s, and the repeated key is converted only once.
_CHUNK: Final = 16384  # a multiple of 4, so every chunk starts at key byte 0


def python_apply_mask(payload: bytes | bytearray | memoryview, key: bytes) -> bytes:
    """XOR ``payload`` with the repeating 4-byte key; masking and unmasking are the same.

    Big-integer XOR over the whole payload (the key repeated to its length) instead of a
    Python loop per byte: it runs at C speed, which matters because every byte a client
    sends goes through here. Always returns a new ``bytes``.
    """
    length = len(payload)
    if not length:
        return b""
    if length <= _CHUNK:
        stream = (key * ((length >> 2) + 1))[:length]
        mixed = _from_bytes(payload, "little") ^ _from_bytes(stream, "little")
        return mixed.to_bytes(length, "little")
    key_stream = _from_bytes(key * (_CHUNK >> 2), "little")
    whole = length - length % _CHUNK
    with memoryview(payload) as view:
        parts = [
            (_from_bytes(view[start : start + _CHUNK], "little") ^ key_stream).to_bytes(
                _CHUNK, "little"
            )
            for start in range(0, whole, _CHUNK)
        ]
        rest = length - whole
        if rest:
            tail = _from_bytes(view[whole:], "little") ^ (key_stream & ((1 << (8 * rest)) - 1))
            parts.append(tail.to_bytes(rest, "little"))
    return b"".join(parts)


def select_masking(environ: Mapping[str, str] | None = None) -> Masking:
    """The C masking of ``websockets.speedups`` if it imports and extensions are not
    disabled, else :func:`python_apply_mask`."""
    if extensions_disabled(environ):
        return python_apply_mask
    try:
        from websockets.speedups import apply_mask as accelerated
    except ImportError:
        return python_apply_mask
    return accelerated


apply_mask: Final[Masking] = select_masking()
"""XOR ``payload`` with the repeating 4-byte ``key`` (the selected implementation)."""
MASKING_ACCELERATED: Final = apply_mask is not python_apply_mask

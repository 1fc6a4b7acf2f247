"""The ``br`` content coding (RFC 7932), through the optional ``brotli`` extra.

``brotli`` (CPython) or ``brotlicffi`` (PyPy) is imported on first use. Only
versions whose ``Decompressor.process`` takes ``output_buffer_limit`` (1.2+)
are used: brotli can expand one input byte into megabytes, so bounding the
input of a step would not bound its output. Without such a version, ``br`` is
an unsupported coding (415).
"""

from __future__ import annotations

import functools
from types import ModuleType
from typing import Any

from .content_decoder import ContentDecoder
from .errors import ContentEncodingError

__all__ = ("BrotliDecoder", "load_brotli")


@functools.cache
def load_brotli() -> ModuleType | None:
    """The installed brotli binding that can bound its output per call, else None."""
    module: ModuleType
    try:
        import brotli  # type: ignore[import-untyped, import-not-found, unused-ignore]

        module = brotli
    except ImportError:
        try:
            import brotlicffi  # type: ignore[import-untyped, import-not-found, unused-ignore]

            module = brotlicffi
        except ImportError:
            return None
    if not hasattr(module.Decompressor, "can_accept_more_data"):
        return None  # older than 1.2: process() has no output_buffer_limit
    return module


class BrotliDecoder(ContentDecoder):
    """``br``: each step yields at most about ``max_length`` bytes.

    The CPython binding grows its output buffer in blocks of ~32 KiB and stops
    growing once past the limit, so a step yields at most ``max_length`` plus
    one such block. Its ``can_accept_more_data()`` reports True while input it
    copied is still undecoded (brotli 1.2.1), so this decoder asks for new
    input only after a step produced nothing: then everything fed was decoded.
    """

    __slots__ = ("_decoder", "_drained", "_error", "_seen_input")
    coding = "br"

    def __init__(self, module: ModuleType) -> None:
        self._decoder: Any = module.Decompressor()
        self._error: type[Exception] = module.error
        self._drained = True
        self._seen_input = False

    @property
    def needs_input(self) -> bool:
        return self._drained

    def decompress(self, data: bytes, max_length: int) -> bytes:
        if data:
            self._seen_input = True
            if self._decoder.is_finished():
                raise ContentEncodingError("Data after the end of the br body")
        elif self._drained:
            return b""
        try:
            output: bytes = self._decoder.process(data, output_buffer_limit=max_length)
        except self._error as exc:
            raise ContentEncodingError(f"Corrupt br body: {exc}") from None
        self._drained = not output
        return output

    def finish(self) -> None:
        if self._seen_input and not self._decoder.is_finished():
            raise ContentEncodingError("Truncated br body")

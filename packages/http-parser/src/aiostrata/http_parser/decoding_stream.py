"""A request body stream that decodes its Content-Encoding lazily, in bounded steps.

:class:`DecodingStreamReader` reads like any :class:`StreamReader`, but nothing
feeds it: whenever a reader would wait for data, it pulls one step instead,
reading compressed bytes from the raw stream under it and decoding at most
about ``step_size`` bytes. So decoded data exists only as fast as the handler
consumes it, a "zip bomb" costs memory for one step at a time, and the total is
capped by ``max_decompressed_size`` (413 beyond it). The raw stream keeps its
own back-pressure on the socket. A body nobody reads is never decoded: to
discard it, drain :attr:`DecodingStreamReader.raw`, the compressed bytes.
"""

from __future__ import annotations

import asyncio
from typing import Final

from .content_decoder import ContentDecoder
from .errors import ContentEncodingError, HttpProcessingError, PayloadTooLarge, as_payload_error
from .streams import DEFAULT_LIMIT, StreamReader

__all__ = ("DEFAULT_MAX_DECOMPRESSED_SIZE", "DecodingStreamReader")

DEFAULT_MAX_DECOMPRESSED_SIZE: Final = 64 * 2**20
DEFAULT_STEP_SIZE: Final = 2**16


class DecodingStreamReader(StreamReader):
    """The decoded view of a compressed body stream, produced on demand."""

    def __init__(
        self,
        raw: StreamReader,
        decoder: ContentDecoder,
        *,
        max_decompressed_size: int = DEFAULT_MAX_DECOMPRESSED_SIZE,
        step_size: int = DEFAULT_STEP_SIZE,
        limit: int = DEFAULT_LIMIT,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        if max_decompressed_size <= 0 or step_size <= 0:
            raise ValueError("max_decompressed_size and step_size must be positive")
        super().__init__(None, limit, loop=loop)
        self._raw = raw
        self._decoder = decoder
        self._max_decompressed_size = max_decompressed_size
        self._step_size = step_size
        self._pulling = False

    @property
    def raw(self) -> StreamReader:
        """The compressed stream being decoded (drain this to discard the body)."""
        return self._raw

    @property
    def coding(self) -> str:
        """The content coding being undone (``"gzip"``, ``"br"``...)."""
        return self._decoder.coding

    async def wait_eof(self) -> None:
        """Wait until the whole compressed body has arrived (decoding nothing)."""
        if not self._eof:
            await self._raw.wait_eof()

    async def _wait(self, func_name: str) -> None:
        """Every reading method blocks here: decode one step instead of waiting for a feeder."""
        if self._pulling:
            raise RuntimeError(
                f"{func_name}() called while another coroutine is already waiting for data"
            )
        self._pulling = True
        try:
            await self._decode_step()
        except asyncio.CancelledError:
            raise
        except HttpProcessingError as exc:
            # aiohttp's handlers catch RequestPayloadError for a body that breaks midway.
            failure = as_payload_error(exc)
            # Remember the failure: every later read raises it too, as a fed stream's would.
            if self._exception is None:
                self.set_exception(failure)
            if failure is exc:
                raise
            raise failure from exc
        except Exception as exc:
            if self._exception is None:
                self.set_exception(exc)
            raise
        finally:
            self._pulling = False
        self._raise_pending()

    async def _decode_step(self) -> None:
        """Add at most one step of decoded bytes, or mark the end, or raise."""
        decoder = self._decoder
        while True:
            if decoder.needs_input:
                compressed = await self._raw.readany()
                if not compressed:
                    decoder.finish()
                    self.feed_eof()
                    return
                produced = decoder.decompress(compressed, self._step_size)
            else:
                produced = decoder.decompress(b"", self._step_size)
                if not produced and not decoder.needs_input:
                    # A decoder that neither yields nor asks for input would spin forever.
                    raise ContentEncodingError(f"Corrupt {decoder.coding} body: no progress")
            if produced:
                self._deliver(produced)
                return

    def _deliver(self, produced: bytes) -> None:
        if self.total_bytes + len(produced) > self._max_decompressed_size:
            raise PayloadTooLarge(f"Decompressed body exceeds {self._max_decompressed_size} bytes")
        self.feed_data(produced)

"""Compressors for the content-decoding tests: what a client would send for each coding."""

from __future__ import annotations

import asyncio
import functools
import itertools
import zlib
from collections.abc import Callable, Iterable, Iterator

import pytest

from aiostrata.http_parser import StreamReader, supported_content_codings

ONE_MIB = 2**20

try:
    import brotli  # type: ignore[import-untyped, import-not-found, unused-ignore]
except ImportError:  # pragma: no cover - CI installs the br extra
    brotli = None
try:
    import zstandard
except ImportError:  # pragma: no cover - CI installs the zstd extra
    zstandard = None  # type: ignore[assignment, unused-ignore]


def _zlib_compress(wbits: int) -> Callable[[bytes], bytes]:
    def compress(data: bytes) -> bytes:
        compressor = zlib.compressobj(6, zlib.DEFLATED, wbits)
        return compressor.compress(data) + compressor.flush()

    return compress


def _brotli_compress(data: bytes) -> bytes:
    return bytes(brotli.compress(data, quality=4))


def _zstd_compress(data: bytes) -> bytes:
    return zstandard.ZstdCompressor(level=3).compress(data)


#: Content-Encoding value -> a compressor producing what that value announces.
COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": _zlib_compress(31),
    "x-gzip": _zlib_compress(31),
    "deflate": _zlib_compress(15),
    "br": _brotli_compress,
    "zstd": _zstd_compress,
}
RAW_DEFLATE = _zlib_compress(-15)
CODINGS = tuple(COMPRESSORS)


def require(coding: str) -> None:
    """Skip the test when the optional extra for ``coding`` is not installed."""
    base = "gzip" if coding == "x-gzip" else coding
    if base not in supported_content_codings():
        pytest.skip(f"the {coding} extra is not installed")


def zero_bomb(coding: str, size: int) -> list[bytes]:
    """``size`` zero bytes compressed with ``coding``, as the compressed chunks, streamed."""
    require(coding)
    return list(_zero_bomb(coding, size))


@functools.cache
def _zero_bomb(coding: str, size: int) -> tuple[bytes, ...]:
    zeros = bytes(ONE_MIB)
    chunks: list[bytes] = []
    steps = range(size // ONE_MIB)
    if coding in ("gzip", "deflate"):
        zlib_compressor = zlib.compressobj(9, zlib.DEFLATED, 31 if coding == "gzip" else 15)
        chunks.extend(zlib_compressor.compress(zeros) for _ in steps)
        chunks.append(zlib_compressor.flush())
    elif coding == "br":
        brotli_compressor = brotli.Compressor(quality=1)
        chunks.extend(brotli_compressor.process(zeros) for _ in steps)
        chunks.append(brotli_compressor.finish())
    else:
        zstd_compressor = zstandard.ZstdCompressor(level=1).compressobj()
        chunks.extend(zstd_compressor.compress(zeros) for _ in steps)
        chunks.append(zstd_compressor.flush())
    return tuple(chunk for chunk in chunks if chunk)


def split_at(data: bytes, cuts: Iterable[int]) -> list[bytes]:
    """``data`` cut at the given offsets (taken modulo its length, deduplicated)."""
    points = sorted({cut % (len(data) + 1) for cut in cuts} | {0, len(data)})
    return [data[a:b] for a, b in itertools.pairwise(points) if b > a]


def fed_stream(chunks: Iterable[bytes], *, eof: bool = True) -> StreamReader:
    """A raw body stream already holding ``chunks`` (and its end, unless ``eof`` is False)."""
    stream = StreamReader(limit=2**16)
    for chunk in chunks:
        stream.feed_data(chunk)
    if eof:
        stream.feed_eof()
    return stream


class SocketLikeFeeder:
    """Feeds a raw stream the way a connection does: pauses when the stream asks it to."""

    def __init__(self) -> None:
        self._resumed = asyncio.Event()
        self._resumed.set()
        self.pauses = 0

    def pause_reading(self) -> None:
        self.pauses += 1
        self._resumed.clear()

    def resume_reading(self) -> None:
        self._resumed.set()

    async def feed(self, stream: StreamReader, chunks: Iterator[bytes]) -> None:
        for chunk in chunks:
            await self._resumed.wait()
            stream.feed_data(chunk)
            await asyncio.sleep(0)
        stream.feed_eof()

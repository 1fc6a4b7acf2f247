"""Compressed request bodies as clients send them, for the compressed-upload tests."""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Callable

import pytest

from aiostrata.http_parser import supported_content_codings

ONE_MIB = 2**20

try:
    import brotli  # type: ignore[import-untyped, import-not-found, unused-ignore]
except ImportError:  # pragma: no cover - CI installs the br extra
    brotli = None
try:
    import zstandard
except ImportError:  # pragma: no cover - CI installs the zstd extra
    zstandard = None  # type: ignore[assignment, unused-ignore]


def _zlib(wbits: int) -> Callable[[bytes], bytes]:
    def compress(data: bytes) -> bytes:
        compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
        return compressor.compress(data) + compressor.flush()

    return compress


def _brotli(data: bytes) -> bytes:
    return bytes(brotli.compress(data, quality=5))


def _zstd(data: bytes) -> bytes:
    return zstandard.ZstdCompressor(level=3).compress(data)


COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": _zlib(31),
    "x-gzip": _zlib(31),
    "deflate": _zlib(15),
    "br": _brotli,
    "zstd": _zstd,
}


def compress(coding: str, data: bytes) -> bytes:
    """``data`` as a client sends it with ``Content-Encoding: coding`` (skips without the extra)."""
    base = "gzip" if coding == "x-gzip" else coding
    if base not in supported_content_codings():
        pytest.skip(f"the {coding} extra is not installed")
    return COMPRESSORS[coding](data)


def post(path: str, body: bytes, *headers: str) -> bytes:
    """A POST with a Content-Length body and extra header lines."""
    lines = [f"POST {path} HTTP/1.1", "Host: t", f"Content-Length: {len(body)}", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def exchange_tolerating_reset(port: int, data: bytes, *, timeout: float = 10.0) -> bytes:
    """Send ``data``; return what the server sent before it closed (or reset) the connection.

    A server that answers before reading a whole body closes with unread bytes, which the
    kernel turns into a reset: the answer it sent first is still what the client received.
    """
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    received = bytearray()
    try:
        writer.write(data)
        while True:
            try:
                block = await asyncio.wait_for(reader.read(2**16), timeout)
            except (ConnectionResetError, BrokenPipeError):
                break
            if not block:
                break
            received.extend(block)
    finally:
        writer.close()
    return bytes(received)

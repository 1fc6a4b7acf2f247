"""release() discards a compressed body as it came, never inflating it."""

from __future__ import annotations

import asyncio
import zlib

from requests_from_bytes import make_request

from aiostrata.http_parser import DecodingStreamReader, StreamReader, content_decoder_for
from aiostrata.web_request import BaseRequest


def gzip_of_zeros(size: int) -> bytes:
    compressor = zlib.compressobj(wbits=16 + zlib.MAX_WBITS)
    block = bytes(2**20)
    parts = [compressor.compress(block) for _ in range(size // len(block))]
    parts.append(compressor.flush())
    return b"".join(parts)


async def test_release_drains_the_raw_stream_without_decoding() -> None:
    compressed = gzip_of_zeros(256 * 2**20)
    raw = StreamReader(None, 2**16, loop=asyncio.get_running_loop())
    raw.feed_data(compressed)
    raw.feed_eof()
    decoding = DecodingStreamReader(raw, content_decoder_for("gzip"), max_decompressed_size=2**20)
    base = make_request(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")
    request = BaseRequest(
        base._message,
        decoding,
        base.protocol,
        base.writer,
        None,
        asyncio.get_running_loop(),
    )
    await request.release()
    assert raw.at_eof()
    assert decoding.total_bytes == 0  # nothing was inflated

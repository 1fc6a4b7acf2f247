"""Request bodies are decoded from their Content-Encoding lazily, in bounded steps, capped."""

from __future__ import annotations

import asyncio
import gc
import tracemalloc
import zlib

import pytest
from decoding_codecs import (
    CODINGS,
    COMPRESSORS,
    ONE_MIB,
    RAW_DEFLATE,
    SocketLikeFeeder,
    fed_stream,
    require,
    split_at,
    zero_bomb,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiostrata.http_parser import (
    ContentDecoder,
    ContentEncodingError,
    DecodingStreamReader,
    HttpProcessingError,
    HttpRequestParser,
    PayloadTooLarge,
    RequestHead,
    StreamReader,
    UnsupportedContentEncoding,
    content_decoder_for,
    supported_content_codings,
)

TEXT = b"".join(b"line %d of a compressible request body\n" % i for i in range(3000))


def decoding(
    coding: str,
    chunks: list[bytes],
    *,
    max_decompressed_size: int = 64 * ONE_MIB,
    step_size: int = 2**16,
) -> DecodingStreamReader:
    return DecodingStreamReader(
        fed_stream(chunks),
        content_decoder_for(coding),
        max_decompressed_size=max_decompressed_size,
        step_size=step_size,
    )


async def read_all_with(stream: StreamReader, method: str) -> bytes:
    if method == "read":
        return await stream.read()
    if method == "readany":
        parts = []
        while block := await stream.readany():
            parts.append(block)
        return b"".join(parts)
    if method == "readline":
        parts = []
        while line := await stream.readline():
            parts.append(line)
        return b"".join(parts)
    if method == "iter_chunked":
        return b"".join([chunk async for chunk in stream.iter_chunked(1000)])
    assert method == "read_n"
    parts = []
    while block := await stream.read(777):
        assert len(block) <= 777
        parts.append(block)
    return b"".join(parts)


async def drain(stream: StreamReader) -> None:
    while await stream.readany():
        pass


READ_METHODS = ("read", "readany", "readline", "iter_chunked", "read_n")


# -- choosing a decoder --------------------------------------------------------------------


def test_the_stdlib_codings_are_always_supported() -> None:
    assert {"gzip", "deflate"} <= set(supported_content_codings())


@pytest.mark.parametrize("value", ["gzip", "GZip", " gzip ", "x-gzip", "deflate", "identity, gzip"])
def test_known_codings_get_a_decoder_case_insensitively(value: str) -> None:
    assert isinstance(content_decoder_for(value), ContentDecoder)


@pytest.mark.parametrize("value", ["identity", "", "identity, identity"])
def test_identity_alone_decodes_to_the_same_bytes(value: str) -> None:
    decoder = content_decoder_for(value)
    assert decoder.coding == "identity"
    assert decoder.decompress(b"abcdef", 4) == b"abcd"
    assert not decoder.needs_input
    assert decoder.decompress(b"", 4) == b"ef"
    assert decoder.needs_input


@pytest.mark.parametrize(
    "value", ["compress", "aes128gcm", "x-compress", "gzip2", "gz\u0131p", "\x00"]
)
def test_unknown_codings_are_a_415(value: str) -> None:
    with pytest.raises(UnsupportedContentEncoding) as caught:
        content_decoder_for(value)
    assert caught.value.code == 415


@pytest.mark.parametrize("value", ["gzip, br", "gzip, gzip", "deflate,gzip"])
def test_stacked_codings_are_refused_with_415(value: str) -> None:
    with pytest.raises(UnsupportedContentEncoding) as caught:
        content_decoder_for(value)
    assert caught.value.code == 415
    assert "Stacked" in caught.value.message


def test_a_coding_whose_extra_is_missing_is_a_415(monkeypatch: pytest.MonkeyPatch) -> None:
    import aiostrata.http_parser.content_codings as codings

    monkeypatch.setattr(codings, "load_brotli", lambda: None)
    monkeypatch.setattr(codings, "load_zstandard", lambda: None)
    assert codings.supported_content_codings() == ("gzip", "deflate")
    for value in ("br", "zstd"):
        with pytest.raises(UnsupportedContentEncoding):
            content_decoder_for(value)


# -- the parser reports every non-identity coding -----------------------------------------


@pytest.mark.parametrize(
    ("header", "compression"),
    [
        (b"Content-Encoding: gzip\r\n", "gzip"),
        (b"Content-Encoding: BR\r\n", "br"),
        (b"Content-Encoding: compress\r\n", "compress"),
        (b"Content-Encoding: gzip, br\r\n", "gzip, br"),
        (b"Content-Encoding: gzip\r\nContent-Encoding: zstd\r\n", "gzip, zstd"),
        (b"Content-Encoding: identity\r\n", None),
        (b"Content-Encoding: identity, deflate\r\n", "deflate"),
        (b"", None),
    ],
)
def test_the_parser_reports_every_non_identity_coding(
    header: bytes, compression: str | None
) -> None:
    head = b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n" + header + b"\r\n"
    events = HttpRequestParser().feed_data(head)
    assert isinstance(events[0], RequestHead)
    assert events[0].message.compression == compression


def test_the_parser_keeps_a_non_ascii_coding_unmatchable() -> None:
    head = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nContent-Encoding: gzİp\r\n\r\n"
    events = HttpRequestParser().feed_data(head.encode("utf-8"))
    assert isinstance(events[0], RequestHead)
    compression = events[0].message.compression
    assert compression is not None
    with pytest.raises(UnsupportedContentEncoding):
        content_decoder_for(compression)


# -- round trips ---------------------------------------------------------------------------


@pytest.mark.parametrize("method", READ_METHODS)
@pytest.mark.parametrize("coding", CODINGS)
async def test_a_compressed_body_reads_back_as_the_original(coding: str, method: str) -> None:
    require(coding)
    compressed = COMPRESSORS[coding](TEXT)
    stream = decoding(coding, split_at(compressed, range(0, len(compressed), 997)))
    assert await read_all_with(stream, method) == TEXT
    assert stream.at_eof()
    assert stream.total_bytes == len(TEXT)
    assert stream.coding == ("x-gzip" if coding == "x-gzip" else coding)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    coding=st.sampled_from(CODINGS),
    body=st.one_of(st.binary(max_size=5000), st.text(max_size=3000).map(str.encode)),
    repeat=st.integers(1, 40),
    cuts=st.lists(st.integers(0, 2**20), max_size=12),
    method=st.sampled_from(READ_METHODS),
    step_size=st.sampled_from([1, 7, 4096, 2**16]),
)
def test_any_body_split_anywhere_round_trips(
    coding: str, body: bytes, repeat: int, cuts: list[int], method: str, step_size: int
) -> None:
    if coding not in ("gzip", "x-gzip", "deflate") and coding not in supported_content_codings():
        return  # the extra is missing; the parametrized tests above report the skip
    original = body * repeat
    chunks = split_at(COMPRESSORS[coding](original), cuts)

    async def check() -> None:
        stream = decoding(coding, chunks, step_size=step_size)
        assert await read_all_with(stream, method) == original

    asyncio.run(check())


@settings(max_examples=30, deadline=None)
@given(body=st.binary(max_size=3000), cuts=st.lists(st.integers(0, 4000), max_size=6))
def test_raw_deflate_without_the_zlib_wrapper_is_tolerated(body: bytes, cuts: list[int]) -> None:
    chunks = split_at(RAW_DEFLATE(body), cuts)

    async def check() -> None:
        assert await decoding("deflate", chunks).read() == body

    asyncio.run(check())


async def test_concatenated_gzip_members_are_one_body() -> None:
    compressed = COMPRESSORS["gzip"](b"first ") + COMPRESSORS["gzip"](b"second")
    assert await decoding("gzip", [compressed]).read() == b"first second"


@pytest.mark.parametrize("coding", ["zstd"])
async def test_concatenated_zstd_frames_and_skippable_frames_are_one_body(coding: str) -> None:
    require(coding)
    skippable = (0x184D2A53).to_bytes(4, "little") + (5).to_bytes(4, "little") + b"12345"
    compressed = COMPRESSORS[coding](b"first ") + skippable + COMPRESSORS[coding](b"second")
    chunks = split_at(compressed, range(0, len(compressed), 3))
    assert await decoding(coding, chunks).read() == b"first second"


@pytest.mark.parametrize("coding", CODINGS)
async def test_an_empty_compressed_body_is_an_empty_body(coding: str) -> None:
    require(coding)
    assert await decoding(coding, []).read() == b""
    assert await decoding(coding, [COMPRESSORS[coding](b"")]).read() == b""


# -- bounded steps and the cap ------------------------------------------------------------


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br", "zstd"])
async def test_each_step_decodes_a_bounded_amount(coding: str) -> None:
    require(coding)
    stream = decoding(coding, zero_bomb(coding, 8 * ONE_MIB))
    # zstd decodes one block (128 KiB) per step; brotli may overshoot by one 32 KiB buffer.
    bound = 2**17 if coding == "zstd" else 2**16 + 2**15
    sizes = []
    while block := await stream.readany():
        sizes.append(len(block))
    assert sum(sizes) == 8 * ONE_MIB
    assert max(sizes) <= bound


async def test_decoding_happens_only_when_the_reader_asks() -> None:
    raw = fed_stream(zero_bomb("gzip", 4 * ONE_MIB))
    stream = DecodingStreamReader(raw, content_decoder_for("gzip"))
    await asyncio.sleep(0)
    assert stream.total_bytes == 0
    assert len(await stream.readany()) <= 2**16
    assert 0 < stream.total_bytes <= 2**16
    await asyncio.sleep(0)
    assert stream.total_bytes <= 2**16  # nothing more is decoded until asked
    assert len(await stream.readany()) <= 2**16
    assert stream.total_bytes <= 2**17


@pytest.mark.slow  # ~8 s each for gzip and deflate
@pytest.mark.parametrize("coding", ["gzip", "deflate", "br", "zstd"])
async def test_a_one_gib_bomb_stops_at_the_cap_with_413_in_bounded_memory(coding: str) -> None:
    chunks = zero_bomb(coding, 1024 * ONE_MIB)
    feeder = SocketLikeFeeder()
    raw = StreamReader(feeder, limit=2**16)
    stream = DecodingStreamReader(
        raw, content_decoder_for(coding), max_decompressed_size=64 * ONE_MIB
    )
    gc.collect()
    tracemalloc.start()
    feeding = asyncio.create_task(feeder.feed(raw, iter(chunks)))
    try:
        with pytest.raises(PayloadTooLarge) as caught:
            await drain(stream)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        feeding.cancel()
        await asyncio.gather(feeding, return_exceptions=True)
    assert caught.value.code == 413
    assert peak < 16 * ONE_MIB, f"peak {peak / ONE_MIB:.1f} MiB"
    assert stream.total_bytes <= 64 * ONE_MIB
    with pytest.raises(PayloadTooLarge):
        await stream.read()  # the error sticks


async def test_the_cap_allows_a_body_of_exactly_the_cap() -> None:
    compressed = COMPRESSORS["gzip"](bytes(10_000))
    stream = decoding("gzip", [compressed], max_decompressed_size=10_000)
    assert await stream.read() == bytes(10_000)
    stream = decoding("gzip", [compressed], max_decompressed_size=9_999)
    with pytest.raises(PayloadTooLarge):
        await stream.read()


@pytest.mark.parametrize(("cap", "step"), [(0, 1), (1, 0), (-1, 2**16)])
async def test_the_cap_and_step_must_be_positive(cap: int, step: int) -> None:
    with pytest.raises(ValueError, match="positive"):
        decoding("gzip", [], max_decompressed_size=cap, step_size=step)


# -- corrupt and truncated bodies ---------------------------------------------------------


@pytest.mark.parametrize("coding", CODINGS)
async def test_a_truncated_body_is_a_400(coding: str) -> None:
    require(coding)
    compressed = COMPRESSORS[coding](TEXT)
    stream = decoding(coding, [compressed[: len(compressed) - 5]])
    with pytest.raises(ContentEncodingError) as caught:
        await stream.read()
    assert caught.value.code == 400
    assert "Truncated" in caught.value.message


@pytest.mark.parametrize("coding", CODINGS)
async def test_garbage_is_a_400(coding: str) -> None:
    require(coding)
    stream = decoding(coding, [b"this is not compressed data at all, not even close" * 10])
    with pytest.raises(ContentEncodingError) as caught:
        await stream.read()
    assert caught.value.code == 400
    assert isinstance(caught.value, HttpProcessingError)


@pytest.mark.parametrize("coding", CODINGS)
async def test_a_flipped_byte_in_the_middle_is_a_400(coding: str) -> None:
    require(coding)
    compressed = bytearray(COMPRESSORS[coding](TEXT))
    for index in range(len(compressed) // 3, len(compressed) // 3 + 8):
        compressed[index] ^= 0xFF
    compressed[-3] ^= 0xFF  # also break the trailer's checksum
    with pytest.raises(ContentEncodingError):
        await decoding(coding, [bytes(compressed)]).read()


@pytest.mark.parametrize("coding", ["deflate", "br", "zstd"])
async def test_bytes_after_the_end_of_the_coded_data_are_a_400(coding: str) -> None:
    require(coding)
    compressed = COMPRESSORS[coding](b"payload")
    with pytest.raises(ContentEncodingError):
        await decoding(coding, [compressed, b"trailing junk"]).read()


async def test_bytes_after_a_gzip_member_must_be_another_member() -> None:
    compressed = COMPRESSORS["gzip"](b"payload")
    with pytest.raises(ContentEncodingError):
        await decoding("gzip", [compressed + b"trailing junk"]).read()


async def test_a_zstd_window_above_8_mib_is_refused() -> None:
    require("zstd")
    import zstandard

    params = zstandard.ZstdCompressionParameters.from_level(3, window_log=24)
    compressed = zstandard.ZstdCompressor(compression_params=params).compress(bytes(16 * ONE_MIB))
    stream = decoding("zstd", [compressed])
    with pytest.raises(ContentEncodingError):
        await stream.read()


async def test_a_zstd_block_header_of_the_reserved_type_is_a_400() -> None:
    require("zstd")
    frame = COMPRESSORS["zstd"](b"payload")
    header_size = 6 if frame[4] & 0x20 else 7  # zstd's own frames here: 1-byte content size
    broken = frame[:header_size] + bytes([0b110]) + frame[header_size + 1 :]
    with pytest.raises(ContentEncodingError):
        await decoding("zstd", [broken]).read()


# -- stream behaviour ---------------------------------------------------------------------


async def test_the_decoded_stream_waits_for_compressed_bytes_as_they_arrive() -> None:
    compressed = COMPRESSORS["gzip"](TEXT)
    raw = StreamReader(limit=2**16)
    stream = DecodingStreamReader(raw, content_decoder_for("gzip"))
    reader = asyncio.create_task(stream.read())
    for piece in split_at(compressed, range(0, len(compressed), 50)):
        await asyncio.sleep(0)
        assert not reader.done()
        raw.feed_data(piece)
    raw.feed_eof()
    assert await reader == TEXT


async def test_two_concurrent_readers_are_refused() -> None:
    raw = StreamReader(limit=2**16)
    stream = DecodingStreamReader(raw, content_decoder_for("gzip"))
    first = asyncio.create_task(stream.readany())
    await asyncio.sleep(0)
    with pytest.raises(RuntimeError, match="already waiting"):
        await stream.readany()
    raw.feed_data(COMPRESSORS["gzip"](b"x"))
    raw.feed_eof()
    assert await first == b"x"


async def test_a_cancelled_read_leaves_the_stream_usable() -> None:
    raw = StreamReader(limit=2**16)
    stream = DecodingStreamReader(raw, content_decoder_for("gzip"))
    reader = asyncio.create_task(stream.readany())
    await asyncio.sleep(0)
    reader.cancel()
    with pytest.raises(asyncio.CancelledError):
        await reader
    raw.feed_data(COMPRESSORS["gzip"](b"still here"))
    raw.feed_eof()
    assert await stream.read() == b"still here"


async def test_an_error_of_the_raw_stream_reaches_the_reader() -> None:
    raw = StreamReader(limit=2**16)
    stream = DecodingStreamReader(raw, content_decoder_for("gzip"))
    raw.set_exception(ConnectionResetError("Connection lost"))
    with pytest.raises(ConnectionResetError):
        await stream.read()
    assert isinstance(stream.exception(), ConnectionResetError)


async def test_wait_eof_waits_for_the_compressed_end_without_decoding() -> None:
    raw = StreamReader(limit=2**16)
    stream = DecodingStreamReader(raw, content_decoder_for("gzip"))
    waiter = asyncio.create_task(stream.wait_eof())
    raw.feed_data(COMPRESSORS["gzip"](TEXT))
    await asyncio.sleep(0)
    assert not waiter.done()
    raw.feed_eof()
    await waiter
    assert stream.total_bytes == 0
    assert stream.raw is raw


async def test_draining_the_raw_stream_discards_without_inflating() -> None:
    raw = fed_stream(zero_bomb("gzip", 64 * ONE_MIB))
    stream = DecodingStreamReader(raw, content_decoder_for("gzip"))
    assert await stream.readany()  # the handler read a little, then gave up
    gc.collect()
    tracemalloc.start()
    try:
        while await stream.raw.readany():
            pass
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert stream.raw.at_eof()
    assert stream.total_bytes <= 2**16
    assert peak < ONE_MIB


async def test_readline_decodes_lines_split_across_steps() -> None:
    compressed = COMPRESSORS["deflate"](TEXT)
    stream = decoding("deflate", [compressed], step_size=5)
    assert await stream.readline() == b"line 0 of a compressible request body\n"
    assert await stream.readexactly(7) == b"line 1 "


def test_zlib_decoder_stays_exact_when_a_step_fills_max_length_exactly() -> None:
    decoder = content_decoder_for("gzip")
    compressed = COMPRESSORS["gzip"](bytes(100))
    out = decoder.decompress(compressed, 100)
    assert out == bytes(100)
    assert decoder.decompress(b"", 100) == b""
    assert decoder.needs_input
    decoder.finish()
    assert zlib.decompress(compressed, 31) == out

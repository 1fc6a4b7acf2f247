"""The request body stream (``request.content``): reading API, EOF, errors, back-pressure."""

from __future__ import annotations

import asyncio

import pytest

from aiostrata.http_parser import (
    EMPTY_PAYLOAD,
    BodyReadTimeout,
    EmptyStreamReader,
    HttpProcessingError,
    StreamReader,
)


class FakeFlowControl:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def pause_reading(self) -> None:
        self.calls.append("pause")

    def resume_reading(self) -> None:
        self.calls.append("resume")


def stream_with(*parts: bytes, eof: bool = True, limit: int = 2**16) -> StreamReader:
    stream = StreamReader(limit=limit)
    for part in parts:
        stream.feed_data(part)
    if eof:
        stream.feed_eof()
    return stream


# -- construction ----------------------------------------------------------------------------------


async def test_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        StreamReader(limit=0)


async def test_buffer_limits_are_limit_and_twice_limit() -> None:
    assert StreamReader(limit=10).get_read_buffer_limits() == (10, 20)


def test_stream_needs_a_running_loop_unless_given_one() -> None:
    with pytest.raises(RuntimeError):
        StreamReader()
    loop = asyncio.new_event_loop()
    try:
        stream = StreamReader(loop=loop)
        stream.feed_data(b"x")
        stream.feed_eof()
        assert loop.run_until_complete(stream.read()) == b"x"
    finally:
        loop.close()


# -- reading ---------------------------------------------------------------------------------------


async def test_read_all_returns_everything_until_eof() -> None:
    stream = stream_with(b"hello ", b"world")
    assert await stream.read() == b"hello world"
    assert await stream.read() == b""
    assert stream.at_eof()


async def test_read_n_returns_at_most_n_bytes() -> None:
    stream = stream_with(b"hello", b"world")
    assert await stream.read(3) == b"hel"
    assert await stream.read(4) == b"lowo"
    assert await stream.read(100) == b"rld"
    assert await stream.read(1) == b""


async def test_read_zero_returns_empty_without_waiting() -> None:
    stream = StreamReader()
    assert await stream.read(0) == b""


async def test_read_waits_for_data() -> None:
    stream = StreamReader()
    reader = asyncio.create_task(stream.read(10))
    await asyncio.sleep(0)
    assert not reader.done()
    stream.feed_data(b"late")
    assert await reader == b"late"


async def test_readany_returns_whatever_block_is_buffered() -> None:
    stream = stream_with(b"ab", b"cd")
    assert await stream.readany() == b"ab"
    assert await stream.readany() == b"cd"
    assert await stream.readany() == b""


async def test_readany_after_partial_read_returns_the_rest_of_the_block() -> None:
    stream = stream_with(b"abcdef")
    assert await stream.read(2) == b"ab"
    assert await stream.readany() == b"cdef"


async def test_readline_returns_lines_with_their_newline() -> None:
    stream = stream_with(b"one\ntw", b"o\n", b"three")
    assert await stream.readline() == b"one\n"
    assert await stream.readline() == b"two\n"
    assert await stream.readline() == b"three"
    assert await stream.readline() == b""


async def test_readuntil_a_multibyte_separator_split_across_blocks() -> None:
    stream = stream_with(b"a--b", b"ound", b"ary--rest")
    assert await stream.readuntil(b"--") == b"a--"
    assert await stream.readuntil(b"ary--") == b"boundary--"
    assert await stream.readuntil(b"--") == b"rest"


async def test_readuntil_empty_separator_is_refused() -> None:
    with pytest.raises(ValueError, match="Separator"):
        await stream_with(b"x").readuntil(b"")


async def test_readuntil_refuses_to_buffer_past_the_high_water_mark() -> None:
    stream = stream_with(b"x" * 30, eof=False, limit=10)
    with pytest.raises(ValueError, match="Chunk too big"):
        await stream.readline()


async def test_readexactly_returns_exactly_n_bytes() -> None:
    stream = stream_with(b"ab", b"cde", b"f")
    assert await stream.readexactly(4) == b"abcd"
    assert await stream.readexactly(2) == b"ef"


async def test_readexactly_raises_incomplete_read_at_eof() -> None:
    stream = stream_with(b"abc")
    with pytest.raises(asyncio.IncompleteReadError) as info:
        await stream.readexactly(5)
    assert info.value.partial == b"abc"
    assert info.value.expected == 5


async def test_readexactly_waits_for_more_data() -> None:
    stream = StreamReader()
    stream.feed_data(b"ab")
    reader = asyncio.create_task(stream.readexactly(4))
    await asyncio.sleep(0)
    assert not reader.done()
    stream.feed_data(b"cdef")
    assert await reader == b"abcd"
    assert stream.read_nowait() == b"ef"


async def test_read_nowait_returns_what_is_buffered() -> None:
    stream = stream_with(b"abc", b"def", eof=False)
    assert stream.read_nowait(2) == b"ab"
    assert stream.read_nowait() == b"cdef"
    assert stream.read_nowait() == b""
    assert not stream.at_eof()


async def test_read_nowait_while_a_reader_waits_is_refused() -> None:
    stream = StreamReader()
    reader = asyncio.create_task(stream.read(1))
    await asyncio.sleep(0)
    with pytest.raises(RuntimeError, match="waiting"):
        stream.read_nowait()
    stream.feed_eof()
    assert await reader == b""


async def test_two_concurrent_readers_are_refused() -> None:
    stream = StreamReader()
    first = asyncio.create_task(stream.readany())
    await asyncio.sleep(0)
    with pytest.raises(RuntimeError, match="already waiting"):
        await stream.readany()
    stream.feed_data(b"x")
    assert await first == b"x"


async def test_unread_data_warns_and_puts_bytes_back_in_front() -> None:
    stream = stream_with(b"abcdef")
    assert await stream.read(3) == b"abc"
    with pytest.warns(DeprecationWarning, match="unread_data"):
        stream.unread_data(b"XY")
    assert await stream.read() == b"XYdef"


async def test_feed_data_after_eof_is_refused() -> None:
    stream = stream_with(b"x")
    with pytest.raises(RuntimeError):
        stream.feed_data(b"y")


async def test_total_bytes_counts_everything_fed() -> None:
    stream = stream_with(b"ab", b"", b"cde")
    await stream.read(1)
    assert stream.total_bytes == 5


# -- chunks and iteration --------------------------------------------------------------------------


async def test_readchunk_reports_http_chunk_ends() -> None:
    stream = StreamReader()
    stream.begin_http_chunk_receiving()
    stream.feed_data(b"hel")
    stream.feed_data(b"lo")
    stream.end_http_chunk_receiving()
    stream.feed_data(b"world")
    stream.end_http_chunk_receiving()
    stream.feed_eof()
    assert await stream.readchunk() == (b"hello", True)
    assert await stream.readchunk() == (b"world", True)
    assert await stream.readchunk() == (b"", False)


async def test_readchunk_returns_part_of_a_chunk_that_has_not_ended() -> None:
    # A huge chunk must not be buffered whole before the reader sees any of it.
    stream = StreamReader()
    stream.begin_http_chunk_receiving()
    stream.feed_data(b"abc")
    assert await asyncio.wait_for(stream.readchunk(), 5) == (b"abc", False)
    stream.feed_data(b"de")
    stream.end_http_chunk_receiving()
    assert await stream.readchunk() == (b"de", True)


async def test_readchunk_after_reading_up_to_a_chunk_end_reports_the_end() -> None:
    stream = StreamReader()
    stream.begin_http_chunk_receiving()
    stream.feed_data(b"abc")
    stream.end_http_chunk_receiving()
    stream.feed_data(b"de")
    stream.end_http_chunk_receiving()
    assert await stream.read(3) == b"abc"
    assert await stream.readchunk() == (b"", True)
    assert await stream.readchunk() == (b"de", True)


async def test_readchunk_skips_chunk_ends_already_read_past() -> None:
    stream = StreamReader()
    stream.begin_http_chunk_receiving()
    stream.feed_data(b"ab")
    stream.end_http_chunk_receiving()
    stream.feed_data(b"cd")
    stream.end_http_chunk_receiving()
    assert await stream.read(3) == b"abc"
    assert await stream.readchunk() == (b"d", True)


async def test_end_http_chunk_without_begin_is_refused() -> None:
    with pytest.raises(RuntimeError):
        StreamReader().end_http_chunk_receiving()


async def test_readchunk_without_http_chunks_is_never_a_chunk_end() -> None:
    stream = stream_with(b"ab", b"cd")
    assert await stream.readchunk() == (b"ab", False)
    assert await stream.readchunk() == (b"cd", False)
    assert await stream.readchunk() == (b"", False)


async def test_iter_chunks_yields_chunk_boundaries() -> None:
    stream = StreamReader()
    stream.begin_http_chunk_receiving()
    for part in (b"one", b"two", b"three"):
        stream.feed_data(part)
        stream.end_http_chunk_receiving()
    stream.feed_eof()
    assert [chunk async for chunk in stream.iter_chunks()] == [
        (b"one", True),
        (b"two", True),
        (b"three", True),
    ]


async def test_iter_chunked_yields_pieces_of_at_most_n_bytes() -> None:
    stream = stream_with(b"abcdefg", b"hij")
    pieces = [piece async for piece in stream.iter_chunked(3)]
    assert b"".join(pieces) == b"abcdefghij"
    assert all(0 < len(piece) <= 3 for piece in pieces)


async def test_iter_any_yields_every_block() -> None:
    stream = stream_with(b"ab", b"cd", b"e")
    assert [block async for block in stream.iter_any()] == [b"ab", b"cd", b"e"]


async def test_async_for_yields_lines() -> None:
    stream = stream_with(b"a\nb", b"c\n\nd")
    assert [line async for line in stream] == [b"a\n", b"bc\n", b"\n", b"d"]


# -- eof and errors --------------------------------------------------------------------------------


async def test_is_eof_and_at_eof() -> None:
    stream = stream_with(b"ab", eof=False)
    assert not stream.is_eof()
    assert not stream.at_eof()
    stream.feed_eof()
    assert stream.is_eof()
    assert not stream.at_eof()  # bytes still buffered
    await stream.read()
    assert stream.at_eof()


async def test_feed_eof_wakes_a_waiting_reader() -> None:
    stream = StreamReader()
    reader = asyncio.create_task(stream.readany())
    await asyncio.sleep(0)
    stream.feed_eof()
    assert await reader == b""


async def test_set_exception_propagates_to_a_waiting_reader() -> None:
    stream = StreamReader()
    reader = asyncio.create_task(stream.read())
    await asyncio.sleep(0)
    boom = ConnectionResetError("peer went away")
    cause = OSError("socket")
    stream.set_exception(boom, cause)
    with pytest.raises(ConnectionResetError) as info:
        await reader
    assert info.value is boom
    assert info.value.__cause__ is cause
    assert stream.exception() is boom


async def test_set_exception_makes_every_later_read_raise() -> None:
    stream = stream_with(b"data", eof=False)
    stream.set_exception(ValueError("bad body"))
    with pytest.raises(ValueError, match="bad body"):
        await stream.read()
    with pytest.raises(ValueError, match="bad body"):
        await stream.readline()
    with pytest.raises(ValueError, match="bad body"):
        stream.read_nowait()


async def test_set_exception_fails_wait_eof() -> None:
    stream = StreamReader()
    waiter = asyncio.create_task(stream.wait_eof())
    await asyncio.sleep(0)
    stream.set_exception(RuntimeError("nope"))
    with pytest.raises(RuntimeError, match="nope"):
        await waiter


async def test_wait_eof_returns_once_eof_is_fed() -> None:
    stream = StreamReader()
    waiter = asyncio.create_task(stream.wait_eof())
    await asyncio.sleep(0)
    assert not waiter.done()
    stream.feed_data(b"x")
    await asyncio.sleep(0)
    assert not waiter.done()
    stream.feed_eof()
    await waiter
    assert stream.is_eof()
    await stream.wait_eof()  # already at eof: returns at once


async def test_on_eof_callbacks_run_at_eof_or_immediately_after() -> None:
    stream = StreamReader()
    calls: list[str] = []
    stream.on_eof(lambda: calls.append("first"))
    stream.on_eof(lambda: calls.append("second"))
    assert calls == []
    stream.feed_eof()
    assert calls == ["first", "second"]
    stream.on_eof(lambda: calls.append("late"))
    assert calls == ["first", "second", "late"]


async def test_on_eof_callbacks_are_dropped_by_set_exception() -> None:
    stream = StreamReader()
    calls: list[str] = []
    stream.on_eof(lambda: calls.append("eof"))
    stream.set_exception(ValueError("x"))
    stream.feed_eof()
    assert calls == []


# -- flow control ----------------------------------------------------------------------------------


async def test_feeding_past_twice_the_limit_pauses_reading_once() -> None:
    protocol = FakeFlowControl()
    stream = StreamReader(protocol, limit=10)
    stream.feed_data(b"x" * 20)
    assert protocol.calls == []  # exactly 2 * limit: not above it
    stream.feed_data(b"x")
    assert protocol.calls == ["pause"]
    stream.feed_data(b"x" * 50)
    assert protocol.calls == ["pause"]


async def test_reading_below_the_limit_resumes_reading() -> None:
    protocol = FakeFlowControl()
    stream = StreamReader(protocol, limit=10)
    stream.feed_data(b"x" * 30)
    assert protocol.calls == ["pause"]
    assert await stream.read(15) == b"x" * 15  # 15 left: not below the limit yet
    assert protocol.calls == ["pause"]
    assert await stream.read(6) == b"x" * 6  # 9 left
    assert protocol.calls == ["pause", "resume"]
    await stream.read(9)
    assert protocol.calls == ["pause", "resume"]


async def test_a_reader_that_must_wait_resumes_a_paused_stream() -> None:
    protocol = FakeFlowControl()
    stream = StreamReader(protocol, limit=4)
    stream.feed_data(b"abcdefghi")
    assert protocol.calls == ["pause"]
    reader = asyncio.create_task(stream.readexactly(20))
    await asyncio.sleep(0)
    assert protocol.calls == ["pause", "resume"]
    stream.feed_data(b"j" * 11)
    assert await reader == b"abcdefghi" + b"j" * 11


# -- the empty payload -----------------------------------------------------------------------------


async def test_empty_payload_is_at_eof_and_never_blocks() -> None:
    assert isinstance(EMPTY_PAYLOAD, EmptyStreamReader)
    assert EMPTY_PAYLOAD.is_eof()
    assert EMPTY_PAYLOAD.at_eof()

    async def read_everything() -> list[object]:
        return [
            await EMPTY_PAYLOAD.read(),
            await EMPTY_PAYLOAD.read(10),
            await EMPTY_PAYLOAD.readany(),
            await EMPTY_PAYLOAD.readline(),
            await EMPTY_PAYLOAD.readchunk(),
            EMPTY_PAYLOAD.read_nowait(),
            [b async for b in EMPTY_PAYLOAD.iter_any()],
        ]

    results = await asyncio.wait_for(read_everything(), timeout=5)
    assert results == [b"", b"", b"", b"", (b"", False), b"", []]
    await asyncio.wait_for(EMPTY_PAYLOAD.wait_eof(), timeout=5)
    with pytest.raises(asyncio.IncompleteReadError):
        await EMPTY_PAYLOAD.readexactly(1)


async def test_empty_payload_refuses_data_and_calls_eof_callbacks_at_once() -> None:
    with pytest.raises(RuntimeError):
        EMPTY_PAYLOAD.feed_data(b"x")
    EMPTY_PAYLOAD.feed_data(b"")
    EMPTY_PAYLOAD.feed_eof()
    calls: list[int] = []
    EMPTY_PAYLOAD.on_eof(lambda: calls.append(1))
    assert calls == [1]
    assert EMPTY_PAYLOAD.at_eof()


def test_empty_payload_works_without_a_running_loop() -> None:
    assert EmptyStreamReader().at_eof()
    assert repr(EMPTY_PAYLOAD) == "<EmptyStreamReader>"


async def test_a_reader_waiting_longer_than_read_timeout_gets_a_408() -> None:
    from aiostrata.http_parser import BodyReadTimeout

    stream = StreamReader(None, 2**16, loop=asyncio.get_running_loop(), read_timeout=0.05)
    stream.feed_data(b"abc")
    assert await stream.read(3) == b"abc"
    with pytest.raises(BodyReadTimeout) as info:
        await stream.read(1)
    assert info.value.code == 408


async def test_data_arriving_in_time_resets_nothing_and_reads_succeed() -> None:
    stream = StreamReader(None, 2**16, loop=asyncio.get_running_loop(), read_timeout=0.5)
    asyncio.get_running_loop().call_later(0.05, stream.feed_data, b"late but in time")
    assert await stream.readany() == b"late but in time"


async def test_chunk_ends_read_past_are_not_kept() -> None:
    """Reading with readany() must not keep one chunk boundary per chunk received."""
    stream = StreamReader(None, 2**20, loop=asyncio.get_running_loop())
    stream.begin_http_chunk_receiving()
    for _ in range(10_000):
        stream.feed_data(b"x")
        stream.end_http_chunk_receiving()
        await stream.readany()
    stream.feed_eof()
    assert await stream.read() == b""
    assert len(stream._http_chunk_splits or ()) <= 1  # at most the end at the cursor


class RecordingPace:
    """A ReadPace that allows each wait ``allowed`` seconds and records what it is told."""

    def __init__(self, allowed: float | None) -> None:
        self.allowed = allowed
        self.received_sizes: list[int] = []
        self.waits = 0
        self.ended = 0

    def received(self, size: int) -> None:
        self.received_sizes.append(size)

    def wait_started(self) -> float | None:
        self.waits += 1
        return self.allowed

    def wait_ended(self) -> None:
        self.ended += 1

    def too_slow(self) -> HttpProcessingError:
        return BodyReadTimeout("too slow", code=408)


async def test_a_pace_sees_every_byte_and_every_wait() -> None:
    pace = RecordingPace(allowed=None)
    stream = StreamReader(None, 2**16, loop=asyncio.get_running_loop(), pace=pace)
    stream.feed_data(b"ab")
    assert await stream.read(2) == b"ab"  # no wait: data was there
    asyncio.get_running_loop().call_soon(stream.feed_data, b"cde")
    assert await stream.readany() == b"cde"
    assert pace.received_sizes == [2, 3]
    assert (pace.waits, pace.ended) == (1, 1)


async def test_a_wait_longer_than_the_pace_allows_fails_with_its_error() -> None:
    pace = RecordingPace(allowed=0.05)
    stream = StreamReader(
        None, 2**16, loop=asyncio.get_running_loop(), read_timeout=10.0, pace=pace
    )
    with pytest.raises(BodyReadTimeout, match="too slow"):
        await stream.readany()
    assert pace.ended == 1


async def test_the_shorter_read_timeout_wins_over_the_pace() -> None:
    pace = RecordingPace(allowed=10.0)
    stream = StreamReader(
        None, 2**16, loop=asyncio.get_running_loop(), read_timeout=0.05, pace=pace
    )
    with pytest.raises(BodyReadTimeout, match="No body data"):
        await stream.readany()

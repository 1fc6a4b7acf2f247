"""Whatever MultipartWriter writes, MultipartReader reads back, however the bytes are split."""

from __future__ import annotations

import asyncio
import string

from hypothesis import given, settings
from hypothesis import strategies as st
from multipart_bodies import PiecewiseContent, render, split_every

from aiostrata.http_parser import BodyPartReader, MultipartReader, MultipartWriter, StreamReader

_BCHARS = string.ascii_letters + string.digits + "'()+_,-./:=?"
boundaries = st.builds(
    lambda body, last: body + last,
    st.text(_BCHARS + " ", max_size=69),
    st.sampled_from(_BCHARS),
)
# Bodies full of CR, LF and dashes: the bytes most likely to look like a delimiter.
bodies = st.binary(max_size=300) | st.lists(
    st.sampled_from([b"\r\n", b"--", b"-", b"\r", b"\n", b"x", b"\r\n--"]), max_size=60
).map(b"".join)


async def read_all(reader: MultipartReader, *, chunk: int) -> list[tuple[str | None, bytes]]:
    out: list[tuple[str | None, bytes]] = []
    async for part in reader:
        assert isinstance(part, BodyPartReader)
        data = bytearray()
        while piece := await part.read_chunk(chunk):
            data += piece
        out.append((part.name, bytes(data)))
    return out


@settings(max_examples=200, deadline=None)
@given(
    boundary=boundaries,
    payloads=st.lists(bodies, max_size=5),
    piece=st.integers(1, 97),
    chunk=st.integers(1, 64),
)
def test_round_trip_in_any_split(
    boundary: str, payloads: list[bytes], piece: int, chunk: int
) -> None:
    # The writer would be free to pick a boundary that occurs in a body; a body holding
    # the delimiter cannot be framed by it (RFC 2046 5.1.1), so such examples are skipped.
    delimiter = b"\r\n--" + boundary.encode()
    if any(delimiter in b"\r\n" + p + b"\r\n" for p in payloads):
        return

    async def scenario() -> list[tuple[str | None, bytes]]:
        writer = MultipartWriter("form-data", boundary=boundary)
        for index, payload in enumerate(payloads):
            writer.append(payload).set_content_disposition("form-data", name=f"f{index}")
        wire = await render(writer)
        assert len(wire) == writer.size
        reader = MultipartReader(writer.headers, PiecewiseContent(split_every(wire, piece)))
        parts = await read_all(reader, chunk=chunk)
        assert reader.at_eof()
        return parts

    parts = asyncio.run(scenario())
    assert parts == [(f"f{i}", p) for i, p in enumerate(payloads)]


async def test_reads_from_a_real_stream_reader_fed_as_data_arrives() -> None:
    writer = MultipartWriter("form-data")
    writer.append("first").set_content_disposition("form-data", name="a")
    writer.append(b"\x00" * 100_000).set_content_disposition("form-data", name="b", filename="z")
    wire = await render(writer)
    stream = StreamReader()

    async def feed() -> None:
        for piece in split_every(wire, 1000):
            stream.feed_data(piece)
            await asyncio.sleep(0)
        stream.feed_eof()

    feeder = asyncio.create_task(feed())
    reader = MultipartReader(writer.headers, stream)
    first = await reader.next()
    assert isinstance(first, BodyPartReader)
    assert await first.text() == "first"
    second = await reader.next()
    assert isinstance(second, BodyPartReader)
    assert second.filename == "z"
    assert await second.read() == b"\x00" * 100_000
    assert await reader.next() is None
    await feeder


async def test_nested_multipart_mixed_is_a_nested_reader() -> None:
    inner = MultipartWriter("mixed")
    inner.append("one")
    inner.append_json({"two": 2})
    outer = MultipartWriter("form-data")
    outer.append("plain").set_content_disposition("form-data", name="p")
    outer.append(inner).set_content_disposition("form-data", name="files")
    wire = await render(outer)
    reader = MultipartReader(outer.headers, PiecewiseContent(split_every(wire, 7)))
    plain = await reader.next()
    assert isinstance(plain, BodyPartReader)
    nested = await reader.next()
    assert isinstance(nested, MultipartReader)
    assert nested.boundary == inner.boundary
    parts = [part async for part in nested]
    assert len(parts) == 2
    # The parts were skipped unread; reading goes on in the outer body after the nested one.
    assert await reader.next() is None
    assert reader.at_eof()


async def test_unread_parts_are_skipped_and_nested_parts_read() -> None:
    inner = MultipartWriter("mixed")
    inner.append("one")
    inner.append_json({"two": 2})
    outer = MultipartWriter("mixed")
    outer.append(inner)
    outer.append("after")
    reader = MultipartReader(outer.headers, PiecewiseContent([await render(outer)]))
    nested = await reader.next()
    assert isinstance(nested, MultipartReader)
    one = await nested.next()
    assert isinstance(one, BodyPartReader)
    assert await one.text() == "one"
    two = await nested.next()
    assert isinstance(two, BodyPartReader)
    assert await two.json() == {"two": 2}
    assert await nested.next() is None
    after = await reader.next()
    assert isinstance(after, BodyPartReader)
    assert await after.text() == "after"


async def test_readline_and_release() -> None:
    writer = MultipartWriter("mixed", boundary="bb")
    writer.append(b"line one\nline two\r\nlast")
    writer.append(b"skipped")
    reader = MultipartReader(writer.headers, PiecewiseContent(split_every(await render(writer), 3)))
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    assert await part.readline() == b"line one\n"
    assert await part.readline() == b"line two\r\n"
    assert await part.readline() == b"last"
    assert await part.readline() == b""
    assert part.at_eof()
    await reader.release()
    assert reader.at_eof()
    assert await reader.next() is None

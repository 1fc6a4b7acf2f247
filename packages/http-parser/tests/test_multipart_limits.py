"""Every MultipartLimits bound holds as the data arrives, with its typed 413 (or 400)."""

from __future__ import annotations

import base64

import pytest
from multipart_bodies import PiecewiseContent, form, reader_for

from aiostrata.http_parser import (
    BodyPartReader,
    EpilogueTooLarge,
    FieldTooLarge,
    MultipartLimitExceeded,
    MultipartLimits,
    MultipartReader,
    NestingTooDeep,
    PartHeadersTooLarge,
    PayloadTooLarge,
    PreambleTooLarge,
    TooManyPartHeaders,
    TooManyParts,
    UnsupportedPartEncoding,
)

NAMED = 'Content-Disposition: form-data; name="f"'


async def drain(reader: MultipartReader) -> None:
    async for part in reader:
        assert isinstance(part, BodyPartReader)
        await part.read()


def test_limits_are_frozen_and_must_be_positive() -> None:
    limits = MultipartLimits()
    with pytest.raises(AttributeError):
        limits.max_parts = 5  # type: ignore[misc]
    with pytest.raises(ValueError, match="max_parts"):
        MultipartLimits(max_parts=0)


async def test_limit_errors_are_413_payload_too_large() -> None:
    assert issubclass(TooManyParts, PayloadTooLarge)
    assert TooManyParts().code == 413


async def test_too_many_parts() -> None:
    body = form(*[(NAMED, b"x")] * 4)
    await drain(reader_for(body, limits=MultipartLimits(max_parts=4)))
    with pytest.raises(TooManyParts):
        await drain(reader_for(body, limits=MultipartLimits(max_parts=3)))


async def test_too_many_part_headers_ghsa_m5qp_6w8w_w647() -> None:
    head = NAMED + "".join(f"\r\nX-{i}: v" for i in range(40))
    with pytest.raises(TooManyPartHeaders):
        await drain(reader_for(form((head, b"x")), piece=5))


async def test_header_line_too_long() -> None:
    head = NAMED + "\r\nX-Long: " + "v" * 9000
    with pytest.raises(PartHeadersTooLarge):
        await drain(reader_for(form((head, b"x"))))


async def test_header_block_too_large() -> None:
    head = NAMED + "".join(f"\r\nX-{i}: " + "v" * 1000 for i in range(20))
    with pytest.raises(PartHeadersTooLarge):
        await drain(reader_for(form((head, b"x"))))


async def test_header_line_without_crlf_is_bounded_not_buffered_forever() -> None:
    body = b"--b0und\r\n" + b"X" * 100_000
    content = PiecewiseContent([body[i : i + 100] for i in range(0, len(body), 100)])
    reader = MultipartReader({"Content-Type": "multipart/form-data; boundary=b0und"}, content)
    with pytest.raises(PartHeadersTooLarge):
        await reader.next()
    assert content.reads < 200  # stopped near the 8 KiB line limit, not at the end


async def test_preamble_too_large_aiohttp_issue_13652() -> None:
    limits = MultipartLimits(max_preamble_size=100)
    await drain(reader_for(form((NAMED, b"x"), preamble=b"p" * 100), limits=limits))
    with pytest.raises(PreambleTooLarge):
        await drain(reader_for(form((NAMED, b"x"), preamble=b"p" * 101), limits=limits))


async def test_endless_preamble_stops_at_the_limit() -> None:
    content = PiecewiseContent([b"-" * 1000] * 10_000)
    reader = MultipartReader({"Content-Type": "multipart/form-data; boundary=b0und"}, content)
    with pytest.raises(PreambleTooLarge):
        await reader.next()
    assert content.reads < 100


async def test_epilogue_too_large() -> None:
    limits = MultipartLimits(max_epilogue_size=50)
    await drain(reader_for(form((NAMED, b"x")) + b"e" * 40, limits=limits))
    with pytest.raises(EpilogueTooLarge):
        await drain(reader_for(form((NAMED, b"x")) + b"e" * 60, limits=limits))


async def test_field_size_checked_while_reading_ghsa_3wq7_rqq7_wx6j() -> None:
    limits = MultipartLimits(max_field_size=1000)
    content = PiecewiseContent([form((NAMED, b"x" * 5000))[:-20]] + [b"y" * 1000] * 1000)
    reader = MultipartReader(
        {"Content-Type": "multipart/form-data; boundary=b0und"}, content, limits=limits
    )
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    with pytest.raises(FieldTooLarge):
        await part.read()
    assert content.reads < 5  # refused within the first reads, not after the whole body


async def test_decoded_size_is_bounded_too() -> None:
    import gzip

    bomb = gzip.compress(b"\x00" * 1_000_000)
    head = NAMED + "\r\nContent-Encoding: gzip"
    reader = reader_for(form((head, bomb)), limits=MultipartLimits(max_field_size=10_000))
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    with pytest.raises(FieldTooLarge):
        await part.read(decode=True)


async def test_base64_decoded_incrementally_with_bounded_state_ghsa_24c4_3p7v_29cm() -> None:
    # A base64 part whose data length is never a multiple of four: the reader must not
    # keep reading to "complete" a group; it decodes what is whole and ends at the boundary.
    data = base64.b64encode(b"hello world").rstrip(b"=")  # 15 characters, unpadded
    head = NAMED + "\r\nContent-Transfer-Encoding: base64"
    part = await reader_for(form((head, data)), piece=1).next()
    assert isinstance(part, BodyPartReader)
    chunks = []
    while chunk := await part.read_decoded_chunk(3):
        chunks.append(chunk)
    assert b"".join(chunks) == b"hello world"


async def test_invalid_base64_is_a_400() -> None:
    head = NAMED + "\r\nContent-Transfer-Encoding: base64"
    part = await reader_for(form((head, b"!!!!"))).next()
    assert isinstance(part, BodyPartReader)
    with pytest.raises(UnsupportedPartEncoding) as info:
        await part.read(decode=True)
    assert info.value.code == 400


async def test_nesting_depth_is_bounded() -> None:
    body = b"x"
    for level in range(5):
        body = form(
            (f"Content-Type: multipart/mixed; boundary=l{level}", body), boundary=f"l{level + 1}"
        )
    reader = MultipartReader(
        {"Content-Type": "multipart/mixed; boundary=l5"},
        PiecewiseContent([body]),
        limits=MultipartLimits(max_nesting_depth=3),
    )
    current: MultipartReader = reader
    for _ in range(3):  # levels 1..3 are allowed
        nested = await current.next()
        assert isinstance(nested, MultipartReader)
        current = nested
    with pytest.raises(NestingTooDeep):
        await current.next()


def test_every_limit_error_is_a_limit_exceeded() -> None:
    for cls in (TooManyParts, TooManyPartHeaders, PartHeadersTooLarge, PreambleTooLarge,
                EpilogueTooLarge, FieldTooLarge, NestingTooDeep):  # fmt: skip
        assert issubclass(cls, MultipartLimitExceeded)
        assert cls().code == 413

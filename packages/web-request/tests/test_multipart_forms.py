"""``await request.post()`` on multipart/form-data: fields, files, the whole-form bound, 400s."""

from __future__ import annotations

import asyncio
import tempfile
from typing import Any

import pytest
from multipart_requests import form_body, multipart_request

from aiostrata.http_parser import BodyPartReader, MultipartReader
from aiostrata.web_request import FileField
from aiostrata.web_response import HTTPBadRequest, HTTPRequestEntityTooLarge


def field(name: str, extra: str = "") -> str:
    return f'Content-Disposition: form-data; name="{name}"{extra}'


async def post(body: bytes, **kwargs: Any) -> Any:
    request, feeder = multipart_request(body, **kwargs)
    try:
        return await asyncio.wait_for(request.post(), 10)
    finally:
        feeder.cancel()


@pytest.mark.parametrize("piece", [1, 7, 100, 100_000])
async def test_fields_and_files(piece: int) -> None:
    content = bytes(range(256)) * 100
    body = form_body(
        (field("title"), "Grüße".encode()),
        (
            field("upload", '; filename="data.bin"') + "\r\nContent-Type: application/x-thing",
            content,
        ),
        (field("title"), b"second"),
        (field("empty"), b""),
    )
    data = await post(body, piece=piece)
    assert data.getall("title") == ["Grüße", "second"]
    assert data["empty"] == ""
    upload = data["upload"]
    assert isinstance(upload, FileField)
    assert upload.name == "upload"
    assert upload.filename == "data.bin"
    assert upload.content_type == "application/x-thing"
    assert upload.headers["Content-Type"] == "application/x-thing"
    assert upload.file.read() == content
    upload.file.close()


async def test_result_is_cached() -> None:
    request, feeder = multipart_request(form_body((field("a"), b"1")))
    first = await request.post()
    assert await request.post() is first
    await feeder


async def test_file_without_content_type_is_octet_stream_and_filename_star_decoded() -> None:
    body = form_body((field("f", "; filename*=utf-8''%E2%82%AC.txt"), b"euro"))
    upload = (await post(body))["f"]
    assert upload.filename == "€.txt"
    assert upload.content_type == "application/octet-stream"
    upload.file.close()


async def test_text_fields_use_part_charset_then_charset_field_then_utf8() -> None:
    body = form_body(
        (field("a") + "\r\nContent-Type: text/plain; charset=latin-1", "é".encode("latin-1")),
        (field("_charset_"), b"iso-8859-1"),
        (field("b"), "ü".encode("latin-1")),
        (field("c") + "\r\nContent-Type: application/json", b'{"raw": true}'),
    )
    data = await post(body)
    assert data["a"] == "é"
    assert data["_charset_"] == "iso-8859-1"
    assert data["b"] == "ü"
    assert data["c"] == b'{"raw": true}'


async def test_base64_file_part_is_decoded() -> None:
    body = form_body(
        (field("f", '; filename="x"') + "\r\nContent-Transfer-Encoding: base64", b"aGVs\r\nbG8=")
    )
    upload = (await post(body, piece=3))["f"]
    assert upload.file.read() == b"hello"
    upload.file.close()


async def test_whole_form_is_bounded_by_client_max_size_ghsa_6jhg_hg63_jvvf() -> None:
    # Each field is under the limit; together they are over it.
    body = form_body(*[(field(f"f{i}"), b"x" * 400) for i in range(5)])
    with pytest.raises(HTTPRequestEntityTooLarge) as info:
        await post(body, client_max_size=1000)
    assert info.value.status == 413
    assert "1000" in (info.value.text or "")


async def test_files_count_against_client_max_size_as_they_arrive() -> None:
    body = form_body((field("f", '; filename="big"'), b"x" * 50_000))
    with pytest.raises(HTTPRequestEntityTooLarge):
        await post(body, client_max_size=10_000)


async def test_fields_just_under_the_limit_are_accepted() -> None:
    body = form_body((field("a"), b"x" * 500), (field("b", '; filename="f"'), b"y" * 500))
    data = await post(body, client_max_size=1000)
    assert data["a"] == "x" * 500
    data["b"].file.close()


async def test_spooled_files_are_closed_when_parsing_fails_midway(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[Any] = []
    real = tempfile.TemporaryFile

    def tracking(*args: Any, **kwargs: Any) -> Any:
        handle = real(*args, **kwargs)
        made.append(handle)
        return handle

    monkeypatch.setattr(tempfile, "TemporaryFile", tracking)
    body = form_body(
        (field("f", '; filename="one"'), b"data"), (field("g", '; filename="two"'), b"x")
    )
    body = body[: body.rindex(b"x") + 1]  # the second file never ends
    with pytest.raises(HTTPBadRequest):
        await post(body)
    assert len(made) == 2
    assert all(handle.closed for handle in made)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (form_body((field("a"), b"1")), "multipart/form-data"),  # no boundary
        (form_body((field("a"), b"1")), "multipart/form-data; boundary=" + "x" * 80),
        (b"--b0und\r\n" + field("a").encode() + b"\r\n\r\nnever ends", None),
        (b"--b0undGARBAGE\r\n\r\n", None),
        (b"--b0und\r\nBroken header\r\n\r\nx\r\n--b0und--\r\n", None),
        (form_body(("Content-Disposition: form-data", b"nameless")), None),
        (form_body(("Content-Type: text/plain", b"no disposition")), None),
        (
            form_body((field("a") + "\r\nContent-Type: text/plain; charset=utf-8", b"\xff\xfe")),
            None,
        ),
        (form_body((field("a") + "\r\nContent-Type: text/plain; charset=nope", b"x")), None),
        (
            form_body((field("a") + "\r\nContent-Type: multipart/mixed; boundary=in", b"--in--")),
            None,
        ),
        (form_body((field("a") + "\r\nContent-Transfer-Encoding: base64", b"@@@@")), None),
    ],
)
async def test_malformed_multipart_is_a_400_never_a_500(
    body: bytes, content_type: str | None
) -> None:
    with pytest.raises(HTTPBadRequest):
        await post(body, content_type=content_type)


async def test_part_limits_are_413() -> None:
    head = field("a") + "".join(f"\r\nX-{i}: v" for i in range(100))
    with pytest.raises(HTTPRequestEntityTooLarge):
        await post(form_body((head, b"x")))


async def test_multipart_reader_streams_parts() -> None:
    body = form_body((field("a"), b"first"), (field("b"), b"second"))
    request, feeder = multipart_request(body, piece=5)
    reader = await request.multipart()
    assert isinstance(reader, MultipartReader)
    names = []
    async for part in reader:
        assert isinstance(part, BodyPartReader)
        names.append((part.name, await part.text()))
    assert names == [("a", "first"), ("b", "second")]
    await feeder


async def test_multipart_without_boundary_is_a_400() -> None:
    request, feeder = multipart_request(b"", content_type="multipart/form-data")
    with pytest.raises(HTTPBadRequest):
        await request.multipart()
    await feeder


@pytest.mark.parametrize(
    ("encoding", "filler"), [("base64", b" " * 4096), ("quoted-printable", b"=\r\n" * 1365)]
)
async def test_raw_bytes_that_decode_to_nothing_still_count_against_client_max_size(
    encoding: str, filler: bytes
) -> None:
    """A part of base64 whitespace or QP soft breaks decodes to nothing, but is not free."""
    head = f'Content-Disposition: form-data; name="f"\r\nContent-Transfer-Encoding: {encoding}'
    body = form_body((head, filler * 64))
    request, feeder = multipart_request(body, client_max_size=64 * 1024, piece=8192)
    with pytest.raises(HTTPRequestEntityTooLarge):
        await request.post()
    feeder.cancel()

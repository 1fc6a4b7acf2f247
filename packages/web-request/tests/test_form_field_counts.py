"""``client_max_fields``: how many fields ``post()`` accepts in one form, on every form path."""

from __future__ import annotations

import asyncio

import pytest
from multipart_requests import form_body, multipart_request
from requests_from_bytes import make_request

from aiostrata.web_response import HTTPRequestEntityTooLarge


def urlencoded(body: bytes) -> bytes:
    return (
        b"POST /f HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )


def fields(count: int) -> bytes:
    return form_body(
        *((f'Content-Disposition: form-data; name="f{i}"', b"v") for i in range(count))
    )


async def test_the_default_is_aiohttps_1000() -> None:
    request = make_request(urlencoded(b"a=1"))
    assert request.client_max_fields == 1000
    assert request.clone(client_max_fields=5).client_max_fields == 5
    assert request.clone().client_max_fields == 1000


async def test_a_urlencoded_form_at_the_bound_is_parsed() -> None:
    request = make_request(urlencoded(b"&".join(b"k%d=v" % i for i in range(1000))))
    form = await request.post()
    assert len(form) == 1000


async def test_a_urlencoded_form_past_the_bound_is_a_413_before_parsing() -> None:
    request = make_request(urlencoded(b"&".join(b"k=v" for _ in range(262_000))))
    request = request.clone(client_max_size=2**22)
    with pytest.raises(HTTPRequestEntityTooLarge) as info:
        await request.post()
    assert "Maximum number of form fields 1000 exceeded" in str(info.value.text)


async def test_a_configured_bound_and_no_bound() -> None:
    body = urlencoded(b"a=1&b=2&c=3")
    with pytest.raises(HTTPRequestEntityTooLarge):
        await make_request(body).clone(client_max_fields=2).post()
    big = make_request(urlencoded(b"&".join(b"k=v" for _ in range(3000))))
    form = await big.clone(client_max_fields=0).post()
    assert len(form) == 3000


async def test_a_multipart_form_at_the_bound_is_parsed() -> None:
    request, feeder = multipart_request(fields(3), piece=10_000)
    form = await asyncio.wait_for(request.clone(client_max_fields=3).post(), 10)
    assert list(form) == ["f0", "f1", "f2"]
    await feeder


async def test_a_multipart_form_past_the_bound_is_a_413() -> None:
    request, feeder = multipart_request(fields(4), piece=10_000)
    try:
        with pytest.raises(HTTPRequestEntityTooLarge) as info:
            await asyncio.wait_for(request.clone(client_max_fields=3).post(), 10)
    finally:
        feeder.cancel()
    assert "Maximum number of form fields 3 exceeded" in str(info.value.text)


async def test_a_multipart_form_past_the_default_is_a_413() -> None:
    request, feeder = multipart_request(fields(1001), piece=100_000)
    try:
        with pytest.raises(HTTPRequestEntityTooLarge):
            await asyncio.wait_for(request.post(), 10)
    finally:
        feeder.cancel()


async def test_a_larger_bound_lets_a_multipart_form_past_the_readers_default() -> None:
    request, feeder = multipart_request(fields(1200), piece=100_000)
    form = await asyncio.wait_for(request.clone(client_max_fields=2000).post(), 10)
    assert len(form) == 1200
    await feeder

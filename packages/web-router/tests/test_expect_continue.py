"""Answering ``Expect:`` before the body is read (RFC 9110 10.1.1)."""

from __future__ import annotations

from typing import Any

import pytest
from router_fakes import make_request, ok

from aiostrata.web_response import HTTPExpectationFailed, Response, StreamResponse
from aiostrata.web_router import UrlDispatcher, default_expect_handler


async def test_default_handler_sends_100_continue() -> None:
    router = UrlDispatcher()
    router.add_post("/upload", ok)
    request = make_request("POST", "/upload", headers={"Expect": "100-Continue"})
    match_info = await router.resolve(request)
    assert await match_info.expect_handler(request) is None
    assert request.writer.interim == [100]


async def test_unknown_expectation_is_417() -> None:
    request = make_request("POST", "/", headers={"Expect": "something-else"})
    with pytest.raises(HTTPExpectationFailed) as caught:
        await default_expect_handler(request)
    assert caught.value.text == "Unknown Expect: something-else"
    assert request.writer.interim == []


async def test_http_10_requests_get_no_interim_response() -> None:
    request = make_request("POST", "/", headers={"Expect": "100-continue"}, version=(1, 0))
    await default_expect_handler(request)
    assert request.writer.interim == []


async def test_custom_expect_handler_is_used() -> None:
    seen: list[Any] = []

    async def reject(request: Any) -> StreamResponse | None:
        seen.append(request)
        return Response(status=413)

    router = UrlDispatcher()
    router.add_post("/upload", ok, expect_handler=reject)
    request = make_request("POST", "/upload", headers={"Expect": "100-continue"})
    response = await (await router.resolve(request)).expect_handler(request)
    assert response is not None
    assert response.status == 413
    assert seen == [request]
    assert request.writer.interim == []

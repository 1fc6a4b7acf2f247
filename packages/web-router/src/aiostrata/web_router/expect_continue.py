"""The default answer to ``Expect:`` headers, used by routes without their own expect handler."""

from __future__ import annotations

from aiostrata.web_response import HTTPExpectationFailed

from .interfaces import ExpectingRequest


async def default_expect_handler(request: ExpectingRequest) -> None:
    """Send the interim ``100 Continue`` so the client starts sending the body.

    RFC 9110 10.1.1: ``100-continue`` is the only expectation defined; any other value is
    answered with 417. HTTP/1.0 clients do not know interim responses (RFC 9110 15.2), so
    for them the header is ignored, as aiohttp does.
    """
    expect = request.headers.get("Expect", "")
    if request.version == (1, 1):
        if expect.lower() == "100-continue":
            request.writer.send_interim(100)
        else:
            raise HTTPExpectationFailed(text=f"Unknown Expect: {expect}")

"""The public names the connection (web_runner) uses on a request, instead of private ones."""

from __future__ import annotations

import asyncio

from requests_from_bytes import FakeConnection, make_routed_request

from aiostrata.http_parser import StreamWriter
from aiostrata.web_request import BaseRequest, Request
from aiostrata.web_response import Response, UpgradableRequest

HEAD = b"GET /x?q=1 HTTP/1.1\r\nHost: h\r\n\r\n"


async def test_set_writer_sends_later_responses_through_the_new_writer() -> None:
    request = make_routed_request(HEAD)
    fresh = StreamWriter(FakeConnection({}), asyncio.get_running_loop())
    request.set_writer(fresh)
    assert request.writer is fresh
    response = Response(text="hi")
    assert await response.prepare(request) is fresh


async def test_without_hooks_keeps_the_message_and_drops_hooks_body_and_state() -> None:
    request = make_routed_request(HEAD)
    request["seen"] = True
    fresh = StreamWriter(FakeConnection({}), asyncio.get_running_loop())
    bare = request.without_hooks(fresh)
    assert type(bare) is BaseRequest
    assert not isinstance(bare, Request)
    assert (bare.method, bare.path_qs, bare.headers["Host"]) == ("GET", "/x?q=1", "h")
    assert bare.writer is fresh
    assert bare.protocol is request.protocol
    assert not bare.has_prepare_hooks()
    assert "seen" not in bare
    assert not bare.can_read_body


async def test_a_request_is_an_upgradable_request_at_run_time() -> None:
    assert isinstance(make_routed_request(HEAD), UpgradableRequest)

"""Response.send_now(): the same bytes as prepare() + write_eof(), without awaiting, or False."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from _web_response_testkit import FakeRequest, parse_wire

from aiostrata.http_parser import AbstractStreamWriter, HttpVersion10
from aiostrata.web_response import (
    HTTPFound,
    HTTPNotFound,
    PreparingRequest,
    Response,
    StreamResponse,
    json_response,
)

Factory = Callable[[], Response]

CASES: list[tuple[str, Factory, str]] = [
    ("text", lambda: Response(text="hello"), "GET"),
    ("bytes", lambda: Response(body=b"\x00\x01", content_type="application/x-raw"), "GET"),
    ("empty", lambda: Response(), "GET"),
    ("head", lambda: Response(text="hello"), "HEAD"),
    ("not modified", lambda: Response(status=304), "GET"),
    ("no content", lambda: Response(status=204, text="dropped"), "GET"),
    ("json", lambda: json_response({"a": 1}), "GET"),
    ("cookie", lambda: _with_cookie(Response(text="c")), "GET"),
    ("closing", lambda: _closing(Response(text="bye")), "GET"),
    ("redirect", lambda: HTTPFound("/elsewhere"), "GET"),
    ("not found", lambda: HTTPNotFound(), "GET"),
    ("custom header", lambda: Response(text="x", headers={"X-A": "1", "Date": "fixed"}), "GET"),
]


def _with_cookie(response: Response) -> Response:
    response.set_cookie("session", "abc", httponly=True)
    return response


def _closing(response: Response) -> Response:
    response.force_close()
    return response


def _without_date(wire: bytes) -> bytes:
    return b"\r\n".join(line for line in wire.split(b"\r\n") if not line.startswith(b"Date: "))


@pytest.mark.parametrize(("name", "make", "method"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("http10", [False, True], ids=["1.1", "1.0"])
async def test_send_now_writes_what_the_awaited_path_writes(
    name: str, make: Factory, method: str, http10: bool
) -> None:
    version = {"version": HttpVersion10} if http10 else {}
    now_request = FakeRequest(method=method, hooks=False, **version)  # type: ignore[arg-type]
    now = make()
    assert now.send_now(now_request) is True
    assert now.prepared
    assert now.body_length == len(now_request.wire)

    awaited_request = FakeRequest(method=method, **version)  # type: ignore[arg-type]
    awaited = make()
    await awaited.prepare(awaited_request)
    await awaited.write_eof()

    assert _without_date(now_request.wire) == _without_date(awaited_request.wire)
    assert now.keep_alive == awaited.keep_alive
    assert parse_wire(now_request.wire).status_line == parse_wire(awaited_request.wire).status_line
    assert now.send_now(now_request) is False  # already sent: nothing more


async def test_send_now_declines_when_a_prepare_hook_must_run() -> None:
    request = FakeRequest()  # hooks=True: the app has on_response_prepare receivers
    response = Response(text="x")
    assert response.send_now(request) is False
    assert not response.prepared
    assert request.wire == b""


async def test_send_now_declines_compression_and_streams() -> None:
    compressed = Response(text="x" * 1000)
    compressed.enable_compression()
    assert compressed.send_now(FakeRequest(hooks=False)) is False
    assert StreamResponse().send_now(FakeRequest(hooks=False)) is False


async def test_send_now_declines_a_subclass_that_prepares_its_own_way() -> None:
    class Custom(Response):
        async def prepare(self, request: PreparingRequest) -> AbstractStreamWriter | None:
            return await super().prepare(request)

    assert Custom(text="x").send_now(FakeRequest(hooks=False)) is False


async def test_send_now_declines_after_something_was_written_for_the_request() -> None:
    request = FakeRequest(hooks=False)
    await request.writer.write(b"stray")
    assert Response(text="x").send_now(request) is False


async def test_an_unsafe_header_fails_before_anything_is_marked_sent() -> None:
    request = FakeRequest(hooks=False)
    response = Response(text="x", headers={"X-Bad": "a\r\nInjected: yes"})
    with pytest.raises(ValueError, match="X-Bad"):
        response.send_now(request)
    assert not response.prepared
    assert request.wire == b""

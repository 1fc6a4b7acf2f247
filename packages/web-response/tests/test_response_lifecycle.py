"""The response as a state machine: prepare, write, write_eof, and what each allows."""

from __future__ import annotations

import asyncio

import pytest
from _web_response_testkit import FakeRequest, parse_wire

from aiostrata.web_response import Response, StreamResponse


async def test_prepare_returns_the_request_writer_and_marks_prepared() -> None:
    request = FakeRequest()
    response = StreamResponse()
    assert not response.prepared
    writer = await response.prepare(request)
    assert writer is request.writer
    assert response.prepared


async def test_prepare_twice_returns_same_writer_and_sends_head_once() -> None:
    request = FakeRequest()
    response = StreamResponse()
    first = await response.prepare(request)
    second = await response.prepare(request)
    assert first is second
    assert request.wire.count(b"HTTP/1.1") == 1
    assert len(request.hook_calls) == 1


async def test_prepare_after_eof_returns_none() -> None:
    request = FakeRequest()
    response = Response()
    await response.prepare(request)
    await response.write_eof()
    assert await response.prepare(request) is None
    assert response.prepared


async def test_prepare_hook_sees_final_headers_and_can_change_them() -> None:
    seen: list[str | None] = []

    async def on_prepare(response: StreamResponse) -> None:
        seen.append(response.headers.get("Content-Length"))
        response.headers["X-Signal"] = "ran"

    request = FakeRequest(on_prepare=on_prepare)
    await Response(text="abc").prepare(request)
    assert seen == ["3"]
    assert request.hook_calls


async def test_header_added_by_prepare_hook_is_on_the_wire() -> None:
    async def on_prepare(response: StreamResponse) -> None:
        response.headers["X-Signal"] = "ran"

    request = FakeRequest(on_prepare=on_prepare)
    response = Response(text="abc")
    await response.prepare(request)
    await response.write_eof()
    assert parse_wire(request.wire).get("X-Signal") == "ran"


async def test_write_before_prepare_is_refused() -> None:
    with pytest.raises(RuntimeError, match="before prepare"):
        await StreamResponse().write(b"x")


async def test_write_after_eof_is_refused() -> None:
    request = FakeRequest()
    response = StreamResponse()
    await response.prepare(request)
    await response.write_eof()
    with pytest.raises(RuntimeError, match="after write_eof"):
        await response.write(b"x")


@pytest.mark.parametrize("data", ["text", 1, None, [b"x"]])
async def test_write_of_non_bytes_is_a_type_error(data: object) -> None:
    response = StreamResponse()
    await response.prepare(FakeRequest())
    with pytest.raises(TypeError, match="byte-ish"):
        await response.write(data)  # type: ignore[arg-type]


async def test_write_eof_of_non_bytes_is_a_type_error() -> None:
    response = StreamResponse()
    await response.prepare(FakeRequest())
    with pytest.raises(TypeError):
        await response.write_eof("x")  # type: ignore[arg-type]


async def test_write_eof_before_prepare_is_refused() -> None:
    with pytest.raises(RuntimeError, match="not been started"):
        await StreamResponse().write_eof()


async def test_write_eof_twice_is_harmless() -> None:
    request = FakeRequest()
    response = Response(text="once")
    await response.prepare(request)
    await response.write_eof()
    await response.write_eof()
    assert request.wire.count(b"once") == 1


async def test_response_write_eof_refuses_data() -> None:
    response = Response(text="x")
    await response.prepare(FakeRequest())
    with pytest.raises(ValueError, match="not supported"):
        await response.write_eof(b"more")


async def test_body_length_counts_bytes_sent_after_eof() -> None:
    request = FakeRequest()
    response = Response(text="abc")
    assert response.body_length == 0
    await response.prepare(request)
    await response.write_eof()
    assert response.body_length == len(request.wire)


async def test_set_status_after_prepare_is_refused() -> None:
    response = StreamResponse()
    await response.prepare(FakeRequest())
    with pytest.raises(RuntimeError, match="status code"):
        response.set_status(404)


async def test_set_status_before_prepare_changes_status_and_reason() -> None:
    response = StreamResponse()
    response.set_status(404)
    assert (response.status, response.reason) == (404, "Not Found")
    response.set_status(404, "Gone Fishing")
    assert response.reason == "Gone Fishing"


async def test_task_is_the_request_task_while_in_flight() -> None:
    task = asyncio.current_task()
    request = FakeRequest(task=task)
    response = StreamResponse()
    assert response.task is None
    await response.prepare(request)
    assert response.task is task
    await response.write_eof()
    assert response.task is None


async def test_write_to_closed_transport_raises_connection_reset() -> None:
    request = FakeRequest()
    response = StreamResponse()
    await response.prepare(request)
    transport = request.connection._transport
    assert transport is not None
    transport.closing = True
    with pytest.raises(ConnectionResetError):
        await response.write(b"x")


async def test_deprecated_drain_warns_and_drains() -> None:
    request = FakeRequest()
    response = StreamResponse()
    await response.prepare(request)
    with pytest.warns(DeprecationWarning, match="drain"):
        await response.drain()
    assert request.connection.drains == 1


async def test_deprecated_drain_before_prepare_is_refused() -> None:
    with pytest.warns(DeprecationWarning, match="drain"), pytest.raises(RuntimeError):
        await StreamResponse().drain()


async def test_deprecated_output_length_reports_buffered_bytes() -> None:
    request = FakeRequest()
    response = StreamResponse()
    await response.prepare(request)
    with pytest.warns(DeprecationWarning, match="output_length"):
        assert response.output_length == len(request.wire)


async def test_deprecated_output_length_before_prepare_is_refused() -> None:
    with pytest.warns(DeprecationWarning, match="output_length"), pytest.raises(RuntimeError):
        _ = StreamResponse().output_length


async def test_repr_shows_state() -> None:
    request = FakeRequest(method="POST", path="/items")
    response = StreamResponse(status=201)
    assert repr(response) == "<StreamResponse Created not prepared>"
    await response.prepare(request)
    assert repr(response) == "<StreamResponse Created POST /items >"
    await response.write_eof()
    assert repr(response) == "<StreamResponse Created eof>"

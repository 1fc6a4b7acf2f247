"""The path from the connection's bytes to ``await ws.receive()`` and back out.

The inbox parses in ``feed_data`` and wakes the single reader through one future; the
reader takes queued messages without suspending; sends write synchronously. These tests
pin what that must not lose: order, back-pressure, messages that arrive while the
waiting reader is cancelled or times out, and the end of input.
"""

from __future__ import annotations

import asyncio

import pytest
from ws_fakes import started

from aiostrata.http_parser import WebSocketReader, WSMessage, WSMsgType, encode_frame
from aiostrata.web_response import WebSocketResponse
from aiostrata.web_response.websocket_inbox import WebSocketInbox

MASK = b"\x01\x02\x03\x04"
TEXT, BINARY = WSMsgType.TEXT, WSMsgType.BINARY


class _Control:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def pause_reading(self) -> None:
        self.calls.append("pause")

    def resume_reading(self) -> None:
        self.calls.append("resume")


def _inbox(limit: int = 1000) -> tuple[WebSocketInbox, _Control]:
    control = _Control()
    loop = asyncio.get_running_loop()
    return WebSocketInbox(WebSocketReader(0), control, loop=loop, limit=limit), control


def _frames(*payloads: bytes) -> bytes:
    return b"".join(encode_frame(payload, BINARY, mask_key=MASK) for payload in payloads)


# -- the inbox -------------------------------------------------------------------------------


async def test_messages_of_one_read_are_queued_in_order_and_taken_without_waiting() -> None:
    inbox, _ = _inbox()
    inbox.feed_data(_frames(b"a", b"b", b"c"))
    assert [inbox.get_nowait() for _ in range(4)] == [
        WSMessage(BINARY, b"a", ""),
        WSMessage(BINARY, b"b", ""),
        WSMessage(BINARY, b"c", ""),
        None,
    ]
    assert inbox.queued_bytes == 0


async def test_a_message_for_a_waiting_reader_is_handed_over_unqueued() -> None:
    inbox, _ = _inbox()
    waiter = inbox.wait()
    assert inbox.wait() is waiter  # one waiter at a time
    inbox.feed_data(_frames(b"x")[:3])  # not a whole frame: nothing to wake for
    assert not waiter.done()
    inbox.feed_data(_frames(b"x")[3:])
    assert waiter.result() == WSMessage(BINARY, b"x", "")
    assert not inbox.messages
    assert inbox.queued_bytes == 0


async def test_several_messages_are_queued_and_the_waiter_told_to_look() -> None:
    inbox, _ = _inbox()
    waiter = inbox.wait()
    inbox.feed_data(_frames(b"a", b"b"))
    assert waiter.result() is None
    assert [inbox.get_nowait(), inbox.get_nowait()] == [
        WSMessage(BINARY, b"a", ""),
        WSMessage(BINARY, b"b", ""),
    ]


async def test_the_end_of_input_wakes_the_waiter_with_none() -> None:
    inbox, _ = _inbox()
    waiter = inbox.wait()
    inbox.feed_eof()
    assert waiter.result() is None
    assert await inbox.read() is None


async def test_a_message_handed_to_an_abandoned_waiter_is_given_back_in_order() -> None:
    inbox, _ = _inbox()
    waiter = inbox.wait()
    inbox.feed_data(_frames(b"first"))  # handed over...
    inbox.feed_data(_frames(b"second"))  # ...and this one queued behind it
    inbox.give_back(waiter)  # the reader was cancelled before it took "first"
    assert [await inbox.read(), await inbox.read()] == [
        WSMessage(BINARY, b"first", ""),
        WSMessage(BINARY, b"second", ""),
    ]
    assert inbox.queued_bytes == 0


async def test_a_pending_waiter_given_back_gets_nothing_more() -> None:
    inbox, _ = _inbox()
    waiter = inbox.wait()
    inbox.give_back(waiter)  # e.g. an exception thrown into the waiting reader
    assert waiter.cancelled()
    inbox.feed_data(_frames(b"kept"))
    assert inbox.get_nowait() == WSMessage(BINARY, b"kept", "")


async def test_read_survives_cancellation_with_a_message_in_flight() -> None:
    inbox, _ = _inbox()
    task = asyncio.create_task(inbox.read())
    await asyncio.sleep(0)
    inbox.feed_data(_frames(b"m"))
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await inbox.read() == WSMessage(BINARY, b"m", "")


async def test_reading_pauses_above_the_limit_and_resumes_at_half() -> None:
    inbox, control = _inbox(limit=1000)
    inbox.feed_data(_frames(*[b"x" * 200] * 4))  # 4 x (200 + overhead) > 1000
    assert control.calls == ["pause"]
    inbox.feed_data(_frames(b"y" * 200))  # already paused: not again
    assert control.calls == ["pause"]
    taken = 0
    while inbox.queued_bytes > 500:
        assert inbox.get_nowait() is not None
        taken += 1
    assert control.calls == ["pause", "resume"]
    assert taken == 4  # 5 x 264 bytes queued: resumed at 264 <= 500, not at 528


async def test_a_flood_of_empty_frames_fills_the_inbox_too() -> None:
    inbox, control = _inbox(limit=1000)
    inbox.feed_data(_frames(*[b""] * 100))
    assert control.calls == ["pause"]


async def test_nothing_is_parsed_after_the_input_ended() -> None:
    inbox, _ = _inbox()
    inbox.connection_lost(ConnectionResetError("gone"))
    inbox.feed_data(_frames(b"late"))
    assert inbox.get_nowait() is None
    assert inbox.ended
    assert isinstance(inbox.lost_with, ConnectionResetError)


# -- receive() -------------------------------------------------------------------------------


async def test_a_message_arriving_as_the_waiting_receive_is_cancelled_stays_queued() -> None:
    response, client = await started()
    task = asyncio.create_task(response.receive())
    await asyncio.sleep(0)  # waiting in the inbox
    client.send("first", TEXT)  # wakes the waiter...
    task.cancel()  # ...but the task is cancelled before it runs
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await response.receive() == WSMessage(TEXT, "first", "")


async def test_a_message_arriving_as_receive_times_out_is_not_lost() -> None:
    response, client = await started()
    with pytest.raises(TimeoutError):
        await response.receive(timeout=0.01)
    client.send("after", TEXT)
    assert await response.receive(timeout=1) == WSMessage(TEXT, "after", "")


async def test_receive_takes_a_queued_message_without_suspending() -> None:
    response, client = await started()
    client.send("ready", TEXT)
    coroutine = response.receive()
    with pytest.raises(StopIteration) as finished:
        coroutine.send(None)  # the first step already returns
    assert finished.value.value == WSMessage(TEXT, "ready", "")


async def test_sends_do_not_suspend_when_no_drain_is_due() -> None:
    response, client = await started()
    for send in (
        response.send_str("s"),
        response.send_bytes(b"b"),
        response.send_frame(b"f", BINARY),
        response.ping(b"p"),
        response.pong(b"q"),
    ):
        with pytest.raises(StopIteration):
            send.send(None)
    assert [message.data for message in client.received()] == ["s", b"b", b"f", b"p", b"q"]


async def test_sends_drain_once_past_the_writer_limit() -> None:
    response, client = await started(WebSocketResponse(writer_limit=100))
    connection = client.request.protocol
    for _ in range(10):
        await response.send_bytes(b"x" * 40)
    # the fake transport cannot tell its buffer size, so each pass of the limit drains
    assert connection.drains >= 3


async def test_async_for_echoes_in_order_and_stops_at_close() -> None:
    response, client = await started()

    async def echo() -> None:
        async for message in response:
            if message.type is TEXT:
                await response.send_str(message.data)
            else:
                await response.send_bytes(message.data)

    task = asyncio.create_task(echo())
    for index in range(50):
        client.send(f"m{index}", TEXT)
        client.send(bytes([index]), BINARY)
        if index % 7 == 0:
            await asyncio.sleep(0)
    client.send_close()
    await asyncio.wait_for(task, 1)
    received = client.received()
    assert [m.data for m in received[:-1]] == [
        item for index in range(50) for item in (f"m{index}", bytes([index]))
    ]
    assert received[-1].type is WSMsgType.CLOSE


async def test_receive_after_the_input_ended_reports_closed_with_1006() -> None:
    response, client = await started()
    client.request.protocol.lose()
    message = await response.receive()
    assert message.type is WSMsgType.CLOSED
    assert response.close_code == 1006


async def test_a_receive_waiting_when_the_input_ends_reports_closed() -> None:
    response, client = await started()
    task = asyncio.create_task(response.receive())
    await asyncio.sleep(0)
    client.request.protocol.lose()
    assert (await asyncio.wait_for(task, 1)).type is WSMsgType.CLOSED


async def test_receive_str_and_bytes_on_the_short_path() -> None:
    response, client = await started()
    client.send("t", TEXT)
    client.send(b"b", BINARY)
    assert await response.receive_str() == "t"
    assert await response.receive_bytes() == b"b"

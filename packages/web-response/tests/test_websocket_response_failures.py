"""Failing the connection: bad frames, oversized messages, silence (timeouts, heartbeat)."""

from __future__ import annotations

import asyncio

import pytest
from ws_fakes import FakeClient, started

from aiostrata.http_parser import (
    WS_CLOSED_MESSAGE,
    WebSocketError,
    WSCloseCode,
    WSMessage,
    WSMsgType,
)
from aiostrata.web_response import WebSocketResponse, WSHeartbeatTimeout


async def test_a_message_over_max_msg_size_fails_with_1009() -> None:
    response, client = await started(WebSocketResponse(max_msg_size=1024))
    client.send(b"x" * 1025, WSMsgType.BINARY)
    message = await response.receive()
    assert message.type is WSMsgType.ERROR
    assert isinstance(message.data, WebSocketError)
    assert message.data.code == WSCloseCode.MESSAGE_TOO_BIG
    assert response.close_code == WSCloseCode.MESSAGE_TOO_BIG
    assert client.received() == [WSMessage(WSMsgType.CLOSE, 1009, "")]
    assert client.transport.closed
    assert response.exception() is message.data
    assert await response.receive() == WS_CLOSED_MESSAGE


async def test_max_msg_size_zero_means_no_limit() -> None:
    response, client = await started(WebSocketResponse(max_msg_size=0))
    client.send(b"x" * (5 * 1024 * 1024), WSMsgType.BINARY)
    assert len(await response.receive_bytes()) == 5 * 1024 * 1024


async def test_a_message_of_exactly_max_msg_size_is_accepted() -> None:
    response, client = await started(WebSocketResponse(max_msg_size=1024))
    client.send(b"x" * 1024, WSMsgType.BINARY)
    assert len(await response.receive_bytes()) == 1024


async def test_an_unmasked_client_frame_fails_with_1002() -> None:
    response, client = await started()
    client.send_unmasked(b"hello", WSMsgType.TEXT)
    message = await response.receive()
    assert message.type is WSMsgType.ERROR
    assert response.close_code == WSCloseCode.PROTOCOL_ERROR
    assert client.received() == [WSMessage(WSMsgType.CLOSE, 1002, "")]


async def test_invalid_utf8_text_fails_with_1007() -> None:
    response, client = await started()
    client.send(b"\xff\xfe", WSMsgType.TEXT)
    message = await response.receive()
    assert message.type is WSMsgType.ERROR
    assert response.close_code == WSCloseCode.INVALID_TEXT
    assert client.received() == [WSMessage(WSMsgType.CLOSE, 1007, "")]


async def test_async_for_yields_the_error_then_stops() -> None:
    response, client = await started()
    client.send_raw(b"\x83\x80\x00\x00\x00\x00")  # reserved opcode 0x3
    kinds = [message.type async for message in response]
    assert kinds == [WSMsgType.ERROR]
    assert response.close_code == WSCloseCode.PROTOCOL_ERROR


async def test_frames_after_a_protocol_error_are_ignored() -> None:
    response, client = await started()
    client.send_unmasked(b"bad", WSMsgType.TEXT)
    client.send("ignored", WSMsgType.TEXT)
    assert (await response.receive()).type is WSMsgType.ERROR
    assert await response.receive() == WS_CLOSED_MESSAGE


async def test_receive_timeout_raises_and_the_websocket_stays_usable() -> None:
    response, client = await started(WebSocketResponse(receive_timeout=0.01))
    with pytest.raises(asyncio.TimeoutError):
        await response.receive()
    assert not response.closed
    client.send("still here", WSMsgType.TEXT)
    assert (await response.receive()).data == "still here"


async def test_a_receive_timeout_argument_overrides_the_default() -> None:
    response, _ = await started()
    with pytest.raises(TimeoutError):
        await response.receive(timeout=0.01)
    with pytest.raises(TimeoutError):
        await response.receive_str(timeout=0.01)


async def test_heartbeat_pings_an_idle_peer() -> None:
    response, client = await started(WebSocketResponse(heartbeat=0.02))
    pinged = await _wait_for_frame(client, WSMsgType.PING)
    assert pinged.data == b""
    client.send(b"", WSMsgType.PONG)
    client.send_close()
    assert (await response.receive()).type is WSMsgType.CLOSE
    assert response.close_code == 1000


async def test_a_pong_keeps_the_heartbeat_connection_open() -> None:
    response, client = await started(WebSocketResponse(heartbeat=0.04))
    for _ in range(3):
        await _wait_for_frame(client, WSMsgType.PING)
        client.send(b"", WSMsgType.PONG)
    assert not response.closed
    assert response.close_code is None
    client.send_close()
    assert (await response.receive()).type is WSMsgType.CLOSE


async def test_no_pong_fails_a_waiting_receive_with_a_timeout_and_1006() -> None:
    response, client = await started(WebSocketResponse(heartbeat=0.02))
    message = await asyncio.wait_for(response.receive(), 5)
    assert message.type is WSMsgType.ERROR
    assert isinstance(message.data, WSHeartbeatTimeout)
    assert isinstance(message.data, asyncio.TimeoutError)
    assert response.closed
    assert response.close_code == WSCloseCode.ABNORMAL_CLOSURE
    assert response.exception() is message.data
    assert client.transport.closed
    # no close frame: the peer is presumed gone (RFC 6455 7.1.5)
    assert [m.type for m in client.received()] == [WSMsgType.PING]
    assert await response.receive() == WS_CLOSED_MESSAGE


async def test_no_pong_while_the_handler_is_not_reading_closes_too() -> None:
    response, client = await started(WebSocketResponse(heartbeat=0.02))
    await asyncio.wait_for(client.transport.closed_event.wait(), 5)
    assert response.closed
    assert response.close_code == WSCloseCode.ABNORMAL_CLOSURE
    assert client.transport.closed
    assert await response.receive() == WS_CLOSED_MESSAGE


async def test_closing_stops_the_heartbeat() -> None:
    response, client = await started(WebSocketResponse(heartbeat=0.02))
    client.send_close()
    await response.receive()
    await asyncio.sleep(0.08)
    assert [m.type for m in client.received()] == [WSMsgType.CLOSE]
    assert response.close_code == 1000


async def _wait_for_frame(client: FakeClient, kind: WSMsgType) -> WSMessage:
    async with asyncio.timeout(5):
        while True:
            for message in client.received():
                if message.type is kind:
                    return message
            await asyncio.sleep(0.005)

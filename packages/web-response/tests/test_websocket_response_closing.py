"""The closing handshake both ways (RFC 6455 5.5.1, 7.1), and a peer that just goes away."""

from __future__ import annotations

import asyncio

import pytest
from ws_fakes import started

from aiostrata.http_parser import WS_CLOSED_MESSAGE, WSCloseCode, WSMessage, WSMsgType
from aiostrata.web_response import WebSocketResponse


async def test_peer_close_is_answered_and_returned_then_closed() -> None:
    response, client = await started()
    client.send_close(4001, "bye")
    message = await response.receive()
    assert message == WSMessage(WSMsgType.CLOSE, 4001, "bye")
    assert response.closed
    assert response.close_code == 4001
    # autoclose answered with a close frame, then the server closed TCP (RFC 6455 7.1.1)
    assert client.received() == [WSMessage(WSMsgType.CLOSE, 1000, "")]
    assert client.transport.closed
    assert await response.receive() == WS_CLOSED_MESSAGE


async def test_without_autoclose_the_handler_answers_the_close() -> None:
    response, client = await started(WebSocketResponse(autoclose=False))
    client.send_close(1001)
    assert (await response.receive()).type is WSMsgType.CLOSE
    assert not response.closed
    assert response.close_code == 1001
    assert client.received() == []
    assert (await response.receive()).type is WSMsgType.CLOSING
    assert await response.close(code=1000, message=b"ok")
    assert client.received() == [WSMessage(WSMsgType.CLOSE, 1000, "ok")]
    assert client.transport.closed
    assert response.close_code == 1001


async def test_server_close_sends_the_code_and_waits_for_the_peers_close() -> None:
    response, client = await started()
    closing = asyncio.create_task(response.close(code=WSCloseCode.GOING_AWAY, message="later"))
    await asyncio.sleep(0)
    assert client.received() == [WSMessage(WSMsgType.CLOSE, 1001, "later")]
    assert not closing.done()
    assert response.closed
    client.send("late data is dropped", WSMsgType.TEXT)
    client.send_close(1001)
    assert await closing is True
    assert response.close_code == 1001
    assert client.transport.closed
    assert response.exception() is None


async def test_close_gives_up_after_timeout_with_1006() -> None:
    response, client = await started(WebSocketResponse(timeout=0.01))
    assert await response.close() is True
    assert response.close_code == WSCloseCode.ABNORMAL_CLOSURE
    assert isinstance(response.exception(), TimeoutError)
    assert client.transport.closed


async def test_close_twice_returns_false() -> None:
    response, client = await started(WebSocketResponse(timeout=0.01))
    assert await response.close() is True
    assert await response.close() is False
    assert [m.type for m in client.received()] == [WSMsgType.CLOSE]


async def test_close_from_another_task_ends_the_receive_loop() -> None:
    response, client = await started()
    seen: list[WSMsgType] = []

    async def handler_loop() -> None:
        seen.extend([message.type async for message in response])
        seen.append(WSMsgType.CLOSED)

    loop_task = asyncio.create_task(handler_loop())
    await asyncio.sleep(0)
    closing = asyncio.create_task(response.close(code=WSCloseCode.GOING_AWAY))
    await loop_task  # receive() returned CLOSING: the iteration stopped
    assert seen == [WSMsgType.CLOSED]
    assert not closing.done()  # still waiting for the peer's close frame
    client.send_close(1000)
    assert await closing is True
    assert response.close_code == 1000
    assert client.received() == [WSMessage(WSMsgType.CLOSE, 1001, "")]


async def test_write_eof_lets_a_close_in_progress_finish() -> None:
    response, client = await started()
    closing = asyncio.create_task(response.close())
    await asyncio.sleep(0)
    finishing = asyncio.create_task(response.write_eof())
    await asyncio.sleep(0)
    assert not finishing.done()
    assert not client.transport.closed
    client.send_close(1000)
    await finishing
    assert await closing
    assert client.transport.closed


async def test_write_eof_closes_an_open_websocket() -> None:
    response, client = await started(WebSocketResponse(timeout=0.01))
    await response.write_eof()
    assert [m.type for m in client.received()] == [WSMsgType.CLOSE]
    await response.write_eof()  # a second call does nothing
    assert client.received() == []


async def test_sending_after_close_raises_connection_reset_error() -> None:
    response, client = await started()
    client.send_close()
    await response.receive()
    with pytest.raises(ConnectionResetError):
        await response.send_str("too late")
    with pytest.raises(ConnectionResetError):
        await response.ping()


async def test_sending_after_our_close_frame_raises_connection_reset_error() -> None:
    response, client = await started()
    closing = asyncio.create_task(response.close())
    await asyncio.sleep(0)
    with pytest.raises(ConnectionResetError):
        await response.send_bytes(b"too late")
    client.send_close()
    await closing


async def test_a_lost_connection_ends_receive_with_closed_and_1006() -> None:
    response, client = await started()
    waiting = asyncio.create_task(response.receive())
    await asyncio.sleep(0)
    reset = ConnectionResetError("peer reset")
    client.request.protocol.lose(reset)
    assert await waiting == WS_CLOSED_MESSAGE
    assert response.closed
    assert response.close_code == WSCloseCode.ABNORMAL_CLOSURE
    assert response.exception() is reset


async def test_eof_without_close_frame_is_an_abnormal_closure() -> None:
    response, client = await started()
    client.send("last words", WSMsgType.TEXT)
    assert client.request.protocol.receiver is not None
    client.request.protocol.receiver.feed_eof()
    assert (await response.receive()).data == "last words"
    assert await response.receive() == WS_CLOSED_MESSAGE
    assert response.close_code == WSCloseCode.ABNORMAL_CLOSURE
    assert client.transport.closed


async def test_receiving_on_a_closed_websocket_eventually_raises() -> None:
    response, client = await started()
    client.send_close()
    await response.receive()
    for _ in range(4):
        assert await response.receive() == WS_CLOSED_MESSAGE
    with pytest.raises(RuntimeError, match="closed"):
        await response.receive()


async def test_close_on_a_dead_transport_records_the_error() -> None:
    response, client = await started()
    client.request.protocol.lose()
    assert await response.close() is True
    assert response.close_code == WSCloseCode.ABNORMAL_CLOSURE
    assert isinstance(response.exception(), ConnectionResetError)


async def test_an_invalid_close_code_from_the_handler_is_refused_before_sending() -> None:
    response, client = await started()
    assert await response.close(code=1006) is True  # 1006 may never be sent (RFC 6455 7.4.1)
    assert isinstance(response.exception(), ValueError)
    assert client.received() == []
    assert response.close_code == WSCloseCode.ABNORMAL_CLOSURE

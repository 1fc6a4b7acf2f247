"""Sending and receiving messages, and the ping-pong game receive() plays for the handler."""

from __future__ import annotations

import asyncio
import json

import pytest
from ws_fakes import FakeClient, FakeWSRequest, handshake_headers, started

from aiostrata.http_parser import DeflateParams, WSMessage, WSMsgType, encode_frame
from aiostrata.web_response import WebSocketResponse, WSMessageTypeError


async def test_send_str_bytes_and_json_become_text_and_binary_frames() -> None:
    response, client = await started()
    await response.send_str("héllo")
    await response.send_bytes(b"\x00\x01")
    await response.send_bytes(bytearray(b"ba"))
    await response.send_bytes(memoryview(b"mv"))
    await response.send_json({"a": [1, 2]})
    assert client.received() == [
        WSMessage(WSMsgType.TEXT, "héllo", ""),
        WSMessage(WSMsgType.BINARY, b"\x00\x01", ""),
        WSMessage(WSMsgType.BINARY, b"ba", ""),
        WSMessage(WSMsgType.BINARY, b"mv", ""),
        WSMessage(WSMsgType.TEXT, '{"a": [1, 2]}', ""),
    ]


async def test_server_frames_are_never_masked() -> None:
    response, client = await started()
    await response.send_str("x")
    frame = client.transport.writes[-1]
    assert frame == b"\x81\x01x"  # FIN+TEXT, unmasked length 1 (RFC 6455 5.1)


async def test_send_json_uses_the_given_dumps() -> None:
    response, client = await started()
    await response.send_json([1], dumps=lambda data: "custom")
    assert client.received() == [WSMessage(WSMsgType.TEXT, "custom", "")]


async def test_send_frame_sends_bytes_with_the_opcode_as_is() -> None:
    response, client = await started()
    await response.send_frame(b"raw", WSMsgType.TEXT)
    await response.send_frame(b"\xff", WSMsgType.BINARY)
    assert client.received() == [
        WSMessage(WSMsgType.TEXT, "raw", ""),
        WSMessage(WSMsgType.BINARY, b"\xff", ""),
    ]


async def test_send_with_the_wrong_type_raises_type_error() -> None:
    response, _ = await started()
    with pytest.raises(TypeError):
        await response.send_str(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        await response.send_bytes("text")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        await response.send_json(object())


async def test_write_is_not_allowed_on_a_websocket() -> None:
    response, _ = await started()
    with pytest.raises(RuntimeError, match="websocket"):
        await response.write(b"x")


async def test_receive_returns_text_and_binary_messages_in_order() -> None:
    response, client = await started()
    client.send("one", WSMsgType.TEXT)
    client.send(b"two", WSMsgType.BINARY)
    assert await response.receive() == WSMessage(WSMsgType.TEXT, "one", "")
    assert await response.receive() == WSMessage(WSMsgType.BINARY, b"two", "")


async def test_receive_waits_for_a_message_split_across_reads() -> None:
    response, client = await started()
    frame_task = asyncio.create_task(response.receive())
    encoded = client._encoder.encode(b"split message", WSMsgType.TEXT)
    for byte in encoded:
        client.send_raw(bytes([byte]))
        await asyncio.sleep(0)
    assert (await frame_task).data == "split message"


async def test_receive_str_bytes_and_json_check_the_type() -> None:
    response, client = await started()
    client.send("text", WSMsgType.TEXT)
    client.send(b"bin", WSMsgType.BINARY)
    client.send('{"k": 1}', WSMsgType.TEXT)
    assert await response.receive_str() == "text"
    assert await response.receive_bytes() == b"bin"
    assert await response.receive_json() == {"k": 1}
    client.send(b"bin", WSMsgType.BINARY)
    with pytest.raises(WSMessageTypeError, match=r"is not WSMsgType\.TEXT"):
        await response.receive_str()
    client.send("text", WSMsgType.TEXT)
    with pytest.raises(TypeError, match=r"is not WSMsgType\.BINARY"):
        await response.receive_bytes()


async def test_receive_json_uses_loads_and_raises_value_error_on_bad_json() -> None:
    response, client = await started()
    client.send("[1]", WSMsgType.TEXT)
    assert await response.receive_json(loads=lambda text: ("loaded", text)) == ("loaded", "[1]")
    client.send("{nope", WSMsgType.TEXT)
    with pytest.raises(json.JSONDecodeError):
        await response.receive_json()


async def test_autoping_answers_a_ping_with_its_payload_and_keeps_reading() -> None:
    response, client = await started()
    client.send(b"are you there", WSMsgType.PING)
    client.send("after", WSMsgType.TEXT)
    assert await response.receive() == WSMessage(WSMsgType.TEXT, "after", "")
    # RFC 6455 5.5.3: the PONG carries the PING's application data
    assert client.received() == [WSMessage(WSMsgType.PONG, b"are you there", "")]


async def test_autoping_swallows_pongs() -> None:
    response, client = await started()
    client.send(b"unsolicited", WSMsgType.PONG)
    client.send("next", WSMsgType.TEXT)
    assert (await response.receive()).data == "next"


async def test_without_autoping_pings_and_pongs_reach_the_handler() -> None:
    response, client = await started(WebSocketResponse(autoping=False))
    client.send(b"p", WSMsgType.PING)
    client.send(b"q", WSMsgType.PONG)
    assert await response.receive() == WSMessage(WSMsgType.PING, b"p", "")
    assert await response.receive() == WSMessage(WSMsgType.PONG, b"q", "")
    assert client.received() == []  # nothing answered on our behalf
    await response.pong(b"p")
    assert client.received() == [WSMessage(WSMsgType.PONG, b"p", "")]


async def test_ping_and_pong_accept_str_as_utf8() -> None:
    response, client = await started()
    await response.ping("ö")
    await response.pong("ü")
    assert client.received() == [
        WSMessage(WSMsgType.PING, "ö".encode(), ""),
        WSMessage(WSMsgType.PONG, "ü".encode(), ""),
    ]


async def test_async_for_iterates_until_the_peer_closes() -> None:
    response, client = await started()
    client.send("a", WSMsgType.TEXT)
    client.send("b", WSMsgType.TEXT)
    client.send_close(1000)
    echoed = []
    async for message in response:
        echoed.append(message.data)
        await response.send_str(message.data)
    assert echoed == ["a", "b"]
    assert [m.data for m in client.received()] == ["a", "b", 1000]


async def test_fragmented_messages_are_reassembled() -> None:
    response, client = await started()
    client.send_raw(_masked(0x01, b"frag", fin=False))
    client.send(b"ping", WSMsgType.PING)  # RFC 6455 5.4: control frames may interleave
    client.send_raw(_masked(0x00, b"ments", fin=True))
    assert await response.receive() == WSMessage(WSMsgType.TEXT, "fragments", "")


async def test_concurrent_receive_is_refused() -> None:
    response, _ = await started()
    first = asyncio.create_task(response.receive())
    await asyncio.sleep(0)
    with pytest.raises(RuntimeError, match="Concurrent call to receive"):
        await response.receive()
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first


async def test_deflate_compressed_messages_round_trip() -> None:
    offer = "permessage-deflate"
    request = FakeWSRequest(raw_headers=handshake_headers(Sec_WebSocket_Extensions=offer))
    response = WebSocketResponse()
    await response.prepare(request)
    client = FakeClient(request, deflate=DeflateParams())
    client.send("zip " * 100, WSMsgType.TEXT)
    assert await response.receive_str() == "zip " * 100
    await response.send_str("zap " * 100)
    frame = client.transport.writes[-1]
    assert frame[0] & 0x40  # RSV1: compressed (RFC 7692 6)
    assert len(frame) < 100
    await response.send_bytes(b"plain", compress=0)
    assert not client.transport.writes[-1][0] & 0x40
    assert [m.data for m in client.received()] == ["zap " * 100, b"plain"]


async def test_many_unread_messages_pause_reading_until_the_handler_catches_up() -> None:
    response, client = await started()
    connection = client.request.protocol
    for _ in range(20):
        client.send(b"x" * 8192, WSMsgType.BINARY)
    assert (connection.pauses, connection.resumes) == (1, 0)
    for _ in range(20):
        assert len(await response.receive_bytes()) == 8192
    assert (connection.pauses, connection.resumes) == (1, 1)


async def test_a_flood_of_empty_messages_also_pauses_reading() -> None:
    """Each queued message costs memory beyond its payload: empty ones must count too."""
    response, client = await started()
    connection = client.request.protocol
    for _ in range(5000):
        client.send(b"", WSMsgType.BINARY)
    assert connection.pauses == 1
    for _ in range(5000):
        assert await response.receive_bytes() == b""
    assert connection.resumes == 1


def _masked(opcode: int, payload: bytes, *, fin: bool) -> bytes:
    return encode_frame(payload, opcode, fin=fin, mask_key=b"\x01\x02\x03\x04")

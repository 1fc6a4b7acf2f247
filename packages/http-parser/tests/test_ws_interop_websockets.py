"""Interoperability with the ``websockets`` library's sans-IO client.

The client's real handshake request goes through our HTTP parser and
``server_handshake``; its frames (masked, fragmented, permessage-deflate with each
negotiable parameter) go through our reader, and our writer's frames go back to it.
"""

from __future__ import annotations

from typing import Any

import pytest
from websockets.client import ClientProtocol
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.protocol import State
from websockets.uri import parse_uri
from ws_fakes import RecordingConnection

from aiostrata.http_parser import (
    HttpRequestParser,
    RequestHead,
    WebSocketReader,
    WebSocketWriter,
    WSHandshake,
    WSMessage,
    WSMsgType,
    server_handshake,
)
from aiostrata.http_parser import WebSocketFrameEncoder as Encoder

DEFLATE_OPTIONS: list[dict[str, Any]] = [
    {},
    {"client_max_window_bits": 10},
    {"server_max_window_bits": 12},
    {"server_no_context_takeover": True},
    {"client_no_context_takeover": True},
    {
        "server_no_context_takeover": True,
        "client_no_context_takeover": True,
        "server_max_window_bits": 9,
        "client_max_window_bits": 9,
    },
]


def connect(
    extensions: list[ClientPerMessageDeflateFactory] | None = None,
    subprotocols: list[str] | None = None,
) -> tuple[ClientProtocol, WSHandshake]:
    """Run the opening handshake between a websockets client and our server side."""
    client = ClientProtocol(
        parse_uri("ws://127.0.0.1:8080/chat"),
        extensions=extensions,
        subprotocols=subprotocols,  # type: ignore[arg-type]
        max_size=None,
    )
    client.send_request(client.connect())
    events = HttpRequestParser().feed_data(b"".join(client.data_to_send()))
    head = events[0]
    assert isinstance(head, RequestHead)
    message = head.message
    handshake = server_handshake(
        message.method, message.version, message.headers, protocols=["chat", "other"]
    )
    lines = ["HTTP/1.1 101 Switching Protocols"]
    lines += [f"{name}: {value}" for name, value in handshake.response_headers()]
    client.receive_data(("\r\n".join(lines) + "\r\n\r\n").encode())
    [response] = client.events_received()
    assert isinstance(response, Response)
    assert client.state is State.OPEN, client.handshake_exc
    return client, handshake


def server_reader_for(handshake: WSHandshake) -> WebSocketReader:
    return WebSocketReader(0, is_server=True, deflate=handshake.deflate)


def client_frames(client: ClientProtocol) -> list[Frame]:
    return [event for event in client.events_received() if isinstance(event, Frame)]


def test_handshake_agrees_on_the_subprotocol() -> None:
    client, handshake = connect(subprotocols=["chat"])
    assert handshake.protocol == client.subprotocol == "chat"


@pytest.mark.parametrize("options", DEFLATE_OPTIONS)
def test_reader_decodes_the_websockets_clients_compressed_messages(options: dict[str, Any]) -> None:
    client, handshake = connect([ClientPerMessageDeflateFactory(**options)])
    assert handshake.deflate is not None
    reader = server_reader_for(handshake)
    expected: list[WSMessage] = []
    for round_ in range(4):
        text = f"message {round_} " + "repetitive text " * 200
        client.send_text(text.encode())
        client.send_binary(bytes(range(256)) * round_)
        client.send_ping(b"are you there")
        expected += [
            WSMessage(WSMsgType.TEXT, text, ""),
            WSMessage(WSMsgType.BINARY, bytes(range(256)) * round_, ""),
            WSMessage(WSMsgType.PING, b"are you there", ""),
        ]
    messages: list[WSMessage] = []
    for chunk in client.data_to_send():
        messages += reader.feed_data(chunk)
    assert messages == expected


def test_reader_decodes_fragmented_messages_from_websockets() -> None:
    client, handshake = connect([ClientPerMessageDeflateFactory()])
    client.send_text("naïve ".encode()[:3], fin=False)
    client.send_continuation("naïve ".encode()[3:], fin=False)
    client.send_ping(b"between")
    client.send_continuation("café".encode(), fin=True)
    wire = b"".join(client.data_to_send())
    expected = [
        WSMessage(WSMsgType.PING, b"between", ""),
        WSMessage(WSMsgType.TEXT, "naïve café", ""),
    ]
    assert server_reader_for(handshake).feed_data(wire) == expected
    bytewise = server_reader_for(handshake)
    assert [m for i in range(len(wire)) for m in bytewise.feed_data(wire[i : i + 1])] == expected


def test_uncompressed_connection_and_close_from_websockets() -> None:
    client, handshake = connect()
    assert handshake.deflate is None
    reader = server_reader_for(handshake)
    client.send_binary(b"\x00" * 70000)
    client.send_close(1001, "going away")
    messages: list[WSMessage] = []
    for chunk in client.data_to_send():
        messages += reader.feed_data(chunk)
    assert messages == [
        WSMessage(WSMsgType.BINARY, b"\x00" * 70000, ""),
        WSMessage(WSMsgType.CLOSE, 1001, "going away"),
    ]


@pytest.mark.parametrize("options", DEFLATE_OPTIONS)
def test_websockets_client_decodes_our_compressed_frames(options: dict[str, Any]) -> None:
    client, handshake = connect([ClientPerMessageDeflateFactory(**options)])
    encoder = Encoder(is_server=True, deflate=handshake.deflate)
    sent = [f"reply {i} " * (50 * i + 1) for i in range(5)]
    for text in sent:
        client.receive_data(encoder.encode(text.encode(), WSMsgType.TEXT))
    client.receive_data(encoder.encode(b"\x01\x02" * 40000, WSMsgType.BINARY, compress=10))
    client.receive_data(encoder.encode(b"after a one-off window", WSMsgType.TEXT))
    frames = client_frames(client)
    assert [frame.opcode for frame in frames] == [Opcode.TEXT] * 5 + [Opcode.BINARY, Opcode.TEXT]
    assert [bytes(frame.data).decode() for frame in frames[:5]] == sent
    assert frames[5].data == b"\x01\x02" * 40000
    assert frames[6].data == b"after a one-off window"


async def test_websockets_client_receives_our_close() -> None:
    client, handshake = connect()

    connection = RecordingConnection()
    writer = WebSocketWriter(connection, deflate=handshake.deflate)
    await writer.send_frame(b"last words", WSMsgType.TEXT)
    await writer.close(1000, "done")
    client.receive_data(connection.wire())
    frames = client_frames(client)
    assert frames[0].data == b"last words"
    assert frames[1].opcode is Opcode.CLOSE
    assert client.close_rcvd is not None
    assert (client.close_rcvd.code, client.close_rcvd.reason) == (1000, "done")

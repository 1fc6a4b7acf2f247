"""WebSocketResponse.prepare / can_prepare: the 101 answer, and the HTTP errors that refuse."""

from __future__ import annotations

import pytest
from ws_fakes import FakeWSRequest, handshake_headers, started

from aiostrata.http_parser import HttpVersion10, websocket_accept
from aiostrata.web_response import (
    HTTPBadRequest,
    HTTPException,
    HTTPMethodNotAllowed,
    HTTPUpgradeRequired,
    WebSocketReady,
    WebSocketResponse,
)


def _head_fields(head: str) -> dict[str, str]:
    _, *lines = head.split("\r\n")
    return {name.lower(): value for name, _, value in (line.partition(": ") for line in lines)}


async def test_prepare_answers_101_with_the_accept_key_and_upgrade_fields() -> None:
    request = FakeWSRequest()
    response, client = await started(request=request)
    assert client.head.startswith("HTTP/1.1 101 Switching Protocols\r\n")
    fields = _head_fields(client.head)
    assert fields["upgrade"] == "websocket"
    assert fields["connection"] == "upgrade"
    key = request.raw_headers["Sec-WebSocket-Key"]
    assert fields["sec-websocket-accept"] == websocket_accept(key)
    assert "content-type" not in fields
    assert "transfer-encoding" not in fields
    assert "content-length" not in fields
    assert response.prepared
    assert response.keep_alive is False
    assert request.prepared_responses == [response]  # on_response_prepare ran


async def test_rfc6455_sample_key_gets_the_rfc_accept_value() -> None:
    sample_key = "dGhlIHNhbXBsZSBub25jZQ=="
    request = FakeWSRequest(raw_headers=handshake_headers(Sec_WebSocket_Key=sample_key))
    _, client = await started(request=request)
    # RFC 6455 1.3's worked example
    assert _head_fields(client.head)["sec-websocket-accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


async def test_the_first_client_subprotocol_the_server_knows_is_chosen() -> None:
    request = FakeWSRequest(raw_headers=handshake_headers(Sec_WebSocket_Protocol="chat, superchat"))
    response = WebSocketResponse(protocols=("superchat", "chat"))
    _, client = await started(response, request)
    assert response.ws_protocol == "chat"
    assert _head_fields(client.head)["sec-websocket-protocol"] == "chat"


async def test_no_overlapping_subprotocol_leaves_ws_protocol_none_and_no_field() -> None:
    request = FakeWSRequest(raw_headers=handshake_headers(Sec_WebSocket_Protocol="mqtt"))
    response = WebSocketResponse(protocols=("chat",))
    _, client = await started(response, request)
    assert response.ws_protocol is None
    assert "sec-websocket-protocol" not in _head_fields(client.head)


async def test_permessage_deflate_is_negotiated_when_offered_and_compress_is_on() -> None:
    offer = "permessage-deflate; client_max_window_bits"
    request = FakeWSRequest(raw_headers=handshake_headers(Sec_WebSocket_Extensions=offer))
    response = WebSocketResponse()
    offered = response.compress
    _, client = await started(response, request)
    assert _head_fields(client.head)["sec-websocket-extensions"].startswith("permessage-deflate")
    negotiated = response.compress
    assert offered is True
    assert negotiated == 15


async def test_compress_false_declines_permessage_deflate() -> None:
    offer = "permessage-deflate"
    request = FakeWSRequest(raw_headers=handshake_headers(Sec_WebSocket_Extensions=offer))
    response = WebSocketResponse(compress=False)
    _, client = await started(response, request)
    assert "sec-websocket-extensions" not in _head_fields(client.head)
    assert response.compress == 0


async def test_without_an_offer_nothing_is_compressed() -> None:
    response, client = await started()
    assert "sec-websocket-extensions" not in _head_fields(client.head)
    assert response.compress == 0


async def test_prepare_twice_returns_the_same_writer_and_writes_one_head() -> None:
    request = FakeWSRequest()
    response = WebSocketResponse()
    first = await response.prepare(request)
    second = await response.prepare(request)
    assert first is second
    assert request.protocol.fake_transport.data.count(b"HTTP/1.1 101") == 1


async def test_prepare_hands_the_connection_input_to_the_response() -> None:
    request = FakeWSRequest()
    await WebSocketResponse().prepare(request)
    assert request.protocol.receiver is not None


async def test_a_post_is_refused_with_405_allowing_get() -> None:
    request = FakeWSRequest(method="POST")
    with pytest.raises(HTTPMethodNotAllowed) as caught:
        await WebSocketResponse().prepare(request)
    assert caught.value.status == 405
    assert caught.value.headers["Allow"] == "GET"
    assert request.protocol.fake_transport.data == b""  # nothing was sent


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(handshake_headers(Upgrade="h2c"), id="upgrade-not-websocket"),
        pytest.param(handshake_headers(Connection="keep-alive"), id="connection-not-upgrade"),
        pytest.param(handshake_headers(Sec_WebSocket_Key="short"), id="key-not-16-bytes"),
        pytest.param(
            {k: v for k, v in handshake_headers().items() if k != "Sec-WebSocket-Key"},
            id="key-missing",
        ),
    ],
)
async def test_a_broken_handshake_is_refused_with_400(headers: dict[str, str]) -> None:
    request = FakeWSRequest(raw_headers=headers)
    with pytest.raises(HTTPBadRequest) as caught:
        await WebSocketResponse().prepare(request)
    assert caught.value.status == 400
    assert caught.value.text
    assert request.protocol.receiver is None


async def test_http_10_cannot_upgrade() -> None:
    with pytest.raises(HTTPBadRequest):
        await WebSocketResponse().prepare(FakeWSRequest(version=HttpVersion10))


async def test_an_unsupported_version_gets_426_naming_version_13() -> None:
    request = FakeWSRequest(raw_headers=handshake_headers(Sec_WebSocket_Version="8"))
    with pytest.raises(HTTPUpgradeRequired) as caught:
        await WebSocketResponse().prepare(request)
    assert caught.value.status == 426
    assert caught.value.headers["Sec-WebSocket-Version"] == "13"


async def test_handshake_errors_are_http_exceptions_a_handler_can_let_through() -> None:
    with pytest.raises(HTTPException):
        await WebSocketResponse().prepare(FakeWSRequest(raw_headers={"Host": "x"}))


async def test_a_connection_that_cannot_be_upgraded_is_a_runtime_error() -> None:
    request = FakeWSRequest()
    request.protocol = object()  # type: ignore[assignment]
    with pytest.raises(RuntimeError, match="upgraded"):
        await WebSocketResponse().prepare(request)


def test_can_prepare_says_ok_with_the_chosen_protocol() -> None:
    request = FakeWSRequest(raw_headers=handshake_headers(Sec_WebSocket_Protocol="b, a"))
    ready = WebSocketResponse(protocols=("a",)).can_prepare(request)
    assert ready == WebSocketReady(True, "a")
    assert ready.ok
    assert ready.protocol == "a"
    assert bool(ready)


def test_can_prepare_is_ok_with_no_protocol_when_none_overlap() -> None:
    ready = WebSocketResponse(protocols=("a",)).can_prepare(FakeWSRequest())
    assert ready == WebSocketReady(True, None)
    assert ready


@pytest.mark.parametrize(
    "request_",
    [
        pytest.param(FakeWSRequest(method="POST"), id="post"),
        pytest.param(FakeWSRequest(raw_headers={"Host": "x"}), id="plain-get"),
        pytest.param(
            FakeWSRequest(raw_headers=handshake_headers(Sec_WebSocket_Version="7")),
            id="old-version",
        ),
    ],
)
def test_can_prepare_never_raises_for_a_non_handshake(request_: FakeWSRequest) -> None:
    ready = WebSocketResponse().can_prepare(request_)
    assert ready == WebSocketReady(False, None)
    assert not ready


async def test_can_prepare_after_prepare_is_an_error() -> None:
    response, client = await started()
    with pytest.raises(RuntimeError, match="Already started"):
        response.can_prepare(client.request)


async def test_methods_before_prepare_raise_runtime_error() -> None:
    response = WebSocketResponse()
    with pytest.raises(RuntimeError):
        await response.send_str("x")
    with pytest.raises(RuntimeError):
        await response.send_bytes(b"x")
    with pytest.raises(RuntimeError):
        await response.ping()
    with pytest.raises(RuntimeError):
        await response.pong()
    with pytest.raises(RuntimeError):
        await response.receive()
    with pytest.raises(RuntimeError):
        await response.close()
    with pytest.raises(RuntimeError):
        await response.write_eof()
    assert response.get_extra_info("peername", "none") == "none"


async def test_get_extra_info_reads_the_transport() -> None:
    response, client = await started()
    assert response.get_extra_info("peername") == ("127.0.0.1", 5555)
    assert response.get_extra_info("missing", 7) == 7
    client.request.protocol.lose()
    assert response.get_extra_info("peername", "gone") == "gone"


def test_constructor_defaults_match_aiohttp() -> None:
    response = WebSocketResponse()
    assert response.status == 101
    assert response.closed is False
    assert response.close_code is None
    assert response.ws_protocol is None
    assert response.exception() is None
    assert response.compress is True


def test_nonsense_limits_are_refused() -> None:
    with pytest.raises(ValueError, match="max_msg_size"):
        WebSocketResponse(max_msg_size=-1)
    with pytest.raises(ValueError, match="heartbeat"):
        WebSocketResponse(heartbeat=0)

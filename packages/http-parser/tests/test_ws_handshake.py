"""The server's opening handshake: validation, accept key and subprotocol (RFC 6455 4.2)."""

from __future__ import annotations

import base64

import pytest
from multidict import CIMultiDict

from aiostrata.http_parser import (
    DeflateParams,
    HttpProcessingError,
    HttpVersion10,
    HttpVersion11,
    WSHandshakeError,
    WSMethodNotAllowed,
    WSUnsupportedVersion,
    check_handshake_request,
    select_protocol,
    server_handshake,
    websocket_accept,
)

KEY = "dGhlIHNhbXBsZSBub25jZQ=="  # RFC 6455 1.3's example


def request_headers(*extra: tuple[str, str], drop: str = "") -> CIMultiDict[str]:
    base = [
        ("Host", "example.com"),
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Key", KEY),
        ("Sec-WebSocket-Version", "13"),
    ]
    return CIMultiDict([(k, v) for k, v in base if k != drop] + list(extra))


def test_accept_key_matches_the_rfc_example() -> None:
    assert websocket_accept(KEY) == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


def test_a_valid_request_returns_its_key_and_the_101_headers() -> None:
    handshake = server_handshake("GET", HttpVersion11, request_headers())
    assert handshake.key == KEY
    assert handshake.response_headers() == [
        ("Upgrade", "websocket"),
        ("Connection", "upgrade"),
        ("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
    ]


@pytest.mark.parametrize(
    ("upgrade", "connection"),
    [
        ("WebSocket", "upgrade"),
        ("WEBSOCKET", "keep-alive, Upgrade"),
        ("websocket, h2c", "UPGRADE,keep-alive"),
    ],
)
def test_upgrade_and_connection_tokens_match_ascii_case_insensitively(
    upgrade: str, connection: str
) -> None:
    headers = request_headers(drop="Upgrade")
    headers["Upgrade"] = upgrade
    headers["Connection"] = connection
    assert check_handshake_request("GET", HttpVersion11, headers) == KEY


@pytest.mark.parametrize("upgrade", ["websocke\u212a", "web socket", "h2c", "websocket2", ""])
def test_upgrade_without_the_websocket_token_is_400(upgrade: str) -> None:
    headers = request_headers(drop="Upgrade")
    headers["Upgrade"] = upgrade
    with pytest.raises(WSHandshakeError) as info:
        check_handshake_request("GET", HttpVersion11, headers)
    assert info.value.code == 400


def test_missing_upgrade_is_400() -> None:
    with pytest.raises(WSHandshakeError, match="UPGRADE") as info:
        check_handshake_request("GET", HttpVersion11, request_headers(drop="Upgrade"))
    assert info.value.code == 400


@pytest.mark.parametrize("connection", ["keep-alive", "upgrades", "\u0075pgrade\u0131"])
def test_connection_without_upgrade_is_400(connection: str) -> None:
    headers = request_headers(drop="Connection")
    headers["Connection"] = connection
    with pytest.raises(WSHandshakeError) as info:
        check_handshake_request("GET", HttpVersion11, headers)
    assert info.value.code == 400


@pytest.mark.parametrize("method", ["POST", "HEAD", "get"])
def test_a_handshake_must_be_a_get(method: str) -> None:
    with pytest.raises(WSMethodNotAllowed) as info:
        check_handshake_request(method, HttpVersion11, request_headers())
    assert info.value.code == 405
    assert ("Allow", "GET") in info.value.headers


def test_http_10_cannot_upgrade() -> None:
    with pytest.raises(WSHandshakeError) as info:
        check_handshake_request("GET", HttpVersion10, request_headers())
    assert info.value.code == 400


@pytest.mark.parametrize("version", ["8", "7", "14", "13, 8", "", "1 3"])
def test_other_versions_get_426_with_the_supported_version(version: str) -> None:
    headers = request_headers(drop="Sec-WebSocket-Version")
    headers["Sec-WebSocket-Version"] = version
    with pytest.raises(WSUnsupportedVersion) as info:
        check_handshake_request("GET", HttpVersion11, headers)
    error = info.value
    assert error.code == 426
    assert error.supported_versions == ("13",)
    assert ("Sec-WebSocket-Version", "13") in error.headers
    assert ("Upgrade", "websocket") in error.headers
    assert isinstance(error, HttpProcessingError)


def test_missing_version_gets_426() -> None:
    with pytest.raises(WSUnsupportedVersion):
        check_handshake_request("GET", HttpVersion11, request_headers(drop="Sec-WebSocket-Version"))


def test_a_repeated_version_field_is_400() -> None:
    headers = request_headers(("Sec-WebSocket-Version", "13"))
    with pytest.raises(WSHandshakeError) as info:
        check_handshake_request("GET", HttpVersion11, headers)
    assert info.value.code == 400


@pytest.mark.parametrize(
    "key",
    [
        "",
        "short",
        base64.b64encode(b"x" * 15).decode(),
        base64.b64encode(b"x" * 17).decode(),
        "dGhlIHNhbXBsZSBub25jZQ",  # padding missing
        "dGhlIHNhbXBsZSBub25jZQ=!",
        "dGhlIHNhbXBsZSBub25j\u00e9Q==",
        "dGhlIHNhbXBs ZSBub25jZQ=",
    ],
)
def test_a_key_that_is_not_base64_of_16_bytes_is_400(key: str) -> None:
    headers = request_headers(drop="Sec-WebSocket-Key")
    headers["Sec-WebSocket-Key"] = key
    with pytest.raises(WSHandshakeError) as info:
        check_handshake_request("GET", HttpVersion11, headers)
    assert info.value.code == 400


@pytest.mark.parametrize("drop", ["Sec-WebSocket-Key", ""])
def test_missing_or_repeated_key_is_400(drop: str) -> None:
    headers = request_headers(drop=drop) if drop else request_headers(("Sec-WebSocket-Key", KEY))
    with pytest.raises(WSHandshakeError) as info:
        check_handshake_request("GET", HttpVersion11, headers)
    assert info.value.code == 400


def test_subprotocol_is_the_first_the_client_lists_that_the_server_supports() -> None:
    headers = request_headers(("Sec-WebSocket-Protocol", "chat.v2, chat.v1"))
    assert select_protocol(headers, ["chat.v1", "chat.v2"]) == "chat.v2"
    handshake = server_handshake("GET", HttpVersion11, headers, protocols=["chat.v1"])
    assert handshake.protocol == "chat.v1"
    assert ("Sec-WebSocket-Protocol", "chat.v1") in handshake.response_headers()


def test_subprotocols_may_span_several_field_lines() -> None:
    headers = request_headers(("Sec-WebSocket-Protocol", "a"), ("Sec-WebSocket-Protocol", "b"))
    assert select_protocol(headers, ["b"]) == "b"


def test_no_common_subprotocol_means_none_and_no_response_header() -> None:
    headers = request_headers(("Sec-WebSocket-Protocol", "mqtt"))
    handshake = server_handshake("GET", HttpVersion11, headers, protocols=["chat"])
    assert handshake.protocol is None
    assert all(name != "Sec-WebSocket-Protocol" for name, _ in handshake.response_headers())
    assert select_protocol(headers, []) is None


def test_compression_is_negotiated_only_when_the_server_allows_it() -> None:
    headers = request_headers(("Sec-WebSocket-Extensions", "permessage-deflate"))
    assert server_handshake("GET", HttpVersion11, headers).deflate == DeflateParams()
    assert server_handshake("GET", HttpVersion11, headers, compress=False).deflate is None
    assert ("Sec-WebSocket-Extensions", "permessage-deflate") in server_handshake(
        "GET", HttpVersion11, headers
    ).response_headers()

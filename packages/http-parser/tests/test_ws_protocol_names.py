"""The WebSocket names keep the values aiohttp users rely on."""

from __future__ import annotations

import pytest

from aiostrata.http_parser import (
    WS_CLOSED_MESSAGE,
    WS_CLOSING_MESSAGE,
    WebSocketError,
    WSCloseCode,
    WSMessage,
    WSMsgType,
    is_valid_close_code,
)


def test_message_types_have_aiohttps_values() -> None:
    assert {member.name: member.value for member in WSMsgType} == {
        "CONTINUATION": 0x0,
        "TEXT": 0x1,
        "BINARY": 0x2,
        "CLOSE": 0x8,
        "PING": 0x9,
        "PONG": 0xA,
        "CLOSING": 0x100,
        "CLOSED": 0x101,
        "ERROR": 0x102,
    }


def test_close_codes_have_aiohttps_members() -> None:
    assert {member.name: member.value for member in WSCloseCode} == {
        "OK": 1000,
        "GOING_AWAY": 1001,
        "PROTOCOL_ERROR": 1002,
        "UNSUPPORTED_DATA": 1003,
        "ABNORMAL_CLOSURE": 1006,
        "INVALID_TEXT": 1007,
        "POLICY_VIOLATION": 1008,
        "MESSAGE_TOO_BIG": 1009,
        "MANDATORY_EXTENSION": 1010,
        "INTERNAL_ERROR": 1011,
        "SERVICE_RESTART": 1012,
        "TRY_AGAIN_LATER": 1013,
        "BAD_GATEWAY": 1014,
    }


def test_abnormal_closure_is_a_member_but_never_valid_on_the_wire() -> None:
    assert not is_valid_close_code(WSCloseCode.ABNORMAL_CLOSURE)
    assert all(is_valid_close_code(code) for code in WSCloseCode if code != 1006)


def test_message_is_a_named_tuple_with_json() -> None:
    message = WSMessage(WSMsgType.TEXT, '{"a": [1, 2]}', "")
    kind, data, extra = message
    assert (kind, data, extra) == (WSMsgType.TEXT, '{"a": [1, 2]}', "")
    assert message.json() == {"a": [1, 2]}
    assert message.json(loads=lambda text: text.upper()) == '{"A": [1, 2]}'


def test_closed_and_closing_messages() -> None:
    assert WS_CLOSED_MESSAGE == (WSMsgType.CLOSED, None, None)
    assert WS_CLOSING_MESSAGE == (WSMsgType.CLOSING, None, None)


def test_websocket_error_carries_its_close_code() -> None:
    error = WebSocketError(WSCloseCode.MESSAGE_TOO_BIG, "too big")
    assert error.code == 1009
    assert str(error) == error.message == "too big"
    assert error.args == (1009, "too big")
    assert "1009" in repr(error)
    with pytest.raises(WebSocketError):
        raise error


def test_message_types_have_aiohttps_lower_case_aliases() -> None:
    # aiohttp's own examples compare with WSMsgType.text, .close and the like.
    aliases = {
        "text": WSMsgType.TEXT,
        "binary": WSMsgType.BINARY,
        "ping": WSMsgType.PING,
        "pong": WSMsgType.PONG,
        "close": WSMsgType.CLOSE,
        "closing": WSMsgType.CLOSING,
        "closed": WSMsgType.CLOSED,
        "error": WSMsgType.ERROR,
    }
    for alias, member in aliases.items():
        assert getattr(WSMsgType, alias) is member
        assert WSMsgType[alias] is member
    # Aliases are not extra members: iteration still yields each type once.
    assert len(list(WSMsgType)) == 9

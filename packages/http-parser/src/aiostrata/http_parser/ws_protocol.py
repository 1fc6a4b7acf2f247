"""WebSocket vocabulary shared by the reader, the writer and their users (RFC 6455).

The names and values are the ones aiohttp users already know (``WSMsgType``,
``WSCloseCode``, ``WSMessage``, ``WebSocketError``), so that code written against
``aiohttp.web.WebSocketResponse`` reads the same against aiostrata.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import IntEnum
from typing import Any, Final, NamedTuple

__all__ = (
    "WS_CLOSED_MESSAGE",
    "WS_CLOSING_MESSAGE",
    "WS_KEY",
    "WSCloseCode",
    "WSMessage",
    "WSMsgType",
    "WebSocketError",
    "is_valid_close_code",
)

# RFC 6455 1.3: the GUID appended to Sec-WebSocket-Key before hashing.
WS_KEY: Final = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class WSMsgType(IntEnum):
    """What a :class:`WSMessage` carries: the wire opcodes, then three local states."""

    # RFC 6455 5.2 opcodes
    CONTINUATION = 0x0
    TEXT = 0x1
    BINARY = 0x2
    CLOSE = 0x8
    PING = 0x9
    PONG = 0xA
    # never on the wire: states reported to the application
    CLOSING = 0x100
    CLOSED = 0x101
    ERROR = 0x102

    # Lower-case aliases, as aiohttp has them: code written for it (its own
    # examples among it) compares against ``WSMsgType.text`` and the like.
    text = TEXT
    binary = BINARY
    ping = PING
    pong = PONG
    close = CLOSE
    closing = CLOSING
    closed = CLOSED
    error = ERROR


class WSCloseCode(IntEnum):
    """Close status codes (RFC 6455 7.4.1 and the IANA registry)."""

    OK = 1000
    GOING_AWAY = 1001
    PROTOCOL_ERROR = 1002
    UNSUPPORTED_DATA = 1003
    ABNORMAL_CLOSURE = 1006
    INVALID_TEXT = 1007
    POLICY_VIOLATION = 1008
    MESSAGE_TOO_BIG = 1009
    MANDATORY_EXTENSION = 1010
    INTERNAL_ERROR = 1011
    SERVICE_RESTART = 1012
    TRY_AGAIN_LATER = 1013
    BAD_GATEWAY = 1014


# RFC 6455 7.4.1 plus IANA's 1012-1014. 1004 is reserved, and 1005, 1006 and 1015 are only
# ever reported locally: none of them may appear in a close frame (RFC 6455 7.4.2).
_ALLOWED_PROTOCOL_CODES: Final = frozenset({1000, 1001, 1002, 1003, *range(1007, 1015)})


def is_valid_close_code(code: int) -> bool:
    """Whether ``code`` may be sent in, or accepted from, a close frame (RFC 6455 7.4)."""
    # RFC 6455 7.4.2: 3000-3999 are registered by libraries, 4000-4999 are private use.
    return code in _ALLOWED_PROTOCOL_CODES or 3000 <= code <= 4999


class WSMessage(NamedTuple):
    """One received message: ``data`` is str (TEXT), bytes (BINARY, PING, PONG), the close
    code (CLOSE, with the reason in ``extra``) or the :class:`WebSocketError` (ERROR)."""

    type: WSMsgType
    data: Any
    extra: str | None

    def json(self, *, loads: Callable[[Any], Any] = json.loads) -> Any:
        """The data decoded as JSON (``loads`` may be any compatible decoder)."""
        return loads(self.data)


WS_CLOSED_MESSAGE: Final = WSMessage(WSMsgType.CLOSED, None, None)
WS_CLOSING_MESSAGE: Final = WSMessage(WSMsgType.CLOSING, None, None)


class WebSocketError(Exception):
    """A protocol violation by the peer; ``code`` is the close code to fail the connection with.

    RFC 6455 7.1.7: on such an error the endpoint sends a close frame with this code and
    closes; the reader reports it once and then parses nothing more.
    """

    def __init__(self, code: int, message: str) -> None:
        self.code = code
        super().__init__(code, message)

    @property
    def message(self) -> str:
        return str(self.args[1])

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"<WebSocketError: {self.code}, message={self.message!r}>"

"""Errors a ``WebSocketResponse`` raises or reports, each carrying what it maps to."""

from __future__ import annotations

from aiostrata.http_parser import WSCloseCode

__all__ = ("WSHeartbeatTimeout", "WSMessageTypeError")


class WSMessageTypeError(TypeError):
    """``receive_str``/``receive_bytes``/``receive_json`` got another kind of message.

    A ``TypeError``, as aiohttp's ``WSMessageTypeError`` is, so existing handlers that
    catch ``TypeError`` keep working.
    """


class WSHeartbeatTimeout(TimeoutError):
    """No data, not even a PONG, arrived within ``heartbeat / 2`` seconds of our PING.

    The connection is dropped without a closing handshake, so its close code is 1006
    (RFC 6455 7.1.5: closed without a close frame). A ``TimeoutError`` (so also an
    ``asyncio.TimeoutError``), as aiohttp reports it.
    """

    code = WSCloseCode.ABNORMAL_CLOSURE

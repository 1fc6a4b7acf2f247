"""From a request to an accepted WebSocket handshake, or to the HTTP error that refuses it.

The codec's ``server_handshake`` raises typed handshake errors carrying their status;
here they become the ``HTTPException`` a handler may simply let through, so a plain
GET to a WebSocket endpoint gets a readable 400 rather than a 500.
"""

from __future__ import annotations

from collections.abc import Sequence

from aiostrata.http_parser import (
    WSHandshake,
    WSHandshakeError,
    WSMethodNotAllowed,
    WSUnsupportedVersion,
    server_handshake,
)

from .http_exceptions import (
    HTTPBadRequest,
    HTTPException,
    HTTPMethodNotAllowed,
    HTTPUpgradeRequired,
)
from .interfaces import PreparingRequest, UpgradableConnection, UpgradableRequest

__all__ = ("accept_handshake", "upgradable_connection")


def accept_handshake(
    request: PreparingRequest, *, protocols: Sequence[str], compress: bool
) -> WSHandshake:
    """Check the request (RFC 6455 4.2.1) and negotiate subprotocol and deflate.

    Raises 405 (not a GET, with ``Allow: GET``), 426 (a WebSocket version other than 13,
    with ``Sec-WebSocket-Version: 13``, RFC 6455 4.2.2) or 400 (anything else).
    """
    try:
        return server_handshake(
            request.method,
            request.version,
            request.headers,
            protocols=protocols,
            compress=compress,
        )
    except WSHandshakeError as exc:
        raise _as_http_exception(request, exc) from None


def _as_http_exception(request: PreparingRequest, exc: WSHandshakeError) -> HTTPException:
    text = exc.message
    if isinstance(exc, WSMethodNotAllowed):
        return HTTPMethodNotAllowed(request.method, ["GET"], text=text)
    if isinstance(exc, WSUnsupportedVersion):
        return HTTPUpgradeRequired(headers=list(exc.headers), text=text)
    return HTTPBadRequest(headers=list(exc.headers) or None, text=text)


def upgradable_connection(request: PreparingRequest) -> UpgradableConnection:
    """``request.protocol``, checked to be a connection that can leave HTTP."""
    connection = request.protocol if isinstance(request, UpgradableRequest) else None
    if not isinstance(connection, UpgradableConnection):
        raise RuntimeError(
            f"WebSocketResponse needs a connection that can be upgraded, got {connection!r}"
        )
    return connection

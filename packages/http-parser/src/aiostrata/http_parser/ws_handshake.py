"""The server side of the WebSocket opening handshake (RFC 6455 4.2).

:func:`server_handshake` checks a request head and returns everything the ``101
Switching Protocols`` response needs: the accept key, the chosen subprotocol and the
negotiated permessage-deflate parameters. A request that is not a valid handshake raises a
:class:`WSHandshakeError` carrying the status (400, 405 or 426) and any headers the error
response must have, so the caller answers it like any other HTTP error.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Final

from multidict import CIMultiDict, CIMultiDictProxy

from .errors import HttpProcessingError
from .versions import HttpVersion, HttpVersion11
from .ws_extensions import DeflateParams, negotiate_permessage_deflate
from .ws_protocol import WS_KEY

__all__ = (
    "WSHandshake",
    "WSHandshakeError",
    "WSMethodNotAllowed",
    "WSUnsupportedVersion",
    "check_handshake_request",
    "select_protocol",
    "server_handshake",
    "websocket_accept",
)

SUPPORTED_WS_VERSION: Final = "13"

Headers = CIMultiDictProxy[str] | CIMultiDict[str]


class WSHandshakeError(HttpProcessingError):
    """The request is not a WebSocket handshake this server can accept (400).

    ``headers`` are the fields the error response must carry (``Allow`` for 405,
    ``Sec-WebSocket-Version`` for 426).
    """

    headers: tuple[tuple[str, str], ...] = ()


class WSMethodNotAllowed(WSHandshakeError):
    """RFC 6455 4.1: the handshake is a GET (405, with ``Allow: GET``)."""

    code = HTTPStatus.METHOD_NOT_ALLOWED
    message = "WebSocket handshake must be a GET"
    headers = (("Allow", "GET"),)


class WSUnsupportedVersion(WSHandshakeError):
    """RFC 6455 4.2.2: a version other than 13 gets 426 and the versions we speak."""

    code = HTTPStatus.UPGRADE_REQUIRED
    message = "Unsupported WebSocket version"
    supported_versions: tuple[str, ...] = (SUPPORTED_WS_VERSION,)
    headers = (
        ("Upgrade", "websocket"),
        ("Connection", "upgrade"),
        ("Sec-WebSocket-Version", SUPPORTED_WS_VERSION),
    )


@dataclass(frozen=True, slots=True)
class WSHandshake:
    """An accepted handshake: what the 101 response says and how the connection runs."""

    key: str
    protocol: str | None
    deflate: DeflateParams | None

    @property
    def accept(self) -> str:
        return websocket_accept(self.key)

    def response_headers(self) -> list[tuple[str, str]]:
        """The header fields of the ``101 Switching Protocols`` response (RFC 6455 4.2.2)."""
        headers = [
            ("Upgrade", "websocket"),
            ("Connection", "upgrade"),
            ("Sec-WebSocket-Accept", self.accept),
        ]
        if self.protocol is not None:
            headers.append(("Sec-WebSocket-Protocol", self.protocol))
        if self.deflate is not None:
            headers.append(("Sec-WebSocket-Extensions", self.deflate.header_value()))
        return headers


def websocket_accept(key: str) -> str:
    """RFC 6455 4.2.2 step 5.4: base64(SHA-1(key + GUID))."""
    digest = hashlib.sha1(key.encode("ascii") + WS_KEY, usedforsecurity=False).digest()
    return base64.b64encode(digest).decode("ascii")


def check_handshake_request(method: str, version: HttpVersion, headers: Headers) -> str:
    """Validate the handshake request (RFC 6455 4.2.1); return its ``Sec-WebSocket-Key``."""
    if method != "GET":
        raise WSMethodNotAllowed(f"WebSocket handshake must be a GET, not {method}")
    if version < HttpVersion11:
        raise WSHandshakeError("WebSocket handshake needs HTTP/1.1 or later")
    # RFC 6455 4.2.1 item 3: Upgrade contains "websocket", ASCII case-insensitively
    if "websocket" not in _tokens(headers.getall("Upgrade", ())):
        raise WSHandshakeError('No WebSocket UPGRADE header: can "Upgrade" only to "WebSocket"')
    # item 4: Connection contains the "upgrade" option
    if "upgrade" not in _tokens(headers.getall("Connection", ())):
        raise WSHandshakeError("No CONNECTION upgrade header")
    # item 6; RFC 6455 11.3.5: the field appears once
    versions = headers.getall("Sec-WebSocket-Version", ())
    if len(versions) > 1:
        raise WSHandshakeError("Sec-WebSocket-Version appears more than once")
    if not versions or versions[0].strip(" \t") != SUPPORTED_WS_VERSION:
        shown = versions[0] if versions else "none"
        raise WSUnsupportedVersion(f"Unsupported WebSocket version: {shown!r}")
    # item 5; RFC 6455 11.3.1: one key, the base64 of 16 bytes
    keys = headers.getall("Sec-WebSocket-Key", ())
    if len(keys) != 1:
        raise WSHandshakeError("Exactly one Sec-WebSocket-Key is required")
    key = keys[0].strip(" \t")
    if not _is_websocket_key(key):
        raise WSHandshakeError(f"Handshake error: invalid Sec-WebSocket-Key {key!r}")
    return key


def select_protocol(headers: Headers, protocols: Iterable[str]) -> str | None:
    """The first subprotocol the client lists that the server supports (RFC 6455 4.2.2)."""
    supported = set(protocols)
    if not supported:
        return None
    for field in headers.getall("Sec-WebSocket-Protocol", ()):
        for offered in field.split(","):
            name = offered.strip(" \t")
            if name in supported:
                return name
    return None


def server_handshake(
    method: str,
    version: HttpVersion,
    headers: Headers,
    *,
    protocols: Sequence[str] = (),
    compress: bool = True,
) -> WSHandshake:
    """Check the request and negotiate the subprotocol and (if ``compress``) deflate."""
    key = check_handshake_request(method, version, headers)
    deflate = None
    if compress:
        deflate = negotiate_permessage_deflate(headers.getall("Sec-WebSocket-Extensions", ()))
    return WSHandshake(key, select_protocol(headers, protocols), deflate)


def _tokens(fields: Iterable[str]) -> set[str]:
    """The comma-separated tokens of the field lines, lowered as ASCII only.

    ``str.lower`` would map the Kelvin sign to "k"; a token with any non-ASCII character
    is simply not the token we look for.
    """
    found = set()
    for field in fields:
        for token in field.split(","):
            token = token.strip(" \t")
            if token.isascii():
                found.add(token.lower())
    return found


def _is_websocket_key(key: str) -> bool:
    if len(key) != 24 or not key.isascii():
        return False
    try:
        return len(base64.b64decode(key, validate=True)) == 16
    except binascii.Error:
        return False

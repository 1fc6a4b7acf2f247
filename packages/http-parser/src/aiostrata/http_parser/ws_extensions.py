"""Negotiating permessage-deflate from ``Sec-WebSocket-Extensions`` (RFC 7692 5 and 7.1).

The server walks the client's offers in order and accepts the first one it can honour; an
offer with an unknown parameter, a bad value or a repeated parameter is declined, and when
no offer is acceptable the connection simply runs uncompressed (RFC 7692 5: declining is
not an error). The result says, for each direction, which window and whether the
compression context survives between messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, NamedTuple

from .header_grammar import is_token

__all__ = ("DeflateDirection", "DeflateParams", "negotiate_permessage_deflate")

_EXTENSION: Final = "permessage-deflate"
# RFC 9110 5.6.2 tchar
# RFC 7692 7.1.2.1: 8..15 written as %x38-39 / "1" %x30-35, so no leading zeros or signs.
_WINDOW_BITS: Final = re.compile(r"[89]|1[0-5]")
# zlib cannot compress with a 256-byte window (it silently uses 512), so an offer that
# limits the server to 8 bits is one this server cannot honour and must decline.
_MIN_ZLIB_WINDOW_BITS: Final = 9
MAX_WINDOW_BITS: Final = 15
_OFFER_PARAMS: Final = frozenset(
    {
        "server_no_context_takeover",
        "client_no_context_takeover",
        "server_max_window_bits",
        "client_max_window_bits",
    }
)


class DeflateDirection(NamedTuple):
    """How one direction's sender compresses: its window, and whether it resets per message."""

    window_bits: int
    no_context_takeover: bool


@dataclass(frozen=True, slots=True)
class DeflateParams:
    """An accepted permessage-deflate configuration, as the server's response states it.

    ``server_max_window_bits`` / ``client_max_window_bits`` are None when the response
    leaves them out (meaning 15). The ``server_*`` parameters constrain what the server
    sends and the ``client_*`` ones what the client sends (RFC 7692 7.1.1, 7.1.2).
    """

    server_no_context_takeover: bool = False
    client_no_context_takeover: bool = False
    server_max_window_bits: int | None = None
    client_max_window_bits: int | None = None

    def outbound(self, *, is_server: bool) -> DeflateDirection:
        """What this endpoint's own compressor must do."""
        return self._server() if is_server else self._client()

    def inbound(self, *, is_server: bool) -> DeflateDirection:
        """What the peer's compressor does (so what this endpoint's inflater can expect)."""
        return self._client() if is_server else self._server()

    def header_value(self) -> str:
        """The ``Sec-WebSocket-Extensions`` value of the server's response."""
        parts = [_EXTENSION]
        if self.server_no_context_takeover:
            parts.append("server_no_context_takeover")
        if self.client_no_context_takeover:
            parts.append("client_no_context_takeover")
        if self.server_max_window_bits is not None:
            parts.append(f"server_max_window_bits={self.server_max_window_bits}")
        if self.client_max_window_bits is not None:
            parts.append(f"client_max_window_bits={self.client_max_window_bits}")
        return "; ".join(parts)

    def _server(self) -> DeflateDirection:
        return DeflateDirection(
            self.server_max_window_bits or MAX_WINDOW_BITS, self.server_no_context_takeover
        )

    def _client(self) -> DeflateDirection:
        return DeflateDirection(
            self.client_max_window_bits or MAX_WINDOW_BITS, self.client_no_context_takeover
        )


class _Declined(Exception):
    """This one offer cannot be accepted; the next one may be."""


def negotiate_permessage_deflate(header_values: Iterable[str]) -> DeflateParams | None:
    """The first acceptable permessage-deflate offer among the ``Sec-WebSocket-Extensions``
    field lines, or None to run without compression."""
    for offer in _split_list(",".join(header_values)):
        try:
            accepted = _accept_offer(offer)
        except _Declined:
            continue
        if accepted is not None:
            return accepted
    return None


def _accept_offer(offer: str) -> DeflateParams | None:
    """Parse ``name; p1; p2=v`` (RFC 6455 9.1); None if it offers another extension."""
    name, *raw_params = _split_params(offer)
    if not (name.isascii() and name.lower() == _EXTENSION):
        return None
    seen: dict[str, str | None] = {}
    for raw in raw_params:
        key, value = _parse_param(raw)
        if key in seen:
            raise _Declined  # RFC 7692 7.1: the same parameter twice
        seen[key] = value
    if not seen.keys() <= _OFFER_PARAMS:
        raise _Declined  # RFC 7692 7.1: a parameter not defined for an offer
    return DeflateParams(
        server_no_context_takeover=_flag(seen, "server_no_context_takeover"),
        client_no_context_takeover=_flag(seen, "client_no_context_takeover"),
        server_max_window_bits=_server_window_bits(seen),
        client_max_window_bits=_client_window_bits(seen),
    )


def _flag(params: dict[str, str | None], name: str) -> bool:
    """RFC 7692 7.1.1.1/7.1.1.2: the *_no_context_takeover parameters have no value."""
    if name not in params:
        return False
    if params[name] is not None:
        raise _Declined
    return True


def _server_window_bits(params: dict[str, str | None]) -> int | None:
    """RFC 7692 7.1.2.1: a value is required; the response echoes it (or a smaller one)."""
    if "server_max_window_bits" not in params:
        return None
    value = params["server_max_window_bits"]
    if value is None or not _WINDOW_BITS.fullmatch(value):
        raise _Declined
    bits = int(value)
    if bits < _MIN_ZLIB_WINDOW_BITS:
        raise _Declined  # we cannot honour a 256-byte window: decline, never lie
    return bits


def _client_window_bits(params: dict[str, str | None]) -> int | None:
    """RFC 7692 7.1.2.2: the value is optional. Our inflater always uses a 32 KiB window,
    which decodes any smaller one, so the response never needs to limit the client; it
    echoes the client's own limit only when the client gave one."""
    value = params.get("client_max_window_bits")
    if value is None:
        return None
    if not _WINDOW_BITS.fullmatch(value):
        raise _Declined
    return int(value)


def _parse_param(raw: str) -> tuple[str, str | None]:
    key, sep, value = raw.partition("=")
    key = key.strip(" \t")
    if not is_token(key):
        raise _Declined
    if not sep:
        return key.lower(), None
    value = value.strip(" \t")
    if len(value) >= 2 and value[0] == value[-1] == '"':
        # RFC 6455 9.1: a quoted value must still be a token once unquoted
        value = value[1:-1]
    if not is_token(value):
        raise _Declined
    return key.lower(), value


def _split_params(offer: str) -> list[str]:
    parts = [part.strip(" \t") for part in offer.split(";")]
    if not is_token(parts[0]):
        raise _Declined
    return parts


def _split_list(value: str) -> list[str]:
    """Split a comma list, keeping commas inside quoted strings (RFC 9110 5.6.1)."""
    items: list[str] = []
    current: list[str] = []
    quoted = False
    escaped = False
    for char in value:
        if escaped:
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            items.append("".join(current))
            current = []
            continue
        current.append(char)
    items.append("".join(current))
    return [item.strip(" \t") for item in items if item.strip(" \t")]

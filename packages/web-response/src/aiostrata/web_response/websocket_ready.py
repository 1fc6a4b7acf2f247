"""``WebSocketReady``: the answer of ``WebSocketResponse.can_prepare(request)``."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ("WebSocketReady",)


class WebSocketReady(NamedTuple):
    """Whether the request is a WebSocket handshake this response would accept, and the
    subprotocol it would choose (None when the client offered none the server knows).

    Truthy exactly when ``ok`` is, so ``if not ws.can_prepare(request):`` reads naturally
    (a plain two-item tuple would always be true).
    """

    ok: bool
    protocol: str | None

    def __bool__(self) -> bool:
        return self.ok

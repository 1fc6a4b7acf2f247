"""How the deprecated ``Application.make_handler()`` reaches the server, which lives above.

The connection protocol belongs to ``aiostrata.web_runner``, a package that
depends on this one. Rather than import upward, this module holds a slot that
the runner fills with its ``Server`` class when it is imported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ("ProtocolFactoryMaker", "make_protocol_factory", "register_protocol_factory")


# Builds an asyncio protocol factory around an application's handler:
# ``maker(handler, request_factory=..., loop=..., **handler_kwargs)``.
# Satisfied by ``aiostrata.web_runner.Server`` (its constructor).
ProtocolFactoryMaker = Callable[..., Any]


_maker: ProtocolFactoryMaker | None = None


def register_protocol_factory(maker: ProtocolFactoryMaker) -> None:
    """Called by the runner package on import."""
    global _maker
    _maker = maker


def make_protocol_factory(handler: Callable[..., Any], **kwargs: Any) -> Any:
    if _maker is None:
        raise RuntimeError(
            "make_handler() needs the server: install and import aiostrata-web-runner"
        )
    return _maker(handler, **kwargs)

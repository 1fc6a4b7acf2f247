"""What this package offers the layer above it, and needs from it.

``ServableApplication`` is what a runner (web_runner) uses of an application:
public names only, so the two packages can be released apart.
``ProtocolFactoryMaker`` is the slot the runner fills so that the deprecated
``Application.make_handler()`` can build a protocol factory.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from .handler_factory import ProtocolFactoryMaker

if TYPE_CHECKING:
    from aiostrata.web_request import ConnectionInfo
    from aiostrata.web_response import StreamResponse

    from .request import Request

__all__ = ("ProtocolFactoryMaker", "RequestFactory", "ServableApplication")

# (message, payload, protocol, writer, task) -> the request handlers receive. The message,
# payload and writer are http_parser objects this package passes through without naming.
RequestFactory = Callable[[Any, Any, "ConnectionInfo", Any, "asyncio.Task[Any] | None"], "Request"]


class FreezableSignal(Protocol):
    """``on_startup``: a runner freezes it before sending it."""

    def freeze(self) -> None: ...


class ServableApplication(Protocol):
    """What a runner needs from an application to serve it.

    Satisfied by :class:`~aiostrata.web_app.Application`; ``aiostrata.web_runner.AppRunner``
    uses nothing else. Order: ``attach_loop``, ``on_startup.freeze()``, ``startup()``,
    ``freeze()``, then one server per ``request_handler``/``request_factory`` (with
    ``handler_args`` as connection options); at the end ``shutdown()`` and ``cleanup()``.
    """

    def attach_loop(self, loop: asyncio.AbstractEventLoop | None) -> None: ...

    @property
    def on_startup(self) -> FreezableSignal: ...

    async def startup(self) -> None: ...

    def freeze(self) -> None: ...

    @property
    def handler_args(self) -> Mapping[str, Any]: ...

    @property
    def request_handler(self) -> Callable[[Request], Awaitable[StreamResponse]]: ...

    @property
    def request_factory(self) -> RequestFactory: ...

    async def shutdown(self) -> None: ...

    async def cleanup(self) -> None: ...

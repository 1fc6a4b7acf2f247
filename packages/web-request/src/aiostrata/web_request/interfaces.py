"""What a request needs from the layers above it: the connection and the routing result."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from typing import Any, Protocol


class ConnectionInfo(Protocol):
    """The connection a request arrived on.

    Satisfied by ``aiostrata.web_runner.RequestHandler``; ``transport`` is None
    once the connection is lost.
    """

    @property
    def transport(self) -> asyncio.Transport | None: ...


class PrepareSignal(Protocol):
    """An ``on_response_prepare`` signal: satisfied by ``aiosignal.Signal``."""

    async def send(self, *args: Any, **kwargs: Any) -> None: ...

    def __len__(self) -> int: ...  # empty signals are skipped without a send


class MatchedApp(Protocol):
    """An application a request was routed through.

    Satisfied by ``aiostrata.web_app.Application``: a mapping of its
    configuration with the signal that runs before each response's head.
    """

    @property
    def on_response_prepare(self) -> PrepareSignal: ...

    def __getitem__(self, key: Any, /) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...

    def __len__(self) -> int: ...

    def __contains__(self, key: object, /) -> bool: ...


class RouteMatch(Protocol):
    """The result of routing a request, as a request exposes it.

    Satisfied by ``aiostrata.web_router.UrlMappingMatchInfo`` (set on the
    request by ``aiostrata.web_app.Application``): the path variables as a
    mapping, plus the chain of applications from the root to the one that
    owns the handler.
    """

    @property
    def apps(self) -> tuple[Any, ...]: ...

    @property
    def current_app(self) -> Any: ...

    def __getitem__(self, key: str, /) -> str: ...

    def __iter__(self) -> Iterator[str]: ...

    def __len__(self) -> int: ...

    def get(self, key: str, default: Any = None, /) -> Any: ...


AppMapping = Mapping[Any, Any]

"""Small stand-ins for what lives above the router: requests, applications, handlers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from aiostrata.web_response import Response, StreamResponse
from aiostrata.web_router import UrlDispatcher


@dataclass
class FakeWriter:
    """Records the interim responses the expect handler sends; satisfies ``ContinueWriter``."""

    interim: list[int] = field(default_factory=list)

    def send_interim(self, status: int) -> None:
        self.interim.append(status)


@dataclass
class FakeRequest:
    """Satisfies ``RoutableRequest`` and ``ExpectingRequest``."""

    method: str
    rel_url: URL
    host: str = "example.com"
    version: tuple[int, int] = (1, 1)
    headers: CIMultiDictProxy[str] = field(default_factory=lambda: CIMultiDictProxy(CIMultiDict()))
    writer: FakeWriter = field(default_factory=FakeWriter)


def make_request(
    method: str,
    path: str,
    *,
    host: str = "example.com",
    headers: dict[str, str] | None = None,
    version: tuple[int, int] = (1, 1),
) -> FakeRequest:
    """A request for *path* as it arrives on the wire (percent-escapes kept)."""
    return FakeRequest(
        method=method,
        rel_url=URL(path),
        host=host,
        version=version,
        headers=CIMultiDictProxy(CIMultiDict(headers or {})),
    )


@dataclass(eq=False)
class FakeApp:
    """Satisfies ``SubApplication``: an application is, to the router, its router."""

    name: str
    router: UrlDispatcher = field(default_factory=UrlDispatcher)

    def __repr__(self) -> str:
        return f"<FakeApp {self.name}>"


async def ok(request: Any) -> StreamResponse:
    return Response(text="ok")


async def other(request: Any) -> StreamResponse:
    return Response(text="other")

"""What the router needs from requests and applications, which live above it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

from yarl import URL

if TYPE_CHECKING:
    from .url_dispatcher import UrlDispatcher


class RoutableRequest(Protocol):
    """The parts of a request that routing reads.

    Satisfied by ``aiostrata.web_request.BaseRequest`` (and so ``Request``).
    """

    @property
    def method(self) -> str: ...

    @property
    def rel_url(self) -> URL: ...

    @property
    def host(self) -> str: ...


class ContinueWriter(Protocol):
    """The connection writer the default expect handler sends ``100 Continue`` through.

    Satisfied by ``aiostrata.http_parser.StreamWriter`` (``request.writer``), which frames the
    interim response and keeps it out of the final response's size.
    """

    def send_interim(self, status: int) -> None: ...


class ExpectingRequest(RoutableRequest, Protocol):
    """A request the default ``Expect:`` handler can answer (RFC 9110 10.1.1).

    Satisfied by ``aiostrata.web_request.BaseRequest`` (and so ``Request``). Kept apart from
    :class:`RoutableRequest` so that resolving a route needs only method, path and host.
    """

    @property
    def version(self) -> tuple[int, int]: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    @property
    def writer(self) -> ContinueWriter: ...


class SubApplication(Protocol):
    """An application mounted under a prefix or a domain, as the router sees it.

    Satisfied by ``aiostrata.web_app.Application``. The router only resolves
    through the sub-application's own router; middlewares, signals and state
    stay the application layer's business.
    """

    @property
    def router(self) -> UrlDispatcher: ...

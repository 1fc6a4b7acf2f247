"""``Request``: a :class:`BaseRequest` that knows where routing sent it."""

from __future__ import annotations

import warnings
from typing import Any, Self

from aiostrata.http_parser import RawRequestMessage
from aiostrata.web_response import StreamResponse

from .base_request import DEFAULT_MAX_FIELDS, BaseRequest
from .chain_map import ChainMapProxy
from .interfaces import RouteMatch

__all__ = ("Request",)


class Request(BaseRequest):
    """The request every routed handler receives.

    ``match_info`` is set by the application once the router has resolved the
    request; ``app`` and ``config_dict`` read through it.
    """

    _match_info: RouteMatch | None = None

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self.__dict__ and not name.startswith("_"):
            warnings.warn(
                f"Setting custom {type(self).__name__}.{name} attribute is discouraged",
                DeprecationWarning,
                stacklevel=2,
            )
        super().__setattr__(name, value)

    def _clone_with(
        self,
        message: RawRequestMessage,
        *,
        scheme: str | None,
        host: str | None,
        remote: str | None,
        client_max_size: int,
        client_max_fields: int = DEFAULT_MAX_FIELDS,
    ) -> Self:
        clone = super()._clone_with(
            message,
            scheme=scheme,
            host=host,
            remote=remote,
            client_max_size=client_max_size,
            client_max_fields=client_max_fields,
        )
        clone._match_info = self._match_info
        return clone

    def set_match_info(self, match_info: RouteMatch) -> None:
        """Record where routing sent this request; the application calls it once resolved.

        Stored without ``__setattr__``'s check for custom attributes, which would
        cost a Python call on every request.
        """
        self.__dict__["_match_info"] = match_info

    @property
    def match_info(self) -> RouteMatch:
        """The routing result; path variables read like a dict."""
        match_info = self._match_info
        if match_info is None:
            raise RuntimeError("match_info is not set: the request was not routed yet")
        return match_info

    @property
    def app(self) -> Any:
        """The application whose router matched this request."""
        return self.match_info.current_app

    @property
    def config_dict(self) -> ChainMapProxy:
        """Configuration of the current application and every application above it."""
        apps = list(self.match_info.apps)
        current = self.match_info.current_app
        end = next((i for i, app in enumerate(apps) if app is current), len(apps) - 1)
        return ChainMapProxy(reversed(apps[: end + 1]))

    def has_prepare_hooks(self) -> bool:
        """True when an application on the match's path has ``on_response_prepare`` receivers."""
        if type(self).run_prepare_hooks is not Request.run_prepare_hooks:
            return True  # a subclass's own hook
        match_info = self._match_info
        if match_info is None:
            return False
        for app in match_info.apps:  # noqa: SIM110 - a loop is cheaper than any(genexpr) here
            if app.on_response_prepare:
                return True
        return False

    async def run_prepare_hooks(self, response: StreamResponse) -> None:
        match_info = self._match_info
        if match_info is None:
            return
        for app in match_info.apps:
            signal = app.on_response_prepare
            if signal:  # skip the send (a coroutine) for the usual empty signal
                await signal.send(self, response)

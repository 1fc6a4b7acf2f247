"""A typed key for a request's per-request state (``request[key]``)."""

from __future__ import annotations

from typing import TypeVar, final

from aiostrata.web_response import StateKey

__all__ = ("RequestKey",)

_T = TypeVar("_T")


@final
class RequestKey(StateKey[_T]):
    """A key for ``request[key]`` that names its value's type (aiohttp 3.14's ``web.RequestKey``).

    Middlewares that hand data to handlers through the request use one so that
    libraries do not collide on string keys and mypy knows what comes out.
    """

    __slots__ = ()

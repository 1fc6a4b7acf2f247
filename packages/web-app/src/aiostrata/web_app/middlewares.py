"""Middleware marking and the path-normalizing middleware."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any, Final, TypeVar

from aiostrata.web_response import HTTPMove, HTTPPermanentRedirect, StreamResponse

from .request import Request

__all__ = ("Handler", "Middleware", "as_current_app", "middleware", "normalize_path_middleware")

Handler = Callable[[Request], Awaitable[StreamResponse]]
Middleware = Callable[[Request, Handler], Awaitable[StreamResponse]]
_F = TypeVar("_F", bound=Callable[..., Any])

_SLASHES: Final = re.compile(r"//+")


def middleware(func: _F) -> _F:
    """Mark ``async def mw(request, handler)`` as a (new-style) middleware."""
    func.__middleware_version__ = 1  # type: ignore[attr-defined]
    return func


async def as_current_app(request: Request, *, app: Any, handler: Handler) -> StreamResponse:
    """Run ``handler`` with ``app`` as ``request.app`` (aiohttp switches it per layer).

    With sub-applications, the chain runs each app's middlewares in turn, outer
    app first; each must see its own app (its state, its ``config_dict``), and the
    handler the app whose router matched. The previous app is restored after.
    """
    match_info: Any = request.match_info
    previous = match_info.current_app
    match_info.current_app = app
    try:
        return await handler(request)
    finally:
        match_info.current_app = previous


def normalize_path_middleware(
    *,
    append_slash: bool = True,
    remove_slash: bool = False,
    merge_slashes: bool = True,
    redirect_class: type[HTTPMove] = HTTPPermanentRedirect,
) -> Middleware:
    """Redirect a request whose path does not resolve to the variant that does.

    Tried in order: slashes merged, a slash appended (or removed), both. The
    redirect never points off-site: the location always starts with exactly
    one ``/`` and carries no raw backslash, so neither ``//evil.example/`` nor
    ``/<backslash>evil.example`` can become a protocol-relative redirect (aiohttp's
    CVE-2021-21330 open redirect).
    """
    if append_slash and remove_slash:
        raise ValueError("Cannot both remove and append slash")

    @middleware
    async def impl(request: Request, handler: Handler) -> StreamResponse:
        match_info: Any = request.match_info
        if match_info.http_exception is None:
            return await handler(request)
        path = request.rel_url.raw_path
        query = request.rel_url.raw_query_string
        candidates: list[str] = []
        if merge_slashes:
            candidates.append(_SLASHES.sub("/", path))
        if append_slash and not path.endswith("/"):
            candidates.append(path + "/")
            if merge_slashes:
                candidates.append(_SLASHES.sub("/", path + "/"))
        if remove_slash and path.endswith("/"):
            candidates.append(path[:-1])
            if merge_slashes:
                candidates.append(_SLASHES.sub("/", path)[:-1] or "/")
        for candidate in candidates:
            # Never protocol-relative: browsers read a backslash as "/", so "/<backslash>evil"
            # would be "//evil". A backslash is no URI character (RFC 3986): send it encoded.
            candidate = "/" + candidate.replace("\\", "%5C").lstrip("/")
            if candidate == path:
                continue
            target = candidate + ("?" + query if query else "")
            resolved: Any = await request.app.router.resolve(request.clone(rel_url=target))
            if resolved.http_exception is None:
                raise redirect_class(target)
        return await handler(request)

    return impl

"""Parsed message heads: small immutable values handed from the parser upward."""

from __future__ import annotations

from typing import NamedTuple

from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from .versions import HttpVersion

RawHeaders = tuple[tuple[bytes, bytes], ...]


class RawRequestMessage(NamedTuple):
    """The head of one request, as parsed from the wire.

    A named tuple (like aiohttp's) so that ``BaseRequest.clone()`` can derive a
    changed copy with ``_replace``.
    """

    method: str
    path: str
    version: HttpVersion
    headers: CIMultiDictProxy[str]
    raw_headers: RawHeaders
    should_close: bool
    compression: str | None
    upgrade: bool
    chunked: bool
    url: URL


def placeholder_message(version: HttpVersion) -> RawRequestMessage:
    """A stand-in head for answering bytes that never became a request (a 4xx)."""
    return RawRequestMessage(
        "GET", "/", version, CIMultiDictProxy(CIMultiDict()), (), True, None, False, False, URL("/")
    )

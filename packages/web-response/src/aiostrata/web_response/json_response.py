"""``json_response()`` and ``json_bytes_response()``: a ``Response`` whose body is JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Final

from .response import Response
from .typedefs import LooseHeaders

__all__ = ("json_bytes_response", "json_response")


class _Missing:
    """The type of ``data``'s default, so that ``None`` can be sent as ``null``."""


_MISSING: Final = _Missing()


def json_response(
    data: Any = _MISSING,
    *,
    text: str | None = None,
    body: bytes | None = None,
    status: int = 200,
    reason: str | None = None,
    headers: LooseHeaders | None = None,
    content_type: str = "application/json",
    dumps: Callable[[Any], str] = json.dumps,
) -> Response:
    """A response with ``data`` serialized by ``dumps``, or the given JSON text or body.

    RFC 8259 8.1: JSON is UTF-8, which is the charset the text is encoded with.
    """
    if not isinstance(data, _Missing):
        if text or body:
            raise ValueError("only one of data, text, or body should be specified")
        text = dumps(data)
    return Response(
        text=text,
        body=body,
        status=status,
        reason=reason,
        headers=headers,
        content_type=content_type,
    )


def json_bytes_response(
    data: Any = _MISSING,
    *,
    dumps: Callable[[Any], bytes],
    body: bytes | None = None,
    status: int = 200,
    reason: str | None = None,
    headers: LooseHeaders | None = None,
    content_type: str = "application/json",
) -> Response:
    """A JSON response from an encoder that returns bytes (orjson and the like).

    The bytes go out as they are: no decode to ``str`` and encode back as
    ``json_response`` would need. ``dumps`` is required; the bytes must be UTF-8
    (RFC 8259 8.1), which is what such encoders produce.
    """
    if not isinstance(data, _Missing):
        if body is not None:
            raise ValueError("only one of data or body should be specified")
        body = dumps(data)
    return Response(
        body=body,
        status=status,
        reason=reason,
        headers=headers,
        content_type=content_type,
    )

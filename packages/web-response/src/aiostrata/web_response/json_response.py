"""``json_response()``: a ``Response`` whose body is JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Final

from .response import Response
from .typedefs import LooseHeaders

__all__ = ("json_response",)


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

"""The responses a connection makes itself: a failed handler's 500, a broken request's 4xx.

They are built here, apart from the connection's state machine, so that what a
client sees on an error (status, reason, the small HTML or text body, the
``Connection: close`` that ends it) is in one place.
"""

from __future__ import annotations

import traceback
from html import escape
from http import HTTPStatus

from aiostrata.http_parser import (
    HttpProcessingError,
    UnsupportedContentEncoding,
    supported_content_codings,
)
from aiostrata.web_response import Response

__all__ = ("error_page", "parse_error_page")


def error_page(
    status: int = 500,
    exc: BaseException | None = None,
    message: str | None = None,
    *,
    debug: bool = False,
) -> Response:
    """An HTML error page for ``status``; with ``debug``, a 500 shows the traceback.

    The connection closes after it: whatever went wrong may have left the
    request's body half read.
    """
    title = f"{status} {HTTPStatus(status).phrase}"
    body = f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
    if status == 500:
        text = "Server got itself in trouble"
        if debug and exc is not None:
            text = "".join(traceback.format_exception(exc))
        body += f"<pre>{escape(text)}</pre></body></html>" if debug else f"{text}</body></html>"
    else:
        body += f"{escape(message or '')}</body></html>"
    response = Response(status=status, text=body, content_type="text/html")
    response.force_close()
    return response


def parse_error_page(error: HttpProcessingError) -> Response:
    """The answer to a request the parser refused: its 4xx/5xx status, then close."""
    known = error.code in HTTPStatus._value2member_map_
    response = Response(
        status=error.code,
        reason=(HTTPStatus(error.code).phrase if known else "") or None,
        text=f"{error.code}, message: {error.message}",
    )
    if isinstance(error, UnsupportedContentEncoding):
        # RFC 9110 12.5.3: a 415 for a content coding says which ones are accepted.
        response.headers["Accept-Encoding"] = ", ".join(supported_content_codings())
    response.force_close()
    return response

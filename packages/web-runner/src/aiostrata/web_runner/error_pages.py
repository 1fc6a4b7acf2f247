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
    accept: str = "",
) -> Response:
    """The page for a failure with ``status``; with ``debug``, a 500 shows the traceback.

    HTML only for a client whose ``Accept`` names ``text/html`` (a browser),
    plain text for everyone else (API clients, ``curl``), as aiohttp answers.
    The connection closes after it: whatever went wrong may have left the
    request's body half read.
    """
    title = f"{status} {HTTPStatus(status).phrase}"
    if status == 500:
        text = "Server got itself in trouble"
        traceback_text = "".join(traceback.format_exception(exc)) if debug and exc else ""
    else:
        text, traceback_text = message or "", ""
    if "text/html" in accept:
        detail = (
            f"<h2>Traceback:</h2>\n<pre>{escape(traceback_text)}</pre>"
            if traceback_text
            else escape(text)
        )
        body = (
            f"<html><head><title>{title}</title></head>"
            f"<body>\n<h1>{title}</h1>\n{detail}\n</body></html>\n"
        )
        content_type = "text/html"
    else:
        body = f"{title}\n\n{traceback_text or text}"
        content_type = "text/plain"
    response = Response(status=status, text=body, content_type=content_type)
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

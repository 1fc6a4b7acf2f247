"""Typed protocol errors, each carrying the HTTP status it maps to.

A parse error must never escape as a bare ``ValueError``: the connection layer
turns every :class:`HttpProcessingError` into a response with ``code`` and then
closes the connection, so a client's mistake is always a clear 4xx, never a 500.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import cast

__all__ = (
    "BadHttpMessage",
    "BadStatusLine",
    "BodyReadTimeout",
    "ContentEncodingError",
    "ContentLengthError",
    "HttpProcessingError",
    "InvalidHeader",
    "LineTooLong",
    "PayloadAccessError",
    "PayloadTooLarge",
    "RequestPayloadError",
    "TransferEncodingError",
    "UnsupportedContentEncoding",
    "UnsupportedTransferCoding",
    "UnsupportedVersion",
    "as_payload_error",
)


class HttpProcessingError(Exception):
    """Base of every wire-level error; ``code`` is the status to answer with."""

    code: int = HTTPStatus.BAD_REQUEST
    message: str = "Bad Request"

    def __init__(self, message: str = "", *, code: int | None = None) -> None:
        if code is not None:
            self.code = code
        if message:
            self.message = message
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.code}, message={self.message!r}>"


class BadHttpMessage(HttpProcessingError):
    """The bytes are not a well-formed HTTP/1.x message (400)."""


class BadStatusLine(BadHttpMessage):
    """The request line is malformed (400)."""


class InvalidHeader(BadHttpMessage):
    """A header field line is malformed or its value is not acceptable (400)."""


class TransferEncodingError(BadHttpMessage):
    """The chunked framing is broken (400)."""


class ContentLengthError(BadHttpMessage):
    """The body ended before Content-Length bytes arrived, or the value is invalid (400)."""


class RequestPayloadError(HttpProcessingError):
    """The request body could not be read to its end (aiohttp's ``web.RequestPayloadError``).

    What a handler's ``await request.read()`` (or any read of the body) raises when
    the body breaks after its head was accepted: corrupt chunked framing, a corrupt
    or truncated Content-Encoding, a body over a size limit. Handlers written for
    aiohttp catch this name; one that does not gets the carried status (400, or 413
    for a size limit), never a 500.
    """


class PayloadAccessError(Exception):
    """The request body was read after its response was sent (aiohttp's name).

    The connection has moved on (discarded the rest of the body, or closed), so a
    task that kept the request and reads its body later gets this instead of data.
    """


class ContentEncodingError(RequestPayloadError, BadHttpMessage):
    """A request body could not be decoded with its Content-Encoding: corrupt or truncated (400)."""


class BodyReadTimeout(HttpProcessingError):
    """The client stopped sending the body it announced (408)."""

    code = HTTPStatus.REQUEST_TIMEOUT
    message = "Request Timeout"


class LineTooLong(HttpProcessingError):
    """A size limit on the head was exceeded (414 for the request line, 431 for fields)."""

    code = HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
    message = "Request Header Fields Too Large"


class PayloadTooLarge(HttpProcessingError):
    """The body exceeds the configured maximum (413)."""

    code = HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    message = "Payload Too Large"


class UnsupportedVersion(HttpProcessingError):
    """A well-formed but unsupported protocol version (505)."""

    code = HTTPStatus.HTTP_VERSION_NOT_SUPPORTED
    message = "HTTP Version Not Supported"


class UnsupportedTransferCoding(HttpProcessingError):
    """A transfer coding other than chunked (501, RFC 9112 6.1)."""

    code = HTTPStatus.NOT_IMPLEMENTED
    message = "Not Implemented: transfer coding"


class UnsupportedContentEncoding(HttpProcessingError):
    """A request Content-Encoding the server cannot decode (415)."""

    code = HTTPStatus.UNSUPPORTED_MEDIA_TYPE
    message = "Unsupported Media Type"


# One "payload" variant per parser error class, made on first need (a handful at most).
_PAYLOAD_VARIANTS: dict[type[HttpProcessingError], type[RequestPayloadError]] = {}


def as_payload_error(error: HttpProcessingError) -> RequestPayloadError:
    """``error`` as the :class:`RequestPayloadError` a body reader raises, status kept.

    The parser reports a broken body with the same typed errors as a broken head;
    the handler reading that body gets an exception that is both aiohttp's
    ``RequestPayloadError`` and the parser's class (a ``TransferEncodingError``,
    a ``PayloadTooLarge``...), with the parser's error as its ``__cause__``.
    """
    if isinstance(error, RequestPayloadError):
        return error
    kind = type(error)
    variant = _PAYLOAD_VARIANTS.get(kind)
    if variant is None:
        made = type(
            kind.__name__,
            (RequestPayloadError, kind),
            {
                "__module__": kind.__module__,
                "__doc__": kind.__doc__,
                "__qualname__": kind.__qualname__,
            },
        )
        variant = _PAYLOAD_VARIANTS[kind] = cast("type[RequestPayloadError]", made)
    try:
        wrapped = variant(error.message, code=error.code)
    except TypeError:  # a subclass with its own constructor: keep the status at least
        wrapped = RequestPayloadError(error.message, code=error.code)
    wrapped.__cause__ = error
    return wrapped

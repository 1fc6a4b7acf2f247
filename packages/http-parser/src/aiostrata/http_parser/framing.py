"""How an HTTP/1 response says where its body ends, and whether the connection goes on.

Every response head the server sends is framed here, whichever way it is
sent (``Response.send_now`` in one write, or ``prepare()`` then the body):

- :func:`frame_body` chooses no body, ``Transfer-Encoding: chunked`` or a
  ``Content-Length`` (RFC 9112 6.1-6.3), sets the writer up to match (chunking,
  the length it may not exceed) and says whether the connection can stay open
  after a body whose end only the close can tell;
- :func:`say_persistence` adds the ``Connection`` field the version needs to
  say that (RFC 9112 9.3).

The response objects decide what the application asked for (a status, a
length, chunks, keep-alive); these functions turn it into fields on the wire.
They are separate calls because the fields between them (``Content-Type``,
``Date``, ``Server``) are the response's, and keep their place in the head.
"""

from __future__ import annotations

from typing import Final

from multidict import CIMultiDict, istr

from .versions import HttpVersion, HttpVersion10, HttpVersion11
from .writer import AbstractStreamWriter

__all__ = ("frame_body", "frame_known_length", "say_persistence")

_CONTENT_LENGTH: Final = istr("Content-Length")
_TRANSFER_ENCODING: Final = istr("Transfer-Encoding")
_CONNECTION: Final = istr("Connection")


def frame_body(
    writer: AbstractStreamWriter,
    headers: CIMultiDict[str],
    version: HttpVersion,
    *,
    keep_alive: bool,
    no_body: bool,
    chunked: bool,
    length_check: bool,
    content_length: int | None,
    drop_length: bool = False,
) -> bool:
    """Frame the body in ``headers`` and ``writer``; return the keep-alive that remains.

    ``no_body``: the status or method forbids a body (RFC 9110 6.4.1), so nothing
    may follow the head and there is no ``Transfer-Encoding``; ``drop_length``
    removes a ``Content-Length`` that must not be sent either (RFC 9110 8.6).
    ``chunked``: the application asked for chunks, which only HTTP/1.1 has.
    ``length_check``: the writer never sends more than ``content_length``; an
    unknown length is chunked on 1.1 and ended by closing on 1.0 (RFC 9112 6.3).
    """
    if chunked and version != HttpVersion11:
        raise RuntimeError(
            f"Using chunked encoding is forbidden for HTTP/{version.major}.{version.minor}"
        )
    if no_body:
        if length_check:
            writer.length = 0  # nothing may follow the head, whatever the handler writes
        if drop_length:
            headers.popall(_CONTENT_LENGTH, None)
        headers.popall(_TRANSFER_ENCODING, None)
    elif chunked:
        writer.enable_chunking()
        headers[_TRANSFER_ENCODING] = "chunked"
    elif length_check:
        writer.length = content_length
        if content_length is None and version >= HttpVersion11:
            writer.enable_chunking()
            headers[_TRANSFER_ENCODING] = "chunked"
        else:
            # Framed by its length (or, on 1.0, by the close): a Transfer-Encoding the
            # application set would make the client decode chunks that are not there,
            # and a sender must not send it with a Content-Length (RFC 9112 6.2).
            if _TRANSFER_ENCODING in headers:
                del headers[_TRANSFER_ENCODING]
            if content_length is None:
                keep_alive = False
    return keep_alive


def frame_known_length(
    writer: AbstractStreamWriter, headers: CIMultiDict[str], length: int
) -> None:
    """:func:`frame_body` for the usual whole response: a body of ``length`` bytes, sent
    with ``Content-Length`` (which the caller set), not chunked, allowed by its status and
    method; the writer will not send more. Keep-alive is unchanged by it.
    """
    writer.length = length
    if _TRANSFER_ENCODING in headers:  # RFC 9112 6.2: never with a Content-Length
        del headers[_TRANSFER_ENCODING]


def say_persistence(headers: CIMultiDict[str], version: HttpVersion, keep_alive: bool) -> None:
    """Add the ``Connection`` field the version needs, unless the application set one.

    RFC 9112 9.3: HTTP/1.1 is persistent unless it says ``close``; HTTP/1.0 only
    with ``keep-alive``.
    """
    if _CONNECTION not in headers:
        if keep_alive:
            if version == HttpVersion10:
                headers[_CONNECTION] = "keep-alive"
        elif version == HttpVersion11:
            headers[_CONNECTION] = "close"

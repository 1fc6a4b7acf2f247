"""What the sans-IO request parser returns: small immutable events, in wire order."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import HttpProcessingError
from .messages import RawRequestMessage


@dataclass(frozen=True, slots=True)
class RequestHead:
    """A request head was parsed; ``has_body`` says whether body events follow."""

    message: RawRequestMessage
    has_body: bool


@dataclass(frozen=True, slots=True)
class BodyData:
    """A slice of the current request's body (after chunked framing is removed)."""

    data: bytes


@dataclass(frozen=True, slots=True)
class ChunkEnd:
    """The end of one HTTP chunk of a chunked body (for ``readchunk``)."""


@dataclass(frozen=True, slots=True)
class MessageComplete:
    """The current request, body and trailers included, is complete."""

    trailers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class UpgradedData:
    """Bytes after an Upgrade or CONNECT head, handed over unparsed."""

    data: bytes


@dataclass(frozen=True, slots=True)
class ParseError:
    """The stream is broken; nothing after it is parsed and the connection must close."""

    error: HttpProcessingError


Event = RequestHead | BodyData | ChunkEnd | MessageComplete | UpgradedData | ParseError
CHUNK_END = ChunkEnd()

# The parser builds a RequestHead per request: through its slots rather than the
# generated __init__ (two object.__setattr__ calls, in Python), about 0.2 us less.
_new_event = object.__new__
_set_message = RequestHead.__dict__["message"].__set__
_set_has_body = RequestHead.__dict__["has_body"].__set__


def request_head(message: RawRequestMessage, has_body: bool) -> RequestHead:
    """``RequestHead(message, has_body)``: the same frozen event, built faster."""
    event: RequestHead = _new_event(RequestHead)
    _set_message(event, message)
    _set_has_body(event, has_body)
    return event

"""The request parser with each head tokenized by llhttp (through ``httptools``).

Same interface, same events, same errors as :class:`HttpRequestParser`; only the
step that splits a complete head into method, target and fields runs in C. The
rest stays in the shared state machine on purpose:

- Framing (where a head ends, leading empty lines, the limits on partial heads)
  needs the raw bytes, and httptools reports no offsets, so the shared code finds
  each head and hands it over whole. This also keeps every message boundary, and
  so every error, the same in both backends.
- Bodies are sliced, not parsed: llhttp has nothing to add for Content-Length,
  and for chunked bodies httptools hides the chunk extensions and trailer lines
  that the policy validates (RFC 9112 7.1.1, 7.1.2).

llhttp is used as a fast path, never as the judge. A head is accepted on the fast
path only when llhttp accepted it *and* the checks llhttp does not make (ASCII-only
version, single spaces in the request line, a fragment-free visible-ASCII target,
line and field limits, obs-fold and bare CR/LF already refused by the framing)
pass; anything else, including every head llhttp refuses (it knows fewer methods
than "any token"), is re-tokenized by the pure-Python rules, which then accept it
or raise exactly the error the pure-Python parser raises.
"""

from __future__ import annotations

from typing import Final

import httptools
from multidict import CIMultiDict, CIMultiDictProxy

from .limits import ParserLimits
from .messages import RawRequestMessage
from .request_parser import _BAD_TARGET_BYTE, HttpRequestParser, _has_bare_cr_or_lf
from .versions import HttpVersion10, HttpVersion11

__all__ = ("HttptoolsRequestParser",)

_VERSIONS: Final = {b"HTTP/1.1": HttpVersion11, b"HTTP/1.0": HttpVersion10}
_HEAD_END: Final = b"\r\n\r\n"


class _FieldCollector:
    """The httptools protocol object: keeps the fields of one head, ignores the rest.

    The other callbacks are ``None`` class attributes so that httptools' lookups
    find them cheaply and registers none of them.
    """

    __slots__ = ("fields",)

    on_message_begin = None
    on_url = None
    on_headers_complete = None
    on_body = None
    on_message_complete = None
    on_chunk_header = None
    on_chunk_complete = None

    def __init__(self) -> None:
        self.fields: list[tuple[bytes, bytes]] = []

    def on_header(self, name: bytes, value: bytes) -> None:
        self.fields.append((name, value))


class HttptoolsRequestParser(HttpRequestParser):
    """:class:`HttpRequestParser` whose head tokenizer is llhttp (``httptools``)."""

    def __init__(self, limits: ParserLimits | None = None) -> None:
        super().__init__(limits)
        limits = self.limits
        # Below this size no single line of a head can break a line or field limit.
        self._fast_head_size = min(limits.max_line_size, limits.max_field_size)

    def _parse_message_head(self, head: bytes) -> RawRequestMessage:
        message = self._parse_with_llhttp(head)
        if message is None:
            return super()._parse_message_head(head)
        return message

    def _parse_with_llhttp(self, head: bytes) -> RawRequestMessage | None:
        """The message, or ``None`` when the pure-Python rules must decide."""
        if len(head) > self._fast_head_size or _has_bare_cr_or_lf(head):
            return None
        line_end = head.find(b"\r\n")
        request_line = head if line_end == -1 else head[:line_end]
        parts = request_line.split(b" ")
        if len(parts) != 3:
            return None
        method, target, version_bytes = parts
        version = _VERSIONS.get(version_bytes)
        if version is None or not target or _BAD_TARGET_BYTE.search(target):
            return None
        collector = _FieldCollector()
        parser = httptools.HttpRequestParser(collector)
        try:
            parser.feed_data(head + _HEAD_END)
        except httptools.HttpParserUpgrade:
            pass  # the head is complete; what follows is not llhttp's business
        except httptools.HttpParserError:
            return None
        fields = collector.fields
        # llhttp knows only registered methods: one it accepted is a token, and the same one.
        if parser.get_method() != method:
            return None
        # One callback per field line: anything else (an obs-fold merge) is not the fast path.
        if len(fields) != head.count(b"\r\n") or len(fields) > self.limits.max_headers:
            return None
        pairs: list[tuple[str, str]] = []
        raw: list[tuple[bytes, bytes]] = []
        for name, value in fields:
            value = value.strip(b" \t")  # RFC 9110 5.5: OWS around the value is not part of it
            raw.append((name, value))
            pairs.append((name.decode("ascii"), value.decode("utf-8", "surrogateescape")))
        headers = CIMultiDictProxy(CIMultiDict(pairs))
        return self._interpret(
            method.decode("ascii"), target.decode("ascii"), version, headers, tuple(raw)
        )

"""The sans-IO HTTP/1.1 request parser (RFC 9112).

Feed it bytes as they arrive, in any split; it returns events in wire order.
It owns no socket and no event loop. Policy, chosen for strictness because a
lenient parser behind a proxy is how requests get smuggled:

- Lines end in CRLF. A bare LF or a bare CR anywhere in the head, a chunk-size
  line or the trailers is a 400 (RFC 9112 2.2 allows, but does not require,
  accepting bare LF; we never do).
- obs-fold, whitespace before a field's colon, and CTL bytes in values are 400s.
- Framing: Transfer-Encoding must be exactly ``chunked``; with Content-Length
  it is a 400; on HTTP/1.0 it is a 400. Content-Length is ASCII digits, and
  differing duplicates are a 400. Keyword matching is ASCII-only, so that no
  Unicode case folding can turn ``chunKed`` (KELVIN SIGN) into ``chunked``.
- The body framing of a request never depends on its method (HEAD included).
- After the first error nothing more is parsed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Final

from multidict import CIMultiDict, CIMultiDictProxy, istr
from yarl import URL

from ._compile_hints import mypyc_attr
from .errors import (
    BadHttpMessage,
    BadStatusLine,
    ContentLengthError,
    HttpProcessingError,
    InvalidHeader,
    LineTooLong,
    PayloadTooLarge,
    TransferEncodingError,
    UnsupportedTransferCoding,
    UnsupportedVersion,
)
from .events import (
    CHUNK_END,
    BodyData,
    Event,
    MessageComplete,
    ParseError,
    UpgradedData,
    request_head,
)
from .field_section import split_valid_fields
from .header_grammar import QUOTED_STRING_BYTES, TOKEN_BYTES, TOKEN_BYTES_RE
from .limits import ParserLimits
from .messages import RawRequestMessage
from .section_cache import SECTIONS, Meaning
from .section_cache import remember as remember_section
from .versions import HttpVersion, HttpVersion10, HttpVersion11

__all__ = ("HttpRequestParser",)

_TOKEN: Final = TOKEN_BYTES_RE
_VERSION: Final = re.compile(rb"HTTP/([0-9])\.([0-9])")
# Request-target: visible ASCII only; never a fragment (RFC 9112 3.2).
_BAD_TARGET_BYTE: Final = re.compile(rb"[^\x21-\x7e]|#")
# Field values: VCHAR, obs-text, SP and HTAB (RFC 9110 5.5); no CTL, CR, LF or NUL.
_BAD_VALUE_BYTE: Final = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
_BARE_CR: Final = re.compile(rb"\r(?!\n)")
_DIGITS: Final = re.compile(rb"[0-9]{1,18}")
_HEX: Final = re.compile(rb"[0-9A-Fa-f]{1,16}")
# chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ) (RFC 9112 7.1.1)
_CHUNK_EXT: Final = re.compile(
    rb"(?:[ \t]*;[ \t]*"
    + TOKEN_BYTES
    + rb"(?:[ \t]*=[ \t]*(?:"
    + TOKEN_BYTES
    + rb"|"
    + QUOTED_STRING_BYTES
    + rb"))?)*"
)
# uri-host [ ":" port ], strict enough to refuse spaces, userinfo and paths.
_HOST: Final = re.compile(
    r"(?:\[[0-9A-Fa-f:.]+\]|\[v[0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+\]"
    r"|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::[0-9]*)?"
)
_PORT: Final = re.compile(r"[0-9]{1,5}")
_COMMON_METHODS: Final = frozenset(
    {b"GET", b"HEAD", b"POST", b"PUT", b"DELETE", b"PATCH", b"OPTIONS", b"CONNECT", b"TRACE"}
)
_KNOWN_VERSIONS: Final = {b"HTTP/1.1": HttpVersion11, b"HTTP/1.0": HttpVersion10}
_HEAD, _BODY_LENGTH, _CHUNK_SIZE, _CHUNK_DATA, _CHUNK_CRLF, _TRAILERS, _UPGRADED, _DONE = range(8)


_new_tuple: Final = tuple.__new__
_DEFAULT_LIMITS: Final = ParserLimits()  # frozen: one for every parser given none
_COMPLETE: Final = MessageComplete()  # immutable: one for every message without trailers
_CACHED_TARGET_LENGTH: Final = 256
_CACHED_TOKENS_LENGTH: Final = 128
_CACHED_HOST_LENGTH: Final = 128
_NO_TOKENS: Final[tuple[str, ...]] = ()
# Field names as istr: a lookup with one skips lower-casing the name each time.
_HOST_FIELD: Final = istr("Host")
_CONNECTION: Final = istr("Connection")
_TRANSFER_ENCODING: Final = istr("Transfer-Encoding")
_CONTENT_LENGTH: Final = istr("Content-Length")
_UPGRADE: Final = istr("Upgrade")
_CONTENT_ENCODING: Final = istr("Content-Encoding")


@functools.lru_cache(maxsize=1024)
def _origin_form_url(target: str) -> URL:
    """URLs are immutable and hot targets repeat: build each short one once."""
    path, _, query = target.partition("?")
    return URL.build(path=path, query_string=query, encoded=True)


def _has_bare_cr_or_lf(data: bytes) -> bool:
    """Whether ``data`` holds a CR not followed by LF or an LF not preceded by CR.

    CRLFs never overlap and each holds one CR and one LF, so every CR and every LF
    is part of one exactly when all three counts agree: three C scans, no lookaround.
    """
    crlf = data.count(b"\r\n")
    return data.count(b"\r") != crlf or data.count(b"\n") != crlf


_CACHED_REQUEST_LINE_LENGTH: Final = _CACHED_TARGET_LENGTH + 32

ParsedRequestLine = tuple[str, str, HttpVersion, URL | None]


def _valid_request_line(line: bytes) -> ParsedRequestLine | None:
    """Method, target, version and URL of a request line the rules accept, else ``None``.

    ``None`` sends the head to the strict path, which refuses the line with its reason.
    The URL is ``None`` when the target is refused (or its URL raised): the strict order
    reports Host errors before target ones, so the error is left to :meth:`_interpret`.
    Short lines are cached (bounded): hot request lines repeat.
    """
    if len(line) <= _CACHED_REQUEST_LINE_LENGTH:
        return _valid_short_request_line(line)
    return _check_request_line(line)


def _check_request_line(line: bytes) -> ParsedRequestLine | None:
    parts = line.split(b" ")
    if len(parts) != 3:
        return None
    method, target, version_bytes = parts
    version = _KNOWN_VERSIONS.get(version_bytes)
    if version is None or not target or _BAD_TARGET_BYTE.search(target):
        return None
    if method not in _COMMON_METHODS and not _TOKEN.fullmatch(method):
        return None
    method_str, target_str = method.decode("ascii"), target.decode("ascii")
    try:
        url: URL | None = _target_url(method_str, target_str)
    except HttpProcessingError:
        url = None
    return method_str, target_str, version, url


_valid_short_request_line = functools.lru_cache(maxsize=512)(_check_request_line)


def _target_url(method: str, target: str) -> URL:
    """The URL of a request-target (RFC 9112 3.2), or :class:`BadStatusLine`."""
    try:
        if method == "CONNECT":
            # RFC 9112 3.2.3: authority-form only, a non-empty host and port
            # (RFC 9110 9.3.6: an empty or invalid port is a 400).
            host, _, port = target.rpartition(":")
            if (
                not _HOST.fullmatch(target)
                or not host
                or not _PORT.fullmatch(port)
                or int(port) > 65535
            ):
                raise BadStatusLine(f"Invalid CONNECT target: {target[:100]!r}")
            return URL.build(authority=target, encoded=True)
        if target.startswith("/"):
            if len(target) <= _CACHED_TARGET_LENGTH:
                return _origin_form_url(target)
            path, _, query = target.partition("?")
            return URL.build(path=path, query_string=query, encoded=True)
        if target == "*":
            if method != "OPTIONS":
                raise BadStatusLine("Asterisk-form is only allowed for OPTIONS")
            return URL.build(path="*", encoded=True)
        url = URL(target, encoded=True)
        # RFC 9110 4.2.4: userinfo in an http(s) URI is an error; refusing it also
        # keeps "http://trusted@evil/" from meaning two hosts to two readers.
        valid = (
            url.absolute
            and url.scheme in ("http", "https")
            and bool(url.host)
            and "@" not in url.raw_authority
        )
        _ = url.explicit_port  # yarl splits the authority lazily: a bad port raises here
    except (ValueError, TypeError) as exc:
        raise BadStatusLine(f"Invalid request target: {target[:100]!r}") from exc
    if not valid:
        raise BadStatusLine(f"Invalid request target: {target[:100]!r}")
    return url


def _valid_host(host: str) -> bool:
    """Whether a Host value is ``uri-host [ ":" port ]``; short ones cached (bounded)."""
    if len(host) <= _CACHED_HOST_LENGTH:
        return _valid_short_host(host)
    return _HOST.fullmatch(host) is not None


@functools.lru_cache(maxsize=256)
def _valid_short_host(host: str) -> bool:
    return _HOST.fullmatch(host) is not None


def _ascii_lower(value: str) -> str | None:
    """Lower-case ``value`` if it is ASCII; ``None`` if not (no Unicode case folding)."""
    return value.lower() if value.isascii() else None


def _comma_tokens(values: list[str]) -> Sequence[str]:
    if len(values) == 1 and len(values[0]) <= _CACHED_TOKENS_LENGTH:
        return _comma_tokens_of_one(values[0])  # the common case, cached (and immutable)
    return _split_comma_tokens(values)


@functools.lru_cache(maxsize=256)
def _comma_tokens_of_one(value: str) -> tuple[str, ...]:
    return tuple(_split_comma_tokens([value]))


def _split_comma_tokens(values: list[str]) -> list[str]:
    tokens: list[str] = []
    for value in values:
        for part in value.split(","):
            part = part.strip(" \t")
            if part:
                lowered = _ascii_lower(part)
                # A non-ASCII token matches nothing we act on; keep it unmatched.
                tokens.append(lowered if lowered is not None else "\x00" + part)
    return tokens


# Subclassed by the httptools backend, tests and users, also where this module is compiled.
@mypyc_attr(allow_interpreted_subclasses=True)
class HttpRequestParser:
    """Incremental request parser: ``feed_data(bytes) -> list[Event]``."""

    def __init__(self, limits: ParserLimits | None = None) -> None:
        self.limits = limits if limits is not None else _DEFAULT_LIMITS
        self._buf = b""
        self._state = _HEAD
        self._remaining = 0  # body bytes left (length) or chunk bytes left
        self._body_seen = 0
        self._empty_lines = 0
        self._trailer_count = 0
        self._trailer_size = 0
        self._trailers: list[tuple[str, str]] = []
        self._close_after = False
        self._upgrade_after = False
        self._holding_back = False
        # A head take_bodiless_request() parsed but left to feed_data (it has a body):
        # (the very bytes object, its message), so that it is not parsed twice.
        self._taken_back: tuple[bytes, RawRequestMessage] | None = None

    @property
    def upgraded(self) -> bool:
        """True once the connection was handed over by an Upgrade or CONNECT head."""
        return self._state == _UPGRADED

    @property
    def done(self) -> bool:
        """True after an error or a message that ends the connection."""
        return self._state == _DONE

    @property
    def idle(self) -> bool:
        """True between messages with nothing of the next one buffered."""
        return self._state == _HEAD and not self._buf

    def feed_eof(self) -> list[Event]:
        """The peer closed its side; a message cut short is an error."""
        if self._state in (_HEAD, _DONE, _UPGRADED):
            if self._state == _HEAD and self._buf.strip(b"\r\n"):
                self._state = _DONE
                return [ParseError(BadHttpMessage("Connection closed inside a request head"))]
            return []
        cut_short = self._state == _BODY_LENGTH
        self._state = _DONE
        if cut_short:
            return [ParseError(ContentLengthError("Not enough data to satisfy content length"))]
        return [ParseError(TransferEncodingError("Not enough data to satisfy transfer length"))]

    @property
    def head_pending(self) -> bool:
        """True when part of a request head is buffered, waiting for the rest of it.

        Not while heads are held back (:attr:`holding_back`): those are whole, and
        wait for the caller, not for the client.
        """
        return self._state == _HEAD and bool(self._buf) and not self._holding_back

    @property
    def holding_back(self) -> bool:
        """True when the last ``feed_data`` stopped at ``max_heads`` with bytes left to parse."""
        return self._holding_back

    def feed_data(
        self, data: bytes | bytearray | memoryview, *, max_heads: int | None = None
    ) -> list[Event]:
        """Parse as much of the buffered bytes as possible.

        With ``max_heads``, stop before the head of a further request once that
        many heads were returned, and keep the rest buffered: a caller with a
        bounded queue of pipelined requests feeds ``b""`` later, when it has room.
        """
        if max_heads != 0 and type(data) is bytes:
            # The common case, one whole head and nothing after it: no loop, no buffer.
            end = self._lone_head_end(data)
            if end > 0:
                return self._parse_lone_head(data, end)
        if self._state == _DONE:
            return []
        if self._state == _UPGRADED:
            return [UpgradedData(bytes(data))] if data else []
        buf = self._buf + data if self._buf else bytes(data)
        events: list[Event] = []
        pos = 0
        heads = 0
        self._holding_back = False
        try:
            while pos < len(buf):
                state = self._state
                if state == _HEAD:
                    if max_heads is not None and heads >= max_heads:
                        self._holding_back = True
                        break
                    before = len(events)
                    pos = self._parse_head(buf, pos, events)
                    if len(events) > before:
                        heads += 1
                elif state == _BODY_LENGTH:
                    pos = self._parse_length_body(buf, pos, events)
                elif state == _CHUNK_SIZE:
                    pos = self._parse_chunk_size(buf, pos, events)
                elif state == _CHUNK_DATA:
                    pos = self._parse_chunk_data(buf, pos, events)
                elif state == _CHUNK_CRLF:
                    pos = self._parse_chunk_crlf(buf, pos)
                elif state == _TRAILERS:
                    pos = self._parse_trailers(buf, pos, events)
                elif state == _UPGRADED:
                    if pos < len(buf):
                        events.append(UpgradedData(buf[pos:]))
                    pos = len(buf)
                    break
                else:  # _DONE: a message that closes the connection was complete
                    pos = len(buf)
                    break
                if pos < 0:  # need more bytes
                    pos = ~pos
                    break
        except HttpProcessingError as exc:
            self._state = _DONE
            self._buf = b""
            events.append(ParseError(exc))
            return events
        self._buf = buf[pos:] if pos < len(buf) else b""
        return events

    def take_bodiless_request(
        self, data: bytes | bytearray | memoryview
    ) -> RawRequestMessage | None:
        """The request in ``data`` when ``data`` is exactly one whole head of a bodiless request.

        The connection's fast lane for the common request: the head is parsed as
        :meth:`feed_data` parses it and consumed the same way (the parser then waits
        for the next head, or is done when the request closes the connection), but no
        event is made: the caller serves the message at once. Anything else (part of
        a head, more than one, a body, an upgrade, a flaw) gives ``None`` with nothing
        consumed, for :meth:`feed_data` to take, which then does not parse the same
        head again.
        """
        if type(data) is not bytes:
            return None
        end = self._lone_head_end(data)
        if end <= 0:
            return None
        try:
            message = self._parse_message_head(data[:end])
        except HttpProcessingError:
            return None  # feed_data parses it again and says why
        if message.chunked or message.upgrade or message.headers.get(_CONTENT_LENGTH, "0") != "0":
            self._taken_back = (data, message)
            return None
        # What _start_body() and _finish() do for a bodiless message without trailers.
        self._holding_back = False
        self._empty_lines = 0
        self._close_after = message.should_close
        self._upgrade_after = False
        self._body_seen = 0
        if message.should_close:
            self._state = _DONE
        return message

    def _lone_head_end(self, data: bytes) -> int:
        """Where the CRLFCRLF of ``data`` is when ``data`` is exactly one whole head, else -1.

        Only between messages with nothing buffered, within ``max_head_size``, and
        not after empty lines (the general loop counts those).
        """
        if self._state != _HEAD or self._buf:
            return -1
        end = data.find(b"\r\n\r\n")
        if (
            end > 0
            and end + 4 == len(data) <= self.limits.max_head_size
            and not data.startswith(b"\r\n")
        ):
            return end
        return -1

    def _parse_lone_head(self, data: bytes, end: int) -> list[Event]:
        """:meth:`feed_data` for bytes that are exactly one head (``end``: its CRLFCRLF)."""
        self._holding_back = False
        self._empty_lines = 0
        events: list[Event] = []
        taken_back, self._taken_back = self._taken_back, None
        try:
            if taken_back is not None and taken_back[0] is data:
                message = taken_back[1]
            else:
                message = self._parse_message_head(data[:end])
            self._start_body(message, events)
        except HttpProcessingError as exc:
            self._state = _DONE
            events.append(ParseError(exc))
        return events

    # -- head --------------------------------------------------------------

    def _parse_head(self, buf: bytes, pos: int, events: list[Event]) -> int:
        limits = self.limits
        while buf.startswith(b"\r\n", pos):  # RFC 9112 2.2: ignore leading empty lines
            self._empty_lines += 1
            if self._empty_lines > limits.max_empty_lines:
                raise BadHttpMessage("Too many empty lines before the request line")
            pos += 2
        if pos >= len(buf) - 1 and (pos == len(buf) or buf[pos] == 13):  # nothing, or a lone CR
            return ~pos
        end = buf.find(b"\r\n\r\n", pos)
        if end == -1:
            self._check_partial_head(buf, pos)
            return ~pos
        if end - pos + 4 > limits.max_head_size:
            raise LineTooLong("Request head too large")
        head = buf[pos:end]
        self._empty_lines = 0
        message = self._parse_message_head(head)
        pos = end + 4
        self._start_body(message, events)
        return pos

    def _check_partial_head(self, buf: bytes, pos: int) -> None:
        """Fail early on a head that can never become valid, instead of buffering it."""
        partial = buf[pos:]
        limits = self.limits
        # A trailing CR may be the start of the CRLF that ends a line: not counted.
        body = partial[:-1] if partial.endswith(b"\r") else partial
        line_end = body.find(b"\r\n")
        if (len(body) if line_end == -1 else line_end) > limits.max_line_size:
            raise LineTooLong("Request line too long", code=414)
        if len(partial) > limits.max_head_size:
            raise LineTooLong("Request head too large")
        last_line_start = body.rfind(b"\r\n") + 2 if line_end != -1 else 0
        if line_end != -1 and len(body) - last_line_start > limits.max_field_size:
            raise LineTooLong("Header field too long")
        if _has_bare_cr_or_lf(body):
            raise BadHttpMessage("Bare CR or LF in the request head")

    def _parse_message_head(self, head: bytes) -> RawRequestMessage:
        """Tokenize and interpret one complete head (without its final CRLFCRLF).

        The seam an accelerated backend may override: framing, limits on partial heads and
        bodies stay here, so every backend frames messages identically.
        """
        message = self._parse_valid_head(head)
        if message is None:
            message = self._parse_head_strictly(head)
        return message

    def _parse_valid_head(self, head: bytes) -> RawRequestMessage | None:
        """The fast path: the message if every syntax rule holds, else ``None``.

        It never raises for syntax, so a head with any flaw takes :meth:`_parse_head_strictly`,
        which finds the same flaw in the same order the rules are written in and says why;
        only the rules applied to a well-formed head (:meth:`_interpret`) raise from here.
        No bare CR or LF can pass: the request line's parts refuse CR and LF, and
        :func:`~.field_section.split_valid_fields` refuses them in fields.
        """
        limits = self.limits
        line_end = head.find(b"\r\n")
        headers: CIMultiDictProxy[str] | None = None
        meanings: dict[HttpVersion, Meaning] | None = None
        if line_end == -1:
            request_line = head
            raw: tuple[tuple[bytes, bytes], ...] = ()
        else:
            request_line = head[:line_end]
            section = head[line_end + 2 :]
            known = SECTIONS.get(section)
            if (
                known is not None
                and known[2] <= limits.max_field_size
                and len(known[0]) <= limits.max_headers
            ):
                # this client's fields again: valid, already split, maybe interpreted
                raw, headers, _, meanings = known
            else:
                # Past max_field_size, one line might be over it: the strict path says which.
                if len(section) > limits.max_field_size and (
                    max(map(len, section.split(b"\r\n"))) > limits.max_field_size
                ):
                    return None
                split = split_valid_fields(section)
                if split is None:
                    return None
                raw, fields = split
                if len(raw) > limits.max_headers:
                    return None
                headers = CIMultiDictProxy(CIMultiDict(fields))
                remember_section(section, raw, headers)
        if len(request_line) > limits.max_line_size:
            return None
        parsed = _valid_request_line(request_line)
        if parsed is None:
            return None
        method, target, version, url = parsed
        if headers is None:  # a head without fields
            headers = CIMultiDictProxy(CIMultiDict())
        return self._interpret(method, target, version, headers, raw, url, meanings)

    def _parse_head_strictly(self, head: bytes) -> RawRequestMessage:
        """The reference path: every rule checked in order, each failure its own error."""
        if _has_bare_cr_or_lf(head):
            raise BadHttpMessage("Bare CR or LF in the request head")
        return self._parse_message(head.split(b"\r\n"))

    def _parse_message(self, lines: list[bytes]) -> RawRequestMessage:
        limits = self.limits
        request_line = lines[0]
        if len(request_line) > limits.max_line_size:
            raise LineTooLong("Request line too long", code=414)
        method, target, version = self._parse_request_line(request_line)
        if len(lines) - 1 > limits.max_headers:
            raise LineTooLong("Too many header fields")
        pairs: list[tuple[str, str]] = []
        raw: list[tuple[bytes, bytes]] = []
        for line in lines[1:]:
            name, value = self._parse_field(line)
            raw.append((name, value))
            pairs.append((name.decode("ascii"), value.decode("utf-8", "surrogateescape")))
        headers = CIMultiDictProxy(CIMultiDict(pairs))
        return self._interpret(method, target, version, headers, tuple(raw))

    def _parse_request_line(self, line: bytes) -> tuple[str, str, HttpVersion]:
        parts = line.split(b" ")
        if len(parts) != 3:
            raise BadStatusLine(f"Invalid request line: {line[:100]!r}")
        method, target, version_bytes = parts
        if method not in _COMMON_METHODS and not _TOKEN.fullmatch(method):
            raise BadStatusLine(f"Invalid method: {method[:100]!r}")
        version = _KNOWN_VERSIONS.get(version_bytes)
        if version is None:
            version_match = _VERSION.fullmatch(version_bytes)
            if version_match is None:
                raise BadStatusLine(f"Invalid HTTP version: {version_bytes[:100]!r}")
            raise UnsupportedVersion(
                f"Unsupported HTTP version: {version_match[1].decode()}.{version_match[2].decode()}"
            )
        if not target or _BAD_TARGET_BYTE.search(target):
            raise BadStatusLine(f"Invalid request target: {target[:100]!r}")
        return method.decode("ascii"), target.decode("ascii"), version

    def _parse_field(self, line: bytes) -> tuple[bytes, bytes]:
        if len(line) > self.limits.max_field_size:
            raise LineTooLong("Header field too long")
        name, colon, value = line.partition(b":")
        if not colon:
            raise InvalidHeader(f"Missing colon in field line: {line[:100]!r}")
        if not _TOKEN.fullmatch(name):
            # Also rejects obs-fold (leading SP/HTAB) and whitespace before the colon.
            raise InvalidHeader(f"Invalid field name: {name[:100]!r}")
        value = value.strip(b" \t")
        if _BAD_VALUE_BYTE.search(value):
            raise InvalidHeader(f"Invalid characters in the value of {name[:100]!r}")
        return name, value

    def _interpret(
        self,
        method: str,
        target: str,
        version: HttpVersion,
        headers: CIMultiDictProxy[str],
        raw_headers: tuple[tuple[bytes, bytes], ...],
        url: URL | None = None,
        meanings: dict[HttpVersion, Meaning] | None = None,
    ) -> RawRequestMessage:
        """Apply the rules on a well-formed head's meaning; ``url`` when already known.

        ``meanings``: what the same cached field section meant before (see
        section_cache), by version; filled here the first time it is worked out.
        """
        connect = method == "CONNECT"  # its meaning depends on the method: never kept
        meaning = meanings.get(version) if meanings is not None and not connect else None
        if meaning is None:
            meaning, url = self._apply_rules(method, target, version, headers, url)
            if meanings is not None and not connect:
                meanings[version] = meaning
        elif url is None:
            url = self._parse_target(method, target)
        should_close, compression, upgrade, chunked = meaning
        # tuple.__new__ directly: the named tuple's own __new__ is a Python function.
        return _new_tuple(
            RawRequestMessage,
            (
                method,
                target,
                version,
                headers,
                raw_headers,
                should_close,
                compression,
                upgrade,
                chunked,
                url,
            ),
        )

    def _apply_rules(
        self,
        method: str,
        target: str,
        version: HttpVersion,
        headers: CIMultiDictProxy[str],
        url: URL | None,
    ) -> tuple[Meaning, URL]:
        """The message rules on a well-formed head: what its fields mean, and its URL.

        Host first, then the target, then framing, persistence and codings, so that a
        head with several flaws is refused for the first of them, on every path.
        """
        getall = headers.getall
        hosts = getall(_HOST_FIELD, _NO_TOKENS)
        if len(hosts) != 1:
            if hosts:
                raise BadHttpMessage("Duplicate Host header")
            if version == HttpVersion11:
                raise BadHttpMessage("Missing Host header")  # RFC 9112 3.2
        elif not _valid_host(hosts[0]):
            raise BadHttpMessage(f"Invalid Host header: {hosts[0][:100]!r}")

        if url is None:
            url = self._parse_target(method, target)

        connection_values = getall(_CONNECTION, None)
        connection = _NO_TOKENS if connection_values is None else _comma_tokens(connection_values)
        if version == HttpVersion11:
            should_close = "close" in connection
        else:  # RFC 9112 9.3: 1.0 persists only if asked, and "close" wins over it
            should_close = "keep-alive" not in connection or "close" in connection

        chunked = False
        encodings = getall(_TRANSFER_ENCODING, None)
        lengths = getall(_CONTENT_LENGTH, None)
        if encodings is not None:
            if version == HttpVersion10:
                raise BadHttpMessage("Transfer-Encoding is not allowed in HTTP/1.0")
            if lengths is not None:
                raise BadHttpMessage("Transfer-Encoding with Content-Length")  # RFC 9112 6.3
            codings = _comma_tokens(encodings)
            if not codings or codings[-1] != "chunked":
                raise BadHttpMessage("Transfer-Encoding must end in chunked")  # RFC 9112 6.3
            if codings.count("chunked") > 1:
                raise BadHttpMessage("chunked applied more than once")  # RFC 9112 7.1
            if len(codings) > 1:
                raise UnsupportedTransferCoding(f"Unsupported transfer coding: {codings[0]!r}")
            chunked = True
        if lengths is not None:
            if any(not _DIGITS.fullmatch(v.encode("utf-8", "surrogateescape")) for v in lengths):
                raise ContentLengthError("Invalid Content-Length")
            if len(set(lengths)) > 1:
                raise ContentLengthError("Conflicting Content-Length values")

        upgrade = method == "CONNECT"
        if not upgrade and "upgrade" in connection:
            upgrade_values = getall(_UPGRADE, None)
            upgrade = upgrade_values is not None and bool(_comma_tokens(upgrade_values))

        compression = None
        content_codings = getall(_CONTENT_ENCODING, None)
        if content_codings is not None:
            # RFC 9110 8.4: every coding but identity, so that the connection can refuse
            # one it cannot decode (415) rather than hand the handler undecoded bytes.
            codings = [c for c in _comma_tokens(content_codings) if c != "identity"]
            compression = ", ".join(codings) if codings else None

        return (should_close, compression, upgrade, chunked), url

    def _parse_target(self, method: str, target: str) -> URL:
        return _target_url(method, target)

    def _start_body(self, message: RawRequestMessage, events: list[Event]) -> None:
        self._close_after = message.should_close
        if message.chunked:
            length = -1
        else:
            content_length = message.headers.get(_CONTENT_LENGTH)
            length = 0 if content_length is None else int(content_length)
        max_body = self.limits.max_body_size
        if max_body is not None and length > max_body:
            raise PayloadTooLarge(f"Content-Length {length} exceeds the limit of {max_body}")
        takes_over = message.upgrade and (
            message.method == "CONNECT"
            or "websocket" in _comma_tokens(message.headers.getall(_UPGRADE, []))
        )
        if takes_over and length != 0:
            raise BadHttpMessage("An upgrade request cannot carry a body")
        self._upgrade_after = takes_over
        self._body_seen = 0
        events.append(request_head(message, length != 0))
        if length == 0:
            self._finish(events)
        elif length > 0:
            self._remaining = length
            self._state = _BODY_LENGTH
        else:
            self._state = _CHUNK_SIZE

    def _finish(self, events: list[Event]) -> None:
        if self._trailers:
            events.append(MessageComplete(tuple(self._trailers)))
            self._trailers = []
        else:
            events.append(_COMPLETE)
        if self._upgrade_after:
            self._state = _UPGRADED
        elif self._close_after:
            self._state = _DONE
        else:
            self._state = _HEAD

    # -- bodies ------------------------------------------------------------

    def _count_body(self, size: int) -> None:
        self._body_seen += size
        max_body = self.limits.max_body_size
        if max_body is not None and self._body_seen > max_body:
            raise PayloadTooLarge(f"Body exceeds the limit of {max_body}")

    def _parse_length_body(self, buf: bytes, pos: int, events: list[Event]) -> int:
        available = len(buf) - pos
        take = min(available, self._remaining)
        if take:
            events.append(BodyData(buf[pos : pos + take] if take != len(buf) else buf))
            self._remaining -= take
            pos += take
        if self._remaining == 0:
            self._finish(events)
            return pos
        return ~pos

    def _parse_chunk_size(self, buf: bytes, pos: int, events: list[Event]) -> int:
        end = buf.find(b"\r\n", pos)
        limit = self.limits.max_chunk_line_size
        if end == -1:
            partial = buf[pos:]
            if len(partial.removesuffix(b"\r")) > limit:
                raise TransferEncodingError("Chunk-size line too long")
            if b"\n" in partial or _BARE_CR.search(partial.rstrip(b"\r")):
                raise TransferEncodingError("Bare CR or LF in a chunk-size line")
            return ~pos
        line = buf[pos:end]
        if len(line) > limit:
            raise TransferEncodingError("Chunk-size line too long")
        size_end = len(line)
        for index, byte in enumerate(line):
            if byte in b"; \t":
                size_end = index
                break
        size_bytes, extensions = line[:size_end], line[size_end:]
        if not _HEX.fullmatch(size_bytes):
            raise TransferEncodingError(f"Invalid chunk size: {size_bytes[:32]!r}")
        if extensions and not _CHUNK_EXT.fullmatch(extensions):
            raise TransferEncodingError("Invalid chunk extension")
        size = int(size_bytes, 16)
        pos = end + 2
        if size == 0:
            self._state = _TRAILERS
            self._trailer_count = 0
            self._trailer_size = 0
            return pos
        self._count_body(size)
        self._remaining = size
        self._state = _CHUNK_DATA
        return pos

    def _parse_chunk_data(self, buf: bytes, pos: int, events: list[Event]) -> int:
        take = min(len(buf) - pos, self._remaining)
        events.append(BodyData(buf[pos : pos + take] if take != len(buf) else buf))
        self._remaining -= take
        pos += take
        if self._remaining == 0:
            events.append(CHUNK_END)
            self._state = _CHUNK_CRLF
        return pos

    def _parse_chunk_crlf(self, buf: bytes, pos: int) -> int:
        if len(buf) - pos < 2:
            if buf[pos:] not in (b"", b"\r"):
                raise TransferEncodingError("Chunk data does not end in CRLF")
            return ~pos
        if buf[pos : pos + 2] != b"\r\n":
            raise TransferEncodingError("Chunk data does not end in CRLF")
        self._state = _CHUNK_SIZE
        return pos + 2

    def _parse_trailers(self, buf: bytes, pos: int, events: list[Event]) -> int:
        limits = self.limits
        while True:
            end = buf.find(b"\r\n", pos)
            if end == -1:
                partial = buf[pos:]
                if self._trailer_size + len(partial) > limits.max_trailer_size:
                    raise LineTooLong("Trailer section too large", code=400)
                if b"\n" in partial or _BARE_CR.search(partial.rstrip(b"\r")):
                    raise BadHttpMessage("Bare CR or LF in the trailer section")
                return ~pos
            line = buf[pos:end]
            pos = end + 2
            if not line:
                self._finish(events)
                return pos
            self._trailer_count += 1
            self._trailer_size += len(line) + 2
            if self._trailer_count > limits.max_trailers:
                raise LineTooLong("Too many trailer fields", code=400)
            if self._trailer_size > limits.max_trailer_size:
                raise LineTooLong("Trailer section too large", code=400)
            if b"\r" in line:
                raise BadHttpMessage("Bare CR in the trailer section")
            name, value = self._parse_field(line)
            self._trailers.append((name.decode("ascii"), value.decode("utf-8", "surrogateescape")))

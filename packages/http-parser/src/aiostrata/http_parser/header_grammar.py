"""The one header grammar of aiostrata: tokens, quoted-strings, parameters, ETags, dates, ranges.

Every package that reads or writes a structured header field uses the rules
written here (RFC 9110 5.6, 8.3.1, 8.8.3, 5.6.7, 14.1), so they cannot drift
apart: one token class, one quoted-string, one parameter parser, and a
formatter that re-quotes whatever a parser unquoted. The rules are kept as
regex *sources* as well as compiled patterns, so a package may embed a rule in
a larger pattern (the request line, a field line, a Forwarded pair) instead of
writing the character class again.

Parsers report what they cannot read with :class:`HeaderParamError` (a
``ValueError``) and leave policy (ignore, warn, answer 400/416) to callers.
"""

from __future__ import annotations

import datetime
import functools
import math
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Final

__all__ = (
    "BYTE_POSITION_MAX",
    "DEFAULT_CONTENT_TYPE",
    "ETAG_ANY",
    "EXT_CHARSET",
    "EXT_VALUE_CHARS",
    "MEDIA_TYPE",
    "QUOTED_STRING",
    "QUOTED_STRING_BYTES",
    "TOKEN",
    "TOKEN_BYTES",
    "TOKEN_BYTES_RE",
    "TOKEN_CHARS",
    "TOKEN_RE",
    "ETag",
    "HeaderParam",
    "HeaderParamError",
    "format_etag",
    "format_http_date",
    "format_parameterized",
    "is_media_type",
    "is_token",
    "parse_byte_range",
    "parse_content_type",
    "parse_etag",
    "parse_etag_list",
    "parse_http_date",
    "parse_parameterized",
    "quote_if_needed",
    "quote_string",
    "unquote_string",
    "validate_etag_value",
)

# --- tokens and quoted-strings (RFC 9110 5.6.2, 5.6.4) ------------------------------------

#: tchar: every visible ASCII character except the delimiters ``"(),/:;<=>?@[\\]{}``.
TOKEN_CHARS: Final = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
#: The regex source of ``token = 1*tchar``, for embedding in larger patterns.
TOKEN: Final = "[" + re.escape(TOKEN_CHARS) + "]+"
#: The same rule over bytes, for the parsers that read the wire before decoding.
TOKEN_BYTES: Final = TOKEN.encode("ascii")
#: quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE, obs-text allowed.
QUOTED_STRING: Final = r'"(?:[\t !#-\[\]-~\x80-\xff]|\\[\t !-~\x80-\xff])*"'
#: The same rule over bytes.
QUOTED_STRING_BYTES: Final = QUOTED_STRING.encode("latin-1")
#: type "/" subtype (RFC 9110 8.3.1).
MEDIA_TYPE: Final = rf"{TOKEN}/{TOKEN}"
#: RFC 8187 3.2.1 (``filename*=UTF-8''...``): mime-charset, and value-chars (attr-char or
#: a %-escape). attr-char is tchar without ``*``, ``'`` and ``%``; mime-charset adds ``{}``.
EXT_CHARSET: Final = r"[!#$%&+\-^_`{}~0-9A-Za-z]+"
EXT_VALUE_CHARS: Final = r"(?:[!#$&+\-.^_`|~0-9A-Za-z]|%[0-9A-Fa-f]{2})*"

#: :data:`TOKEN` and :data:`TOKEN_BYTES` compiled, for ``fullmatch`` where speed matters.
TOKEN_RE: Final = re.compile(TOKEN)
TOKEN_BYTES_RE: Final = re.compile(TOKEN_BYTES)
_TOKEN_RE: Final = TOKEN_RE
_MEDIA_TYPE_RE: Final = re.compile(MEDIA_TYPE)
_QUOTED_PAIR_RE: Final = re.compile(r"\\([\t !-~\x80-\xff])")
_CTL_RE: Final = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def is_token(value: str) -> bool:
    """Whether ``value`` is a non-empty RFC 9110 token (method, field name, parameter name)."""
    return _TOKEN_RE.fullmatch(value) is not None


def is_media_type(value: str) -> bool:
    """Whether ``value`` is ``type/subtype``, both tokens."""
    return _MEDIA_TYPE_RE.fullmatch(value) is not None


def quote_string(value: str) -> str:
    """Make an RFC 9110 5.6.4 quoted-string; CR, LF and other CTLs are refused (``ValueError``)."""
    if _CTL_RE.search(value):
        raise ValueError(f"control characters are not allowed in a header parameter: {value!r}")
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def quote_if_needed(value: str) -> str:
    """``value`` as a parameter value: bare when it is a token, else a quoted-string."""
    if _TOKEN_RE.fullmatch(value) is not None:
        return value
    return quote_string(value)


def unquote_string(quoted: str) -> str:
    """The value of a quoted-string matched by :data:`QUOTED_STRING` (quotes included)."""
    inner = quoted[1:-1]
    return _QUOTED_PAIR_RE.sub(r"\1", inner) if "\\" in inner else inner


# --- parameters (RFC 9110 5.6.6) -----------------------------------------------------------


class HeaderParamError(ValueError):
    """The value is not ``type *( ";" param )``; ``param`` says whether a parameter failed."""

    def __init__(self, message: str, *, param: bool) -> None:
        super().__init__(message)
        self.param = param


@dataclass(frozen=True, slots=True)
class HeaderParam:
    """One parameter: its lower-cased name, its (unquoted) value, and whether it was quoted."""

    name: str
    value: str
    quoted: bool


def _read_quoted(text: str, start: int, *, strict: bool) -> tuple[str, int]:
    """Read the quoted-string opening at ``text[start]``; return its value and the index after."""
    out: list[str] = []
    index = start + 1
    length = len(text)
    while index < length:
        char = text[index]
        if char == "\\" and index + 1 < length:
            out.append(text[index + 1])
            index += 2
        elif char == '"':
            return "".join(out), index + 1
        else:
            out.append(char)
            index += 1
    if strict:
        raise HeaderParamError("unterminated quoted-string", param=True)
    return "".join(out), length


def parse_parameterized(
    value: str, *, media_type: bool = False, strict: bool = True
) -> tuple[str, list[HeaderParam]]:
    """Split ``value`` into its lower-cased leading type and its parameters, in order.

    Unquoted values may hold anything but ``;`` and CTLs (browsers send raw UTF-8
    file names). A ``;`` inside a quoted-string belongs to the value.

    ``strict`` (Content-Disposition, multipart): a parameter without ``=``, a
    non-token name, an unclosed quote or text after a quoted-string is a
    :class:`HeaderParamError`, and so is a bad type (``type/subtype`` with
    ``media_type``, else a token). Lenient (Content-Type, read as browsers and the
    email package read it): bad parameters are skipped, an unclosed quote runs to
    the end, and the type is returned as written (lower-cased) for the caller to judge.
    """
    if strict and _CTL_RE.search(value):
        raise HeaderParamError("control characters in header value", param=False)
    head, separator, rest = value.partition(";")
    kind = head.strip(" \t").lower()
    if strict and not (_MEDIA_TYPE_RE if media_type else _TOKEN_RE).fullmatch(kind):
        raise HeaderParamError(f"invalid type {kind!r}", param=False)
    params: list[HeaderParam] = []
    if not separator:
        return kind, params
    text = separator + rest
    index = 0
    length = len(text)
    while index < length:
        # text[index] is ";" here.
        index += 1
        end = text.find("=", index)
        semicolon = text.find(";", index)
        if end == -1 or (semicolon != -1 and semicolon < end):
            stop = semicolon if semicolon != -1 else length
            if strict and text[index:stop].strip(" \t") != "":
                raise HeaderParamError("parameter without a value", param=True)
            # RFC 9110 5.6.6 allows empty parameters (``a; ;b=c``) and a trailing ``;``.
            index = stop
            continue
        name = text[index:end].strip(" \t").lower()
        name_ok = _TOKEN_RE.fullmatch(name) is not None
        if strict and not name_ok:
            raise HeaderParamError(f"invalid parameter name {name!r}", param=True)
        index = end + 1
        while index < length and text[index] in " \t":
            index += 1
        if index < length and text[index] == '"':
            param_value, index = _read_quoted(text, index, strict=strict)
            quoted = True
            while index < length and text[index] in " \t":
                index += 1
            if index < length and text[index] != ";":
                if strict:
                    raise HeaderParamError("text after a quoted-string", param=True)
                semicolon = text.find(";", index)
                index = semicolon if semicolon != -1 else length
                continue
        else:
            semicolon = text.find(";", index)
            stop = semicolon if semicolon != -1 else length
            param_value = text[index:stop].strip(" \t")
            quoted = False
            index = stop
        if name_ok:
            params.append(HeaderParam(name, param_value, quoted))
    return kind, params


def format_parameterized(kind: str, params: Mapping[str, str] | Iterable[tuple[str, str]]) -> str:
    """``kind; name=value; ...`` with each value re-quoted unless it is a token.

    The inverse of :func:`parse_parameterized`: what it unquoted is quoted again,
    so a value holding ``;`` or ``"`` survives a parse and a format unchanged.
    Parameter names must be tokens (``ValueError``).
    """
    pairs = params.items() if isinstance(params, Mapping) else params
    parts = [kind]
    for name, value in pairs:
        if _TOKEN_RE.fullmatch(name) is None:
            raise ValueError(f"invalid parameter name {name!r}")
        parts.append(f"{name}={quote_if_needed(value)}")
    return "; ".join(parts)


#: RFC 9110 8.3: a recipient may treat a body without Content-Type as this.
DEFAULT_CONTENT_TYPE: Final = "application/octet-stream"


def _parse_content_type_uncached(raw: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    kind, params = parse_parameterized(raw, strict=False)
    if not is_media_type(kind):
        # RFC 2045 5.2 (and the email package aiohttp uses): an invalid type is text/plain.
        kind = "text/plain"
    seen: dict[str, str] = {}
    for param in params:
        seen.setdefault(param.name, param.value)
    return kind, tuple(seen.items())


# The same few Content-Type values repeat on every request and response: parse each once.
_parse_content_type_cached: Final = functools.lru_cache(maxsize=256)(_parse_content_type_uncached)


def parse_content_type(raw: str | None) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A Content-Type's lower-cased media type and its ``(name, value)`` parameters.

    Names are lower-cased and values unquoted; the first of repeated names wins.
    Absent: ``application/octet-stream``; unreadable type: ``text/plain``.
    Short values are cached, which is why the parameters are an immutable tuple.
    """
    if not raw:
        return DEFAULT_CONTENT_TYPE, ()
    if len(raw) <= 256:
        return _parse_content_type_cached(raw)
    return _parse_content_type_uncached(raw)


# --- entity tags (RFC 9110 8.8.3) ----------------------------------------------------------

ETAG_ANY: Final = "*"
# etagc = %x21 / %x23-7E / obs-text: no DQUOTE, no space, no CTL.
_ETAGC: Final = r"[\x21\x23-\x7e\x80-\xff]*"
_ETAG_VALUE_RE: Final = re.compile(_ETAGC)
_ETAG_RE: Final = re.compile(rf'(W/)?"({_ETAGC})"')
_ETAG_ITEM_RE: Final = re.compile(rf'[ \t]*(W/)?"({_ETAGC})"[ \t]*(?:,|$)')


@dataclass(frozen=True, slots=True)
class ETag:
    """An entity tag: its opaque ``value`` (without quotes) and whether it is weak."""

    value: str
    is_weak: bool = False


def validate_etag_value(value: str) -> None:
    """Refuse a value that could not be sent between double quotes."""
    if value != ETAG_ANY and not _ETAG_VALUE_RE.fullmatch(value):
        raise ValueError(f"Value {value!r} is not a valid etag. Maybe it contains '\"'?")


def format_etag(tag: ETag | str) -> str:
    """The header form of ``tag``: quoted, ``W/``-prefixed when weak, ``*`` kept bare."""
    if isinstance(tag, str):
        tag = ETag(tag)
    elif not isinstance(tag, ETag):
        raise ValueError(f"Unsupported etag type: {type(tag)}. etag must be str, ETag or None")
    checked: object = tag.value
    if not isinstance(checked, str):
        raise ValueError(f"Unsupported etag value type: {type(checked)}. It must be str")
    if tag.value == ETAG_ANY:
        return ETAG_ANY
    validate_etag_value(tag.value)
    return f'W/"{tag.value}"' if tag.is_weak else f'"{tag.value}"'


def parse_etag(header: str | None) -> ETag | None:
    """One entity tag (an ``ETag`` field); None when absent or malformed."""
    if not header:
        return None
    if header == ETAG_ANY:
        return ETag(ETAG_ANY)
    match = _ETAG_RE.fullmatch(header)
    if match is None:
        return None
    return ETag(match.group(2), is_weak=match.group(1) is not None)


def parse_etag_list(value: str | None) -> tuple[ETag, ...] | None:
    """The entity tags of If-Match / If-None-Match; ``None`` when the header is absent.

    ``*`` is a single ETag with value ``"*"``. Malformed input yields the tags
    parsed before it (an invalid list matches nothing extra).
    """
    if value is None:
        return None
    if value.strip(" \t") == ETAG_ANY:
        return (ETag(ETAG_ANY),)
    tags: list[ETag] = []
    pos = 0
    while pos < len(value):
        match = _ETAG_ITEM_RE.match(value, pos)
        if match is None or match.end() == pos:
            break
        tags.append(ETag(match.group(2), is_weak=bool(match.group(1))))
        pos = match.end()
    return tuple(tags)


# --- HTTP-date (RFC 9110 5.6.7) ------------------------------------------------------------

_DAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS: Final = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip


def format_http_date(when: float | datetime.datetime) -> str:
    """IMF-fixdate of a Unix timestamp (rounded up, as a file's mtime may not be whole)
    or of a datetime (naive datetimes are taken as UTC).

    Never through ``time.strftime``, whose day and month names follow the locale.
    """
    if isinstance(when, datetime.datetime):
        if when.tzinfo is not None:
            when = when.astimezone(datetime.UTC)
        t = when.timetuple()
    else:
        t = time.gmtime(math.ceil(when))
    return (
        f"{_DAYS[t.tm_wday]}, {t.tm_mday:02d} {_MONTHS[t.tm_mon - 1]} {t.tm_year:04d} "
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} GMT"
    )


# email.utils (and the email package under it) is imported with the first date parsed,
# not with the package: most servers never read an HTTP-date.
_parsedate_to_datetime: Callable[[str], datetime.datetime] | None = None


def _load_parsedate_to_datetime() -> Callable[[str], datetime.datetime]:
    global _parsedate_to_datetime
    from email.utils import parsedate_to_datetime

    _parsedate_to_datetime = parsedate_to_datetime
    return parsedate_to_datetime


def parse_http_date(value: str | None) -> datetime.datetime | None:
    """An aware UTC datetime, or None for a missing or unparsable value.

    Recipients accept the obsolete RFC 850 and asctime forms too; ``email.utils``
    reads all three.
    """
    if not value or not value.isascii():
        return None
    parse = _parsedate_to_datetime or _load_parsedate_to_datetime()
    try:
        parsed = parse(value)
    except (TypeError, ValueError, IndexError, OverflowError):  # a year past 9999 overflows
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=datetime.UTC)
    return parsed.astimezone(datetime.UTC)


# --- Range (RFC 9110 14.1) -----------------------------------------------------------------

# The unit is case-insensitive; the digits are ASCII only: ``int()`` and ``\d`` accept
# other Unicode digits, which is how aiohttp's Range parser came to (GHSA-mqqc-3gqh-h2x8).
# Any number of them: the field's size is bounded by the parser.
_BYTE_RANGE_RE: Final = re.compile(r"(?i:bytes)=([0-9]*)-([0-9]*)", re.ASCII)
# A position with more digits than this is past the end of anything: it stands for
# BYTE_POSITION_MAX, so that no huge int is ever made (or refused by Python's digit limit).
_MAX_POSITION_DIGITS: Final = 18
BYTE_POSITION_MAX: Final = 10**_MAX_POSITION_DIGITS


def _byte_position(digits: str) -> int:
    """A byte position or length; one larger than any representation is ``BYTE_POSITION_MAX``.

    RFC 9110 14.1.1: a last position past the end means "to the end", and a suffix
    longer than the representation means all of it, however many digits it has.
    """
    digits = digits.lstrip("0")
    if len(digits) > _MAX_POSITION_DIGITS:
        return BYTE_POSITION_MAX
    return int(digits) if digits else 0


def parse_byte_range(value: str) -> tuple[int | None, int | None]:
    """The ``(first, last)`` positions of a single ``bytes=`` range, either may be None.

    ``bytes=-5`` is ``(None, 5)`` (a suffix length). ``HeaderParamError`` when the
    value is not one byte range, has neither bound, or has ``first > last``.
    """
    match = _BYTE_RANGE_RE.fullmatch(value.strip(" \t"))
    if match is None:
        raise HeaderParamError("range not in acceptable format", param=False)
    first = _byte_position(match.group(1)) if match.group(1) else None
    last = _byte_position(match.group(2)) if match.group(2) else None
    if first is None and last is None:
        raise HeaderParamError("No start or end of range specified", param=False)
    if first is not None and last is not None and first > last:
        raise HeaderParamError("start cannot be after end", param=False)
    return first, last

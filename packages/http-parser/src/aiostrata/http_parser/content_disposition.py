"""Reading and writing Content-Disposition (RFC 6266, with RFC 8187 / RFC 2231 parameters).

``parse_content_disposition`` never raises on what a client sent: a value it
cannot trust is reported with a :class:`BadContentDispositionHeader` or
:class:`BadContentDispositionParam` warning and read as ``(None, {})``, as in
aiohttp, so one odd part cannot turn a form into a 500.
"""

from __future__ import annotations

import codecs
import re
import warnings
from collections.abc import Mapping
from typing import Final
from urllib.parse import quote, unquote

from .header_grammar import (
    EXT_CHARSET,
    EXT_VALUE_CHARS,
    HeaderParamError,
    is_token,
    parse_parameterized,
    quote_string,
)

__all__ = (
    "BadContentDispositionHeader",
    "BadContentDispositionParam",
    "content_disposition_filename",
    "content_disposition_header",
    "parse_content_disposition",
)

# RFC 2231 3: a continued parameter is ``name*0``, ``name*1*``, ...
_CONTINUATION: Final = re.compile(r"(.+)\*(0|[1-9][0-9]{0,2})(\*?)")
# RFC 8187 3.2.1: ext-value = charset "'" [ language ] "'" value-chars
_EXT_VALUE: Final = re.compile(rf"({EXT_CHARSET})'([A-Za-z0-9\-]*)'(.*)", re.DOTALL)
_VALUE_CHARS: Final = re.compile(EXT_VALUE_CHARS)


class BadContentDispositionHeader(RuntimeWarning):
    """The Content-Disposition value as a whole is malformed; it was ignored."""


class BadContentDispositionParam(RuntimeWarning):
    """A Content-Disposition parameter is malformed; the header was ignored."""


def _decode_ext_value(value: str) -> str:
    """Decode an RFC 8187 ext-value (``utf-8''na%C3%AFve.txt``); ValueError if it is not one."""
    match = _EXT_VALUE.fullmatch(value)
    if match is None:
        raise ValueError("not an ext-value")
    charset, _language, encoded = match.groups()
    if not _VALUE_CHARS.fullmatch(encoded):
        raise ValueError("ext-value holds characters that must be percent-encoded")
    try:
        codecs.lookup(charset)
    except LookupError:
        raise ValueError(f"unknown charset {charset!r}") from None
    return unquote(encoded, encoding=charset, errors="strict")


def parse_content_disposition(header: str | None) -> tuple[str | None, dict[str, str]]:
    """Return the lower-cased disposition type and its parameters (names lower-cased).

    ``name*`` parameters are decoded (RFC 8187); RFC 2231 continuations
    (``name*0``, ``name*1*``) are kept as they are, for
    :func:`content_disposition_filename` to join.
    """
    if not header:
        return None, {}
    try:
        disposition, params = parse_parameterized(header)
    except HeaderParamError as exc:
        category = BadContentDispositionParam if exc.param else BadContentDispositionHeader
        warnings.warn(category(f"{exc}: {header!r}"), stacklevel=2)
        return None, {}
    result: dict[str, str] = {}
    for param in params:
        if param.name in result:
            # RFC 6266 4.1: a parameter must not appear twice; which one a reader picks
            # would decide which file name other parsers and this one see.
            warnings.warn(BadContentDispositionParam(f"duplicate {param.name!r}"), stacklevel=2)
            return None, {}
        value = param.value
        if param.name.endswith("*") and _CONTINUATION.fullmatch(param.name) is None:
            if param.quoted:
                warnings.warn(BadContentDispositionParam(f"quoted {param.name!r}"), stacklevel=2)
                return None, {}
            try:
                value = _decode_ext_value(value)
            except (ValueError, UnicodeDecodeError) as exc:
                warnings.warn(BadContentDispositionParam(f"{param.name}: {exc}"), stacklevel=2)
                return None, {}
        result[param.name] = value
    return disposition, result


def _join_continuations(params: Mapping[str, str], name: str) -> str | None:
    """RFC 2231 3 and 4.1: join ``name*0``, ``name*1``, ...; extended pieces are percent-decoded."""
    pieces: list[tuple[str, bool]] = []
    for index in range(1000):
        plain, extended = f"{name}*{index}", f"{name}*{index}*"
        if extended in params:
            pieces.append((params[extended], True))
        elif plain in params:
            pieces.append((params[plain], False))
        else:
            break
    if not pieces:
        return None
    first, first_extended = pieces[0]
    if not first_extended:
        return "".join(value for value, _ in pieces)
    match = _EXT_VALUE.fullmatch(first)
    if match is None:
        return None
    charset = match.group(1)
    encoded = match.group(3) + "".join(
        value if extended else quote(value, safe="", encoding=charset)
        for value, extended in pieces[1:]
    )
    try:
        return unquote(encoded, encoding=charset, errors="strict")
    except (LookupError, UnicodeDecodeError):
        return None


def content_disposition_filename(params: Mapping[str, str], name: str = "filename") -> str | None:
    """Parameter ``name``: ``name*`` first (RFC 6266 4.3), then ``name``, then continuations."""
    if not params:
        return None
    if f"{name}*" in params:
        return params[f"{name}*"]
    if name in params:
        return params[name]
    return _join_continuations(params, name)


def content_disposition_header(
    disptype: str, quote_fields: bool = True, _charset: str = "utf-8", **params: str
) -> str:
    """Build a Content-Disposition value such as ``form-data; name="a"; filename="b.txt"``.

    Values are sent as quoted-strings. With ``quote_fields`` a value that is not
    ASCII is also sent as ``name*=<charset>''<percent-encoded>`` (RFC 8187), and
    the plain ``name`` keeps an ASCII fallback. CR, LF and other CTLs are refused
    (header injection).
    """
    if not is_token(disptype):
        raise ValueError(f"bad content disposition type {disptype!r}")
    parts = [disptype]
    for key, value in params.items():
        if not is_token(key) or key.endswith("*"):
            raise ValueError(f"bad content disposition parameter name {key!r}")
        if quote_fields and not value.isascii():
            fallback = value.encode("ascii", "replace").decode("ascii")
            parts.append(f"{key}={quote_string(fallback)}")
            encoded = quote(value, safe="", encoding=_charset)
            parts.append(f"{key}*={_charset}''{encoded}")
        else:
            parts.append(f"{key}={quote_string(value)}")
    return "; ".join(parts)

"""Splitting ``type; name=value; name="quoted"`` header values (Content-Type, Content-Disposition).

One small tokenizer for both headers: RFC 9110 5.6.6 parameters with
RFC 9110 5.6.4 quoted-strings. It reports what it cannot parse with
:class:`HeaderParamError` and leaves policy (warn, refuse) to its callers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

__all__ = ("HeaderParam", "HeaderParamError", "is_token", "parse_parameterized", "quote_string")

_TOKEN: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_MEDIA_TYPE: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+/[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_CTL: Final = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


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


def is_token(value: str) -> bool:
    return _TOKEN.fullmatch(value) is not None


def quote_string(value: str) -> str:
    """Make an RFC 9110 5.6.4 quoted-string; CR, LF and other CTLs are refused."""
    if _CTL.search(value):
        raise ValueError(f"control characters are not allowed in a header parameter: {value!r}")
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _read_quoted(text: str, start: int) -> tuple[str, int]:
    """Read the quoted-string opening at ``text[start]``; return its value and the index after."""
    out: list[str] = []
    index = start + 1
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            out.append(text[index + 1])
            index += 2
        elif char == '"':
            return "".join(out), index + 1
        else:
            out.append(char)
            index += 1
    raise HeaderParamError("unterminated quoted-string", param=True)


def parse_parameterized(value: str, *, media_type: bool = False) -> tuple[str, list[HeaderParam]]:
    """Split ``value`` into its lower-cased leading type and its parameters, in order.

    Unquoted values may hold anything but ``;`` and CTLs (browsers send raw UTF-8
    file names); a parameter without ``=`` or with a non-token name is an error.
    With ``media_type`` the type must be ``type/subtype`` (RFC 9110 8.3.1), else a token.
    """
    if _CTL.search(value):
        raise HeaderParamError("control characters in header value", param=False)
    head, separator, rest = value.partition(";")
    kind = head.strip()
    pattern = _MEDIA_TYPE if media_type else _TOKEN
    if not pattern.fullmatch(kind):
        raise HeaderParamError(f"invalid type {kind!r}", param=False)
    params: list[HeaderParam] = []
    index = 0
    text = separator + rest
    while index < len(text):
        # text[index] is ";" here.
        index += 1
        end = text.find("=", index)
        semicolon = text.find(";", index)
        if end == -1 or (semicolon != -1 and semicolon < end):
            if text[index : semicolon if semicolon != -1 else len(text)].strip() == "":
                # RFC 9110 5.6.6 allows empty parameters (``a; ;b=c``) and a trailing ``;``.
                index = semicolon if semicolon != -1 else len(text)
                continue
            raise HeaderParamError("parameter without a value", param=True)
        name = text[index:end].strip().lower()
        if not is_token(name):
            raise HeaderParamError(f"invalid parameter name {name!r}", param=True)
        index = end + 1
        while index < len(text) and text[index] in " \t":
            index += 1
        if index < len(text) and text[index] == '"':
            param_value, index = _read_quoted(text, index)
            quoted = True
            while index < len(text) and text[index] in " \t":
                index += 1
            if index < len(text) and text[index] != ";":
                raise HeaderParamError("text after a quoted-string", param=True)
        else:
            semicolon = text.find(";", index)
            stop = semicolon if semicolon != -1 else len(text)
            param_value = text[index:stop].strip()
            quoted = False
            index = stop
        params.append(HeaderParam(name, param_value, quoted))
    return kind.lower(), params

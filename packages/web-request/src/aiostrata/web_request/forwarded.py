"""Parsing the Forwarded header (RFC 7239) into one mapping per proxy hop."""

from __future__ import annotations

import re
from collections.abc import Iterable
from types import MappingProxyType
from typing import Final

from aiostrata.http_parser.header_grammar import QUOTED_STRING, TOKEN, unquote_string

# One forwarded-pair: token "=" ( token / quoted-string ) (RFC 7239 4).
_PAIR: Final = re.compile(rf"({TOKEN})=({TOKEN}|{QUOTED_STRING})")
_SEPARATOR: Final = re.compile(r"[ \t]*([;,])[ \t]*")


def parse_forwarded(values: Iterable[str]) -> tuple[MappingProxyType[str, str], ...]:
    """Return one read-only mapping per forwarded-element, in the order proxies added them.

    A malformed element is skipped up to the next comma rather than failing the
    request: the header is advisory and comes from parties we do not control.
    """
    elements: list[MappingProxyType[str, str]] = []
    for field_value in values:
        length = len(field_value)
        pos = 0
        element: dict[str, str] = {}
        need_separator = False
        while pos < length:
            separator = _SEPARATOR.match(field_value, pos)
            if separator is not None and separator.end() > pos:
                pos = separator.end()
                if separator.group(1) == ",":
                    elements.append(MappingProxyType(element))
                    element = {}
                need_separator = False
                continue
            pair = None if need_separator else _PAIR.match(field_value, pos)
            if pair is None:
                # Skip the broken element: to the next comma, dropping what we had.
                comma = field_value.find(",", pos)
                element = {}
                if comma == -1:
                    pos = length
                    break
                pos = comma
                elements.append(MappingProxyType(element))
                pos += 1
                need_separator = False
                continue
            name, value = pair.group(1).lower(), pair.group(2)
            if value.startswith('"'):
                value = unquote_string(value)
            element.setdefault(name, value)
            pos = pair.end()
            need_separator = True
        elements.append(MappingProxyType(element))
    return tuple(elements)

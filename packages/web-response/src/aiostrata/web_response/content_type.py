"""Reading and writing the ``Content-Type`` field (RFC 9110 8.3) of a response.

The response exposes ``content_type`` and ``charset`` as separate properties
while keeping the header as the one source of truth, so both are parsed from it
on demand and written back into it, through the one parameter grammar of
:mod:`aiostrata.http_parser.header_grammar`: a quoted parameter such as
``foo="a;b"`` is unquoted when read and quoted again when written.
"""

from __future__ import annotations

from aiostrata.http_parser.header_grammar import (
    DEFAULT_CONTENT_TYPE,
    format_parameterized,
)
from aiostrata.http_parser.header_grammar import (
    parse_content_type as _parse_shared,
)

__all__ = ("DEFAULT_CONTENT_TYPE", "build_content_type", "parse_content_type")


def parse_content_type(raw: str | None) -> tuple[str, dict[str, str]]:
    """Split a Content-Type value into its lower-cased media type and parameters.

    Parameter names are lower-cased and quoted values unquoted (RFC 9110 5.6.6).
    A value without a ``type/subtype`` reads as ``text/plain``, as RFC 2045 5.2
    (and the standard library's email parser) do. The dict is the caller's own.
    """
    media, params = _parse_shared(raw)
    return media, dict(params)


def build_content_type(media: str, params: dict[str, str]) -> str:
    """The header value for a media type and its parameters, values quoted where needed."""
    if not params:
        return media
    return format_parameterized(media, params)

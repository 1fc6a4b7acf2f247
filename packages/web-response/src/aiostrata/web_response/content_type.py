"""Reading and writing the ``Content-Type`` field (RFC 9110 8.3) of a response.

The response exposes ``content_type`` and ``charset`` as separate properties
while keeping the header as the one source of truth, so both are parsed from it
on demand and written back into it.
"""

from __future__ import annotations

from typing import Final

__all__ = ("DEFAULT_CONTENT_TYPE", "build_content_type", "parse_content_type")

# RFC 9110 8.3: a recipient may treat a body without Content-Type as this.
DEFAULT_CONTENT_TYPE: Final = "application/octet-stream"


def parse_content_type(raw: str | None) -> tuple[str, dict[str, str]]:
    """Split a Content-Type value into its lower-cased media type and parameters.

    Parameter names are lower-cased and quoted values unquoted (RFC 9110 5.6.6).
    A value without a ``type/subtype`` reads as ``text/plain``, as RFC 2045 5.2
    (and the standard library's email parser) do.
    """
    if raw is None:
        return DEFAULT_CONTENT_TYPE, {}
    media, *params = raw.split(";")
    media = media.strip().lower()
    if media.count("/") != 1:
        media = "text/plain"
    parsed: dict[str, str] = {}
    for param in params:
        name, sep, value = param.partition("=")
        name = name.strip().lower()
        if not name or not sep:
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        parsed[name] = value
    return media, parsed


def build_content_type(media: str, params: dict[str, str]) -> str:
    """The header value for a media type and its parameters."""
    if not params:
        return media
    return media + "; " + "; ".join(f"{name}={value}" for name, value in params.items())

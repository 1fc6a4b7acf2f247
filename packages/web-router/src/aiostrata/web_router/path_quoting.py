"""Percent-encoding rules shared by matching (decoded paths) and ``url_for`` (encoded URLs).

Matching happens on yarl's ``URL.path_safe``: the request path with every escape decoded
except ``%2F`` and ``%25``, so an encoded slash never splits a segment. Route paths written
by the user are brought to the same form; values captured from the path are then fully
decoded, which is how ``/users/a%2Fb`` gives ``{name}`` the value ``a/b`` (as in aiohttp).
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import unquote

from yarl import URL

# The two escapes path_safe keeps: decoding them would change the path's structure.
_KEPT_ESCAPES: Final = re.compile(r"(%2[Ff]|%25)")


def quote_path(value: str) -> str:
    """Percent-encode *value* for a URL path; ``/`` stays a separator."""
    return URL.build(path=value, encoded=False).raw_path


def requote_path(value: str) -> str:
    """Encode what must be encoded in *value* but keep the user's ``%XX`` escapes as written."""
    result = quote_path(value)
    if "%" in value:
        result = result.replace("%25", "%")
    return result


def decode_path_safe(value: str) -> str:
    """Decode *value* the way ``URL.path_safe`` decodes a request path.

    Used on route paths written by the user, so that ``/caf%C3%A9`` and ``/café`` both match
    a request for ``/caf%C3%A9``.
    """
    if "%" not in value:
        return value
    pieces = _KEPT_ESCAPES.split(value)
    return "".join(piece.upper() if odd else unquote(piece) for odd, piece in _alternate(pieces))


def unquote_captured(value: str) -> str:
    """Finish decoding a value captured from a ``path_safe`` path (``%2F`` -> ``/``)."""
    if "%" not in value:
        return value
    return value.replace("%2F", "/").replace("%25", "%")


def _alternate(pieces: list[str]) -> list[tuple[bool, str]]:
    # re.split with one capturing group alternates text, separator, text, ...
    return [(index % 2 == 1, piece) for index, piece in enumerate(pieces)]

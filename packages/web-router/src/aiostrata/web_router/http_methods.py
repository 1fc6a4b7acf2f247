"""HTTP method names the router knows, and the check that a route's method is a token.

These mirror ``aiohttp.hdrs.METH_*``. They are spelled out here because the router may not
depend on ``aiostrata.http_parser``, where header names live.
"""

from __future__ import annotations

from typing import Final

from aiostrata.web_response.header_grammar import is_token

METH_ANY: Final = "*"
METH_CONNECT: Final = "CONNECT"
METH_HEAD: Final = "HEAD"
METH_GET: Final = "GET"
METH_DELETE: Final = "DELETE"
METH_OPTIONS: Final = "OPTIONS"
METH_PATCH: Final = "PATCH"
METH_POST: Final = "POST"
METH_PUT: Final = "PUT"
METH_TRACE: Final = "TRACE"

# The methods a class-based View may implement as coroutine methods.
METH_ALL: Final = frozenset(
    {
        METH_CONNECT,
        METH_HEAD,
        METH_GET,
        METH_DELETE,
        METH_OPTIONS,
        METH_PATCH,
        METH_POST,
        METH_PUT,
        METH_TRACE,
    }
)


def normalize_method(method: str) -> str:
    """Upper-case *method* and reject what cannot be an HTTP method (``ValueError``).

    aiohttp documents the method argument as case-insensitive, so ``"get"`` registers GET.
    """
    upper = method.upper()
    # RFC 9110 9.1 / 5.6.2: a method is a token; "*" (any method) is a token character too.
    if not is_token(upper):
        raise ValueError(f"{method!r} is not allowed HTTP method")
    return upper

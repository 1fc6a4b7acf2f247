"""Which request parser backend a server uses: pure Python, or llhttp through ``httptools``.

Both backends produce the same events for the same bytes (the test-suite and
``nox -s fuzz`` hold them to it), so the choice is about speed only. The
accelerated one is used when the optional extra is installed
(``pip install aiostrata-http-parser[speedups]``) and the environment variable
``AIOSTRATA_NO_EXTENSIONS`` is unset or empty; the choice is made once, at import.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Final

from .limits import ParserLimits
from .request_parser import HttpRequestParser

__all__ = ("DEFAULT_PARSER", "NO_EXTENSIONS_VARIABLE", "make_request_parser", "select_backend")

NO_EXTENSIONS_VARIABLE: Final = "AIOSTRATA_NO_EXTENSIONS"


def select_backend(environ: Mapping[str, str] | None = None) -> type[HttpRequestParser]:
    """The httptools backend if it imports and extensions are not disabled, else pure Python."""
    env: Mapping[str, str] = os.environ if environ is None else environ
    if env.get(NO_EXTENSIONS_VARIABLE):
        return HttpRequestParser
    try:
        from .httptools_backend import HttptoolsRequestParser
    except ImportError:
        return HttpRequestParser
    return HttptoolsRequestParser


DEFAULT_PARSER: Final[type[HttpRequestParser]] = select_backend()
"""The backend chosen for this process (see the module docstring)."""


def make_request_parser(limits: ParserLimits | None = None) -> HttpRequestParser:
    """A new request parser of the selected backend, for one connection."""
    return DEFAULT_PARSER(limits)

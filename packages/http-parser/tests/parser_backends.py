"""The request parser backends every parser test runs against, and the factory tests call.

``conftest.py``'s ``parser_backend`` fixture (used by the parser test modules through
``pytestmark``) selects the backend; the tests build parsers with :func:`new_parser`.
"""

from __future__ import annotations

from aiostrata.http_parser import HttpRequestParser, ParserLimits

BACKENDS: dict[str, type[HttpRequestParser]] = {"pure": HttpRequestParser}
try:
    from aiostrata.http_parser.httptools_backend import HttptoolsRequestParser
except ImportError:  # the optional extra is absent: its tests are reported as skipped
    pass
else:
    BACKENDS["httptools"] = HttptoolsRequestParser

BACKEND_NAMES = ("pure", "httptools")
_selected: list[type[HttpRequestParser]] = [HttpRequestParser]


def select(name: str) -> None:
    """Make :func:`new_parser` build parsers of the named backend."""
    _selected[0] = BACKENDS[name]


def new_parser(limits: ParserLimits | None = None) -> HttpRequestParser:
    """A parser of the backend under test."""
    return _selected[0](limits)

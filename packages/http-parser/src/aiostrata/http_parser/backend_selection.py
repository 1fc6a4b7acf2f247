"""Which request parser backend a server uses: pure Python, or the ``httptools`` one.

Both backends produce the same events for the same bytes (the test-suite and
``nox -s fuzz`` hold them to it), so the choice is about speed only, and today not
even that: the httptools backend no longer hands heads to llhttp, which stopped paying
once the shared fast path caches field lines (``httptools_backend`` has the numbers).
It is used when the optional extra is installed
(``pip install aiostrata-http-parser[speedups]``) and the environment variable
``AIOSTRATA_NO_EXTENSIONS`` is unset or empty. The variable is read once, at import;
``httptools`` itself is imported when the backend is first needed (the first
:func:`make_request_parser` call or read of ``DEFAULT_PARSER``), not with the package.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from .compiled import NO_EXTENSIONS_VARIABLE, compiled_in_use, extensions_disabled
from .limits import ParserLimits
from .request_parser import HttpRequestParser

__all__ = (
    "DEFAULT_PARSER",
    "NO_EXTENSIONS_VARIABLE",
    "extensions_disabled",
    "make_request_parser",
    "select_backend",
)


def select_backend(environ: Mapping[str, str] | None = None) -> type[HttpRequestParser]:
    """The httptools backend if it imports and extensions are not disabled, else pure Python.

    Where the parser is compiled (:mod:`.compiled`) it is :class:`HttpRequestParser`
    itself: the httptools backend only inherits, and a class defined in Python on top
    of a compiled one loses part of the compiled speed.
    """
    if extensions_disabled(environ) or compiled_in_use():
        return HttpRequestParser
    try:
        from .httptools_backend import HttptoolsRequestParser
    except ImportError:
        return HttpRequestParser
    return HttptoolsRequestParser


# The environment as it was at import, for the one choice this process makes.
_EXTENSIONS_DISABLED: Final = extensions_disabled()
_default_parser: type[HttpRequestParser] | None = None


def _select_default() -> type[HttpRequestParser]:
    global _default_parser
    if _default_parser is None:
        env = {NO_EXTENSIONS_VARIABLE: "1"} if _EXTENSIONS_DISABLED else {}
        _default_parser = select_backend(env)
    return _default_parser


if TYPE_CHECKING:
    DEFAULT_PARSER: Final[type[HttpRequestParser]] = HttpRequestParser
    """The backend chosen for this process (see the module docstring)."""
else:

    def __getattr__(name: str) -> object:
        if name == "DEFAULT_PARSER":
            parser_class = globals()[name] = _select_default()
            return parser_class
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def make_request_parser(limits: ParserLimits | None = None) -> HttpRequestParser:
    """A new request parser of the selected backend, for one connection."""
    return (_default_parser or _select_default())(limits)

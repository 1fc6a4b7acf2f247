"""The compiled build of the hot modules, and the way back to their Python sources.

A wheel built with ``AIOSTRATA_MYPYC=1`` (``hatch_build.py``, docs/install.md) ships the
modules named in :data:`COMPILED_MODULES` twice: compiled by mypyc, and as the ``.py``
sources they were compiled from. Python's import system prefers the compiled file, so a
process gets them compiled, unless ``AIOSTRATA_NO_EXTENSIONS`` is set (not empty) when
the package is imported: then :func:`prefer_sources` puts a finder in front of
``sys.meta_path`` that loads exactly these modules from their sources. The other modules
are plain Python either way. One test-suite covers both (``nox -s compiled`` runs it
against the compiled wheel), so the choice is about speed only.

Measured on one install, with and without ``AIOSTRATA_NO_EXTENSIONS``, interleaved, uvloop,
wrk -c64: plaintext +5 to 8 % requests per second, json +5 to 9 %, a browser-like GET +7 to
13 %; 116.8k to 106.2k instructions per plaintext request (callgrind). This module is plain
Python in every build.
"""

from __future__ import annotations

import importlib.machinery
import os
import sys
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import Final

__all__ = (
    "COMPILED_MODULES",
    "NO_EXTENSIONS_VARIABLE",
    "SOURCES_PREFERRED",
    "compiled_in_use",
    "extensions_disabled",
    "prefer_sources",
)

NO_EXTENSIONS_VARIABLE: Final = "AIOSTRATA_NO_EXTENSIONS"

COMPILED_MODULES: Final = (
    "field_section",
    "section_cache",
    "request_parser",
    "serialize",
    "framing",
)
"""The modules ``hatch_build.py`` compiles (it reads this tuple from this file)."""

_PACKAGE: Final = __name__.rpartition(".")[0]
_HERE: Final = os.path.dirname(__file__)


def extensions_disabled(environ: Mapping[str, str] | None = None) -> bool:
    """Whether ``AIOSTRATA_NO_EXTENSIONS`` asks for pure Python (set and not empty).

    The one rule every optional accelerator follows (the compiled modules, the parser
    backend, the C WebSocket masking of ``ws_masking``); ``environ`` defaults to
    ``os.environ``.
    """
    env: Mapping[str, str] = os.environ if environ is None else environ
    return bool(env.get(NO_EXTENSIONS_VARIABLE))


class _SourcesFirst:
    """Finds the named modules at their ``.py`` files, ahead of any compiled file.

    A meta path finder by protocol (``find_spec``): ``importlib.abc`` would import
    ``importlib.resources`` and ``tempfile`` with the package.
    """

    def __init__(self, sources: Mapping[str, str]) -> None:
        self.sources = dict(sources)

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        source = self.sources.get(fullname)
        if source is None:
            return None
        from importlib.util import spec_from_file_location

        return spec_from_file_location(fullname, source)


def _compiled_file(name: str) -> str | None:
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        candidate = os.path.join(_HERE, f"{name}{suffix}")
        if os.path.isfile(candidate):
            return candidate
    return None


def prefer_sources(environ: Mapping[str, str] | None = None) -> bool:
    """Load the compiled modules from their sources if extensions are disabled.

    Called by the package before it imports any of them; does nothing when
    extensions are allowed, or when this install has no compiled file. True when the
    finder is in place (it stays for the life of the process, as the choice does).
    """
    if not extensions_disabled(environ):
        return False
    sources = {
        f"{_PACKAGE}.{name}": os.path.join(_HERE, f"{name}.py")
        for name in COMPILED_MODULES
        if _compiled_file(name) is not None and os.path.isfile(os.path.join(_HERE, f"{name}.py"))
    }
    if not sources:
        return False
    if not any(isinstance(finder, _SourcesFirst) for finder in sys.meta_path):
        sys.meta_path.insert(0, _SourcesFirst(sources))
    return True


def compiled_in_use() -> bool:
    """Whether this process runs the compiled modules (imports the parser to tell)."""
    from . import request_parser

    return not (request_parser.__file__ or "").endswith(".py")


SOURCES_PREFERRED: Final = prefer_sources()
"""Whether this process loads the compiled modules from source (decided at import)."""

"""aiohttp-compatible request objects: ``BaseRequest``, ``Request`` and their helpers.

``FileField`` (what ``await request.post()`` gives for an uploaded file) is loaded on first
use (PEP 562), with the multipart form reader; the ``TYPE_CHECKING`` import shows it to type
checkers.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Final

from ._version import __version__
from .base_request import BaseRequest
from .chain_map import ChainMapProxy
from .interfaces import ConnectionInfo, MatchedApp, PrepareSignal, RouteMatch
from .request import Request
from .request_key import RequestKey

if TYPE_CHECKING:
    from .file_field import FileField

# name -> the submodule that defines it, imported on first access
_LAZY: Final[dict[str, str]] = {
    "FileField": "file_field",
}

__all__ = (
    "BaseRequest",
    "ChainMapProxy",
    "ConnectionInfo",
    "FileField",
    "MatchedApp",
    "PrepareSignal",
    "Request",
    "RequestKey",
    "RouteMatch",
    "__version__",
)

if not TYPE_CHECKING:  # hidden from type checkers, which see the imports above instead
    _LAZY_MODULES = frozenset(_LAZY.values())

    def __getattr__(name: str) -> object:
        module = _LAZY.get(name)
        if module is None:
            if name in _LAZY_MODULES:  # `web_request.file_field`, as when imported eagerly
                return import_module(f"{__name__}.{name}")
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(import_module(f"{__name__}.{module}"), name)
        globals()[name] = value  # later look-ups are plain attribute reads
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *_LAZY, *_LAZY_MODULES})

"""aiohttp-compatible request objects: ``BaseRequest``, ``Request`` and their helpers."""

from ._version import __version__
from .base_request import BaseRequest
from .chain_map import ChainMapProxy
from .file_field import FileField
from .interfaces import ConnectionInfo, MatchedApp, PrepareSignal, RouteMatch
from .request import Request

__all__ = (
    "BaseRequest",
    "ChainMapProxy",
    "ConnectionInfo",
    "FileField",
    "MatchedApp",
    "PrepareSignal",
    "Request",
    "RouteMatch",
    "__version__",
)

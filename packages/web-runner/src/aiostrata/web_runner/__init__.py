"""Serving aiostrata applications: the connection protocol, runners, sites and run_app.

The connection protocol (``RequestHandler``, and the request parser under it) is imported
when the first ``Server`` is made, at runner setup, or on first use of the name (PEP 562),
not with the package. The ``TYPE_CHECKING`` imports show the lazy names to type checkers.
"""

import importlib
from typing import TYPE_CHECKING

from ._version import __version__
from .access_log import AbstractAccessLogger, AccessLogger
from .log import access_logger, server_logger, web_logger
from .run_app import run_app
from .runners import AppRunner, BaseRunner, GracefulExit, ServerRunner
from .server import Server
from .sites import BaseSite, NamedPipeSite, SockSite, TCPSite, UnixSite

# The gunicorn workers are loaded on first use (gunicorn is the optional extra `[gunicorn]`),
# so `--worker-class aiostrata.web_runner.GunicornWebWorker` works and importing this package
# never needs gunicorn. Not in __all__: a star import must not require gunicorn either.
if TYPE_CHECKING:
    from .gunicorn_worker import GunicornUVLoopWebWorker as GunicornUVLoopWebWorker
    from .gunicorn_worker import GunicornWebWorker as GunicornWebWorker
    from .request_handler import RequestHandler
else:

    def __getattr__(name: str) -> object:
        if name == "RequestHandler":
            from .request_handler import RequestHandler

            globals()[name] = RequestHandler  # later look-ups are plain attribute reads
            return RequestHandler
        if name in ("GunicornWebWorker", "GunicornUVLoopWebWorker"):
            from . import gunicorn_worker

            return getattr(gunicorn_worker, name)
        if name == "request_handler":  # `web_runner.request_handler`, as when imported eagerly
            # Not `from . import request_handler`: that asks this very hook again.
            return importlib.import_module(f"{__name__}.request_handler")
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted({*globals(), "RequestHandler", "request_handler"})


__all__ = (
    "AbstractAccessLogger",
    "AccessLogger",
    "AppRunner",
    "BaseRunner",
    "BaseSite",
    "GracefulExit",
    "NamedPipeSite",
    "RequestHandler",
    "Server",
    "ServerRunner",
    "SockSite",
    "TCPSite",
    "UnixSite",
    "__version__",
    "access_logger",
    "run_app",
    "server_logger",
    "web_logger",
)

"""Serving aiostrata applications: the connection protocol, runners, sites and run_app."""

from typing import TYPE_CHECKING

from ._version import __version__
from .access_log import AbstractAccessLogger, AccessLogger
from .log import access_logger, server_logger, web_logger
from .request_handler import RequestHandler
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
else:

    def __getattr__(name: str) -> object:
        if name in ("GunicornWebWorker", "GunicornUVLoopWebWorker"):
            from . import gunicorn_worker

            return getattr(gunicorn_worker, name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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

"""Serving aiostrata applications: the connection protocol, runners, sites and run_app."""

from ._version import __version__
from .access_log import AbstractAccessLogger, AccessLogger
from .log import access_logger, server_logger, web_logger
from .request_handler import RequestHandler
from .run_app import run_app
from .runners import AppRunner, BaseRunner, GracefulExit, ServerRunner
from .server import Server
from .sites import BaseSite, NamedPipeSite, SockSite, TCPSite, UnixSite

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

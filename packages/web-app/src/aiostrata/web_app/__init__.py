"""The aiostrata Application: routing, middlewares, signals and sub-applications."""

from ._version import __version__
from .app_key import AppKey
from .application import Application, NotAppKeyWarning
from .cleanup_context import CleanupContext, CleanupError
from .handler_factory import register_protocol_factory
from .interfaces import ProtocolFactoryMaker, RequestFactory, ServableApplication
from .middlewares import Handler, Middleware, middleware, normalize_path_middleware
from .request import Request

__all__ = (
    "AppKey",
    "Application",
    "CleanupContext",
    "CleanupError",
    "Handler",
    "Middleware",
    "NotAppKeyWarning",
    "ProtocolFactoryMaker",
    "Request",
    "RequestFactory",
    "ServableApplication",
    "__version__",
    "middleware",
    "normalize_path_middleware",
    "register_protocol_factory",
)

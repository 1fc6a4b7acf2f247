"""URL dispatching for aiostrata: aiohttp.web's router, resources, routes and views.

``StaticResource`` is loaded on first use (PEP 562), as ``add_static`` loads it: an
application without static routes never imports the file-serving machinery under it. The
``TYPE_CHECKING`` import shows it to type checkers.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Final

from ._version import __version__
from .abc import AbstractMatchInfo, AbstractRouter, AbstractView
from .domains import AbstractRuleMatching, Domain, MaskDomain
from .dynamic_paths import DynamicResource
from .expect_continue import default_expect_handler
from .http_methods import METH_ALL, METH_ANY
from .interfaces import ContinueWriter, ExpectingRequest, RoutableRequest, SubApplication
from .match_info import MatchInfoError, UrlMappingMatchInfo
from .resources import AbstractResource, PlainResource, PrefixResource, Resource
from .route_defs import (
    AbstractRouteDef,
    RouteDef,
    RouteTableDef,
    StaticDef,
    delete,
    get,
    head,
    options,
    patch,
    post,
    put,
    route,
    static,
    view,
)
from .routes import AbstractRoute, ResourceRoute, SystemRoute
from .subapps import MatchedSubAppResource, PrefixedSubAppResource
from .typedefs import ExpectHandler, Handler, InfoDict
from .url_dispatcher import ResourcesView, RoutesView, UrlDispatcher
from .views import View

if TYPE_CHECKING:
    from .static_resources import StaticResource

# name -> the submodule that defines it, imported on first access
_LAZY: Final[dict[str, str]] = {
    "StaticResource": "static_resources",
}

__all__ = [
    "METH_ALL",
    "METH_ANY",
    "AbstractMatchInfo",
    "AbstractResource",
    "AbstractRoute",
    "AbstractRouteDef",
    "AbstractRouter",
    "AbstractRuleMatching",
    "AbstractView",
    "ContinueWriter",
    "Domain",
    "DynamicResource",
    "ExpectHandler",
    "ExpectingRequest",
    "Handler",
    "InfoDict",
    "MaskDomain",
    "MatchInfoError",
    "MatchedSubAppResource",
    "PlainResource",
    "PrefixResource",
    "PrefixedSubAppResource",
    "Resource",
    "ResourceRoute",
    "ResourcesView",
    "RoutableRequest",
    "RouteDef",
    "RouteTableDef",
    "RoutesView",
    "StaticDef",
    "StaticResource",
    "SubApplication",
    "SystemRoute",
    "UrlDispatcher",
    "UrlMappingMatchInfo",
    "View",
    "__version__",
    "default_expect_handler",
    "delete",
    "get",
    "head",
    "options",
    "patch",
    "post",
    "put",
    "route",
    "static",
    "view",
]

if not TYPE_CHECKING:  # hidden from type checkers, which see the imports above instead
    _LAZY_MODULES = frozenset(_LAZY.values())

    def __getattr__(name: str) -> object:
        module = _LAZY.get(name)
        if module is None:
            if name in _LAZY_MODULES:  # `web_router.static_resources`, as when imported eagerly
                return import_module(f"{__name__}.{name}")
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(import_module(f"{__name__}.{module}"), name)
        globals()[name] = value  # later look-ups are plain attribute reads
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *_LAZY, *_LAZY_MODULES})

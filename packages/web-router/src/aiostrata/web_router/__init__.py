"""URL dispatching for aiostrata: aiohttp.web's router, resources, routes and views."""

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
from .static_resources import StaticResource
from .subapps import MatchedSubAppResource, PrefixedSubAppResource
from .typedefs import ExpectHandler, Handler, InfoDict
from .url_dispatcher import ResourcesView, RoutesView, UrlDispatcher
from .views import View

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

"""``Application``: routes, middlewares, signals and state of one web app.

The application is where routing, the middleware chain and the lifecycle
signals meet; it knows nothing of sockets. The runner package serves it by
calling :attr:`Application.request_handler` for each request it parses.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from functools import partial, update_wrapper
from typing import Any, ClassVar, Final, TypeVar, cast

from aiosignal import Signal

from aiostrata.web_request import ConnectionInfo
from aiostrata.web_response import StateDict, StateKey, StateMapping, StreamResponse
from aiostrata.web_router import (
    AbstractResource,
    AbstractRoute,
    AbstractRouteDef,
    Domain,
    MaskDomain,
    MatchedSubAppResource,
    PrefixedSubAppResource,
    UrlDispatcher,
)

from .app_key import AppKey
from .cleanup_context import CleanupContext
from .handler_factory import make_protocol_factory
from .interfaces import RequestFactory
from .middlewares import Handler, as_current_app
from .request import Request

__all__ = ("Application",)

_T = TypeVar("_T")
_default_logger: Final = logging.getLogger("aiohttp.web")  # aiohttp's documented name
_sentinel: Any = object()
# Bound on the cached middleware chains of one application (see Application._handle).
_MAX_MIDDLEWARE_CHAINS: Final = 4096

_AppSignal = Signal["Application"]
_RespPrepareSignal = Signal[Request, StreamResponse]


class Application(StateMapping):
    """A web application: a router, middlewares, lifecycle signals and shared state."""

    ATTRS: Final = frozenset(
        {
            "logger",
            "_debug",
            "_router",
            "_loop",
            "_handler_args",
            "_middlewares",
            "_middlewares_handlers",
            "_run_middlewares",
            "_middleware_chains",
            "_state",
            "_frozen",
            "_pre_frozen",
            "_subapps",
            "_on_response_prepare",
            "_on_startup",
            "_on_shutdown",
            "_on_cleanup",
            "_client_max_size",
            "_client_max_fields",
            "_cleanup_ctx",
        }
    )

    def __init__(
        self,
        *,
        logger: logging.Logger = _default_logger,
        router: UrlDispatcher | None = None,
        middlewares: Iterable[Any] = (),
        handler_args: Mapping[str, Any] | None = None,
        client_max_size: int = 1024**2,
        client_max_fields: int = 1000,
        loop: asyncio.AbstractEventLoop | None = None,
        debug: Any = ...,
    ) -> None:
        if router is None:
            router = UrlDispatcher()
        else:
            warnings.warn("router argument is deprecated", DeprecationWarning, stacklevel=2)
        if loop is not None:
            warnings.warn("loop argument is deprecated", DeprecationWarning, stacklevel=2)
        if debug is not ...:
            warnings.warn("debug argument is deprecated", DeprecationWarning, stacklevel=2)
        self._debug = debug
        self._router: UrlDispatcher = router
        self._loop = loop
        self._handler_args = handler_args
        self.logger = logger
        self._middlewares: list[Any] = list(middlewares)
        self._middlewares_handlers: tuple[tuple[Any, bool], ...] = ()
        self._run_middlewares: bool | None = None
        # (handler, apps) -> the handler wrapped in those apps' middlewares; see _handle.
        self._middleware_chains: dict[tuple[Any, tuple[Any, ...]], Handler] = {}
        self._state: StateDict = {}
        self._frozen = False
        self._pre_frozen = False
        self._subapps: list[Application] = []
        self._on_response_prepare: _RespPrepareSignal = Signal(self)
        self._on_startup: _AppSignal = Signal(self)
        self._on_shutdown: _AppSignal = Signal(self)
        self._on_cleanup: _AppSignal = Signal(self)
        self._cleanup_ctx = CleanupContext()
        self._on_startup.append(self._cleanup_ctx._on_startup)
        self._on_cleanup.append(self._cleanup_ctx._on_cleanup)
        self._client_max_size = client_max_size
        # Fields request.post() accepts in one form (aiohttp 3.14); past it a 413.
        self._client_max_fields = client_max_fields

    def __init_subclass__(cls: type[Application]) -> None:
        warnings.warn(
            f"Inheritance class {cls.__name__} from web.Application is discouraged",
            DeprecationWarning,
            stacklevel=3,
        )

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self.ATTRS:
            warnings.warn(
                f"Setting custom web.Application.{name} attribute is discouraged",
                DeprecationWarning,
                stacklevel=2,
            )
        super().__setattr__(name, value)

    # -- state ---------------------------------------------------------------

    # The mapping itself (typed keys, identity equality) is web_response.StateMapping;
    # an application vets each write: it warns on string keys and once it has started.
    _guards_state: ClassVar[bool] = True

    def _check_state_write(self, key: str | StateKey[Any], *, deleting: bool) -> None:
        if self._frozen:
            warnings.warn(
                "Changing state of started or joined application is deprecated",
                DeprecationWarning,
                stacklevel=3,
            )
        if not deleting and not isinstance(key, AppKey):
            warnings.warn(
                "It is recommended to use web.AppKey instances for keys.\n"
                "https://docs.aiohttp.org/en/stable/web_advanced.html#application-s-config",
                category=NotAppKeyWarning,
                stacklevel=3,
            )

    def __repr__(self) -> str:
        return f"<Application 0x{id(self):x}>"

    # -- properties ------------------------------------------------------------

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        warnings.warn("loop property is deprecated", DeprecationWarning, stacklevel=2)
        return cast(asyncio.AbstractEventLoop, self._loop)

    def _set_loop(self, loop: asyncio.AbstractEventLoop | None) -> None:
        if loop is None:
            loop = asyncio.get_event_loop()
        if self._loop is not None and self._loop is not loop:
            raise RuntimeError("web.Application instance initialized with different loop")
        self._loop = loop
        for subapp in self._subapps:
            subapp._set_loop(loop)

    @property
    def debug(self) -> bool:
        warnings.warn("debug property is deprecated", DeprecationWarning, stacklevel=2)
        return bool(self._debug) if self._debug is not ... else False

    @property
    def router(self) -> UrlDispatcher:
        return self._router

    @property
    def middlewares(self) -> list[Any]:
        return self._middlewares

    @property
    def on_response_prepare(self) -> _RespPrepareSignal:
        return self._on_response_prepare

    @property
    def on_startup(self) -> _AppSignal:
        return self._on_startup

    @property
    def on_shutdown(self) -> _AppSignal:
        return self._on_shutdown

    @property
    def on_cleanup(self) -> _AppSignal:
        return self._on_cleanup

    @property
    def cleanup_ctx(self) -> CleanupContext:
        return self._cleanup_ctx

    # -- freezing ----------------------------------------------------------------

    @property
    def pre_frozen(self) -> bool:
        return self._pre_frozen

    @property
    def frozen(self) -> bool:
        return self._frozen

    def pre_freeze(self) -> None:
        """Fix routes, middlewares and signals; done when mounted or started."""
        if self._pre_frozen:
            return
        self._pre_frozen = True
        self._middlewares = list(self._middlewares)
        self._middlewares_handlers = tuple(self._prepare_middleware())
        self._router.freeze()
        self._on_response_prepare.freeze()
        self._cleanup_ctx.freeze()
        self._on_startup.freeze()
        self._on_shutdown.freeze()
        self._on_cleanup.freeze()
        # Middlewares run only if some application in the tree declares one.
        self._run_middlewares = bool(self._middlewares) or any(
            subapp._run_middlewares for subapp in self._subapps
        )
        for subapp in self._subapps:
            subapp.pre_freeze()
            self._run_middlewares = self._run_middlewares or bool(subapp._run_middlewares)

    def freeze(self) -> None:
        if self._frozen:
            return
        self.pre_freeze()
        self._frozen = True
        for subapp in self._subapps:
            subapp.freeze()

    def _prepare_middleware(self) -> Iterator[tuple[Any, bool]]:
        for mw in reversed(self._middlewares):
            if getattr(mw, "__middleware_version__", None) == 1:
                yield mw, True
            else:
                warnings.warn(
                    f'old-style middleware "{mw!r}" deprecated, see #2252',
                    DeprecationWarning,
                    stacklevel=2,
                )
                yield mw, False

    # -- sub-applications and routes ---------------------------------------------

    def add_subapp(self, prefix: str, subapp: Application) -> PrefixedSubAppResource:
        if not isinstance(prefix, str):
            raise TypeError("Prefix must be str")
        prefix = prefix.rstrip("/")
        if not prefix:
            raise ValueError("Prefix cannot be empty")
        return self._add_subapp(partial(PrefixedSubAppResource, prefix, subapp), subapp)

    def add_domain(self, domain: str, subapp: Application) -> MatchedSubAppResource:
        if not isinstance(domain, str):
            raise TypeError("Domain must be str")
        rule = MaskDomain(domain) if "*" in domain else Domain(domain)
        return self._add_subapp(partial(MatchedSubAppResource, rule, subapp), subapp)

    def _add_subapp(self, resource_factory: Callable[[], _T], subapp: Application) -> _T:
        if self._frozen:
            raise RuntimeError("Cannot add sub application to frozen application")
        if subapp._frozen:
            raise RuntimeError("Cannot add frozen application")
        resource = resource_factory()
        self._router.register_resource(cast(AbstractResource, resource))
        self._reg_subapp_signals(subapp)
        self._subapps.append(subapp)
        subapp.pre_freeze()
        return resource

    def _reg_subapp_signals(self, subapp: Application) -> None:
        async def on_startup(app: Application) -> None:
            await subapp.startup()

        async def on_shutdown(app: Application) -> None:
            await subapp.shutdown()

        async def on_cleanup(app: Application) -> None:
            await subapp.cleanup()

        self._on_startup.append(on_startup)
        self._on_shutdown.append(on_shutdown)
        self._on_cleanup.append(on_cleanup)

    def add_routes(self, routes_table: Iterable[AbstractRouteDef]) -> list[AbstractRoute]:
        """Shortcut for ``app.router.add_routes(routes_table)``."""
        return self._router.add_routes(routes_table)

    # -- serving: what a runner needs (interfaces.ServableApplication) ---------------

    def attach_loop(self, loop: asyncio.AbstractEventLoop | None) -> None:
        """Bind the application (and its sub-applications) to the loop that will serve it.

        None means the current event loop. A runner calls it before ``startup()``;
        binding to a second, different loop is an error.
        """
        self._set_loop(loop)

    @property
    def handler_args(self) -> Mapping[str, Any]:
        """``Application(handler_args=...)``: connection options that win over a runner's."""
        return self._handler_args or {}

    @property
    def request_handler(self) -> Callable[[Request], Awaitable[StreamResponse]]:
        """What serves each request: routing, middlewares, the handler (bound once per server).

        Read through this property, so an aiohttp-style subclass overriding
        ``_handle`` still takes effect.
        """
        return self._handle

    @property
    def request_factory(self) -> RequestFactory:
        """Builds this application's :class:`Request` for each parsed message.

        Read through this property, so an aiohttp-style subclass overriding
        ``_make_request`` still takes effect.
        """
        return self._make_request

    # -- lifecycle -----------------------------------------------------------------

    async def startup(self) -> None:
        """Run ``on_startup`` (and the first half of each ``cleanup_ctx`` generator)."""
        await self._on_startup.send(self)

    async def shutdown(self) -> None:
        """Run ``on_shutdown``."""
        await self._on_shutdown.send(self)

    async def cleanup(self) -> None:
        """Run ``on_cleanup`` (and the second half of each ``cleanup_ctx`` generator)."""
        if self._on_cleanup.frozen:
            await self._on_cleanup.send(self)
        else:
            # Never started: only the cleanup contexts that did start need undoing.
            await self._cleanup_ctx._on_cleanup(self)

    def make_handler(
        self,
        *,
        loop: asyncio.AbstractEventLoop | None = None,
        access_log_class: Any = _sentinel,
        **kwargs: Any,
    ) -> Any:
        """Deprecated: a protocol factory for ``loop.create_server``; use runners."""
        warnings.warn(
            "Application.make_handler(...) is deprecated, use AppRunner API instead",
            DeprecationWarning,
            stacklevel=2,
        )
        if access_log_class is not _sentinel:
            kwargs["access_log_class"] = access_log_class
        self._set_loop(loop)
        self.freeze()
        kwargs["debug"] = bool(self._debug) if self._debug is not ... else False
        if self._handler_args:
            kwargs.update(self._handler_args)
        return make_protocol_factory(
            self._handle, request_factory=self._make_request, loop=self._loop, **kwargs
        )

    # -- request handling --------------------------------------------------------------

    def _make_request(
        self,
        message: Any,
        payload: Any,
        protocol: ConnectionInfo,
        writer: Any,
        task: asyncio.Task[Any] | None,
        _cls: type[Request] = Request,
    ) -> Request:
        # message, payload and writer are aiostrata.http_parser objects, which
        # this layer passes through to the request without naming their types.
        loop = self._loop if self._loop is not None else asyncio.get_running_loop()
        return _cls(
            message,
            payload,
            protocol,
            writer,
            task,
            loop,
            client_max_size=self._client_max_size,
            client_max_fields=self._client_max_fields,
        )

    async def _handle(self, request: Request) -> StreamResponse:
        router = self._router
        match_info = router.resolve_now(request) if type(router) is UrlDispatcher else None
        if match_info is None:  # a custom router, or a resource that must be awaited
            match_info = await router.resolve(request)
        match_info.add_app(self)
        match_info.freeze()
        request.set_match_info(match_info)

        if request.headers.get("Expect"):
            response = await match_info.expect_handler(request)
            await request.writer.drain()
            if response is not None:
                return response
        handler: Handler = match_info.handler
        if self._run_middlewares:
            apps = match_info.apps
            key = (handler, apps)
            chain = self._middleware_chains.get(key)
            if chain is None:
                chain = await self._wrap_in_middlewares(handler, apps)
            handler = chain
        return await handler(request)

    async def _wrap_in_middlewares(self, handler: Handler, apps: tuple[Any, ...]) -> Handler:
        """The handler inside the middlewares of ``apps``, outermost first.

        A chain of new-style middlewares depends only on the handler and the apps,
        so it is built once and kept (bounded); an old-style middleware factory is
        called on every request, as aiohttp does, so such chains are not kept.
        """
        cacheable = True
        key = (handler, apps)
        nested = len(apps) > 1
        for depth, app in enumerate(reversed(apps)):  # the innermost app first
            handlers = cast(Application, app)._middlewares_handlers
            for mw, new_style in handlers:
                if new_style:
                    handler = update_wrapper(partial(mw, handler=handler), handler)
                else:
                    cacheable = False
                    handler = await mw(app, handler)
            if nested and (handlers or depth == 0):
                # Each app's middlewares see that app as request.app (and its
                # config_dict), and the handler sees its own: see as_current_app.
                handler = update_wrapper(partial(as_current_app, app=app, handler=handler), handler)
        if cacheable:
            chains = self._middleware_chains
            if len(chains) >= _MAX_MIDDLEWARE_CHAINS:
                chains.clear()  # unbounded handler objects (404s): start over, stay bounded
            chains[key] = handler
        return handler

    def __call__(self) -> Application:
        """gunicorn's aiohttp worker calls the app object; it returns itself."""
        return self


class NotAppKeyWarning(UserWarning):
    """A plain string was used as an application key; AppKey is recommended."""

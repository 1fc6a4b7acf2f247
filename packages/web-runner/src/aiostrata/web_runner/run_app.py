"""``run_app``: serve an application until Ctrl+C or SIGTERM, then shut down cleanly."""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl as ssl_mod
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiostrata.web_app import Application

from .access_log import AbstractAccessLogger, AccessLogger
from .log import access_logger
from .runners import AppRunner, GracefulExit
from .sites import BaseSite, SockSite, TCPSite, UnixSite

__all__ = ("run_app",)


async def _run_app(
    app: Application | Awaitable[Application],
    *,
    host: str | Iterable[str] | None,
    port: int | None,
    path: str | Iterable[str] | None,
    sock: socket.socket | Iterable[socket.socket] | None,
    shutdown_timeout: float,
    keepalive_timeout: float,
    ssl_context: ssl_mod.SSLContext | None,
    print: Callable[..., None] | None,  # noqa: A002 - aiohttp's parameter name
    backlog: int,
    access_log_class: type[AbstractAccessLogger],
    access_log_format: str,
    access_log: logging.Logger | None,
    handle_signals: bool,
    reuse_address: bool | None,
    reuse_port: bool | None,
    handler_cancellation: bool,
    runner_kwargs: dict[str, Any],
) -> None:
    if not isinstance(app, Application):
        app = await app
    runner = AppRunner(
        app,
        handle_signals=handle_signals,
        access_log_class=access_log_class,
        access_log_format=access_log_format,
        access_log=access_log,
        keepalive_timeout=keepalive_timeout,
        shutdown_timeout=shutdown_timeout,
        handler_cancellation=handler_cancellation,
        **runner_kwargs,
    )
    await runner.setup()
    sites: list[BaseSite] = []
    try:
        if host is not None:
            hosts = [host] if isinstance(host, str) else list(host)
            sites.extend(
                TCPSite(
                    runner,
                    one_host,
                    port,
                    ssl_context=ssl_context,
                    backlog=backlog,
                    reuse_address=reuse_address,
                    reuse_port=reuse_port,
                )
                for one_host in hosts
            )
        elif (path is None and sock is None) or port is not None:
            sites.append(
                TCPSite(
                    runner,
                    port=port,
                    ssl_context=ssl_context,
                    backlog=backlog,
                    reuse_address=reuse_address,
                    reuse_port=reuse_port,
                )
            )
        if path is not None:
            paths = [path] if isinstance(path, str) else list(path)
            sites.extend(
                UnixSite(runner, one_path, ssl_context=ssl_context, backlog=backlog)
                for one_path in paths
            )
        if sock is not None:
            socks = [sock] if isinstance(sock, socket.socket) else list(sock)
            sites.extend(
                SockSite(runner, one_sock, ssl_context=ssl_context, backlog=backlog)
                for one_sock in socks
            )
        for site in sites:
            await site.start()
        if print is not None:
            names = sorted(str(site.name) for site in runner.sites)
            print(f"======== Running on {', '.join(names)} ========\n(Press CTRL+C to quit)")
        await asyncio.get_running_loop().create_future()  # until cancelled
    finally:
        await runner.cleanup()


def _cancel_tasks(to_cancel: set[asyncio.Task[Any]], loop: asyncio.AbstractEventLoop) -> None:
    if not to_cancel:
        return
    for task in to_cancel:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*to_cancel, return_exceptions=True))
    for task in to_cancel:
        if task.cancelled():
            continue
        if task.exception() is not None:
            loop.call_exception_handler(
                {
                    "message": "unhandled exception during run_app() shutdown",
                    "exception": task.exception(),
                    "task": task,
                }
            )


def _show_default_access_log(access_log: logging.Logger) -> None:
    """In debug mode, make the default access log visible, as aiohttp documents.

    Only the default logger (``aiohttp.access``): one the application passed in
    is its own to configure. Its level and its handler are decided each on its
    own, so a level or a handler set by the user is kept and only the missing
    half is filled in.
    """
    if access_log.name != access_logger.name:
        return
    if access_log.level == logging.NOTSET:
        access_log.setLevel(logging.DEBUG)
    if not access_log.hasHandlers():
        access_log.addHandler(logging.StreamHandler())


def run_app(
    app: Application | Awaitable[Application],
    *,
    host: str | Iterable[str] | None = None,
    port: int | None = None,
    path: str | Iterable[str] | None = None,
    sock: socket.socket | Iterable[socket.socket] | None = None,
    shutdown_timeout: float = 60.0,
    keepalive_timeout: float = 75.0,
    ssl_context: ssl_mod.SSLContext | None = None,
    print: Callable[..., None] | None = print,  # noqa: A002 - aiohttp's parameter name
    backlog: int = 128,
    access_log_class: type[AbstractAccessLogger] = AccessLogger,
    access_log_format: str = AccessLogger.LOG_FORMAT,
    access_log: logging.Logger | None = access_logger,
    handle_signals: bool = True,
    reuse_address: bool | None = None,
    reuse_port: bool | None = None,
    handler_cancellation: bool = False,
    loop: asyncio.AbstractEventLoop | None = None,
    **kwargs: Any,
) -> None:
    """Run an application on its own event loop until interrupted.

    ``app`` may be an Application or a coroutine that returns one (an async
    factory). On SIGINT or SIGTERM the server stops listening, lets in-flight
    requests finish within ``shutdown_timeout`` and runs the cleanup hooks.
    Other keyword arguments (``max_line_size``, ``lingering_time``, ...) go to
    the connection handler through ``AppRunner``.
    """
    if loop is None:
        loop = asyncio.new_event_loop()
    if access_log is not None and loop.get_debug():
        _show_default_access_log(access_log)
    main_task = loop.create_task(
        _run_app(
            app,
            host=host,
            port=port,
            path=path,
            sock=sock,
            shutdown_timeout=shutdown_timeout,
            keepalive_timeout=keepalive_timeout,
            ssl_context=ssl_context,
            print=print,
            backlog=backlog,
            access_log_class=access_log_class,
            access_log_format=access_log_format,
            access_log=access_log,
            handle_signals=handle_signals,
            reuse_address=reuse_address,
            reuse_port=reuse_port,
            handler_cancellation=handler_cancellation,
            runner_kwargs=kwargs,
        )
    )
    try:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(main_task)
    except (GracefulExit, KeyboardInterrupt):
        pass
    finally:
        try:
            main_task.cancel()
            # The task's finally block runs the runner's graceful cleanup.
            loop.run_until_complete(asyncio.gather(main_task, return_exceptions=True))
            _cancel_tasks(asyncio.all_tasks(loop), loop)
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            asyncio.set_event_loop(None)
            loop.close()

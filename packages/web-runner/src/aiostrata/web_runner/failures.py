"""What the connection answers when a handler fails, and how it logs.

A handler that raises gets a response chosen here (its ``HTTPException``, a
413/400 for a body that could not be read, 504 for a timeout, a logged 500 for
anything else); one that returns something odd is warned about or answered
with a 500. Nothing here touches the connection's state: it only builds
responses and writes logs.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any, cast

from aiostrata.http_parser import (
    HttpProcessingError,
    StreamWriter,
    WritableConnection,
)
from aiostrata.web_request import BaseRequest
from aiostrata.web_response import HTTPException, StreamResponse

from .access_log import AbstractAccessLogger
from .error_pages import error_page

__all__ = ("FailureHandling",)


class FailureHandling:
    """The failure and logging half of ``RequestHandler`` (a mixin; the state is the handler's)."""

    _loop: asyncio.AbstractEventLoop
    _request_handler: Callable[[BaseRequest], Awaitable[StreamResponse]] | None
    logger: logging.Logger
    debug: bool
    access_logger: AbstractAccessLogger | None

    def _handler_failed(self, request: BaseRequest, exc: Exception) -> StreamResponse:
        """The response for a handler that raised instead of returning one."""
        if isinstance(exc, HTTPException):
            return exc
        if isinstance(exc, HttpProcessingError):
            # The body could not be read: too large once decoded (413), corrupt (400)...
            self.log_debug("Request body error: %s", exc.message)
            status = exc.code if exc.code in HTTPStatus._value2member_map_ else 400
            return self.handle_error(request, status, message=exc.message)
        if isinstance(exc, TimeoutError):
            self.log_debug("Request handler timed out.", exc_info=exc)
            return self.handle_error(request, 504)
        return self.handle_error(request, 500, exc)

    async def _answer_unsent_response_with_500(
        self, request: BaseRequest, exc: Exception, start: float
    ) -> None:
        """Answer 500 for a response that failed before any of it was sent.

        An unsafe header, a failing ``on_response_prepare`` receiver, chunks asked
        for on HTTP/1.0...: the client must get an answer, never a silent close.
        The failed response may have set the writer's framing (chunks,
        compression), so the 500 goes through a fresh writer. It runs the prepare
        signal like any response (CORS and security headers apply to it too),
        unless a receiver fails for it as well: then it goes out without them.
        """
        fallback = self.handle_error(request, 500, exc)
        request.set_writer(self._fresh_writer())
        try:
            await fallback.prepare(request)
        except ConnectionError:
            return
        except Exception as again:  # noqa: BLE001 - the signal failed for the 500 too
            self.log_debug("The 500 could not be prepared either: %r", again)
            fallback = self.handle_error(request, 500)
            bare = request.without_hooks(self._fresh_writer())
            try:
                await fallback.prepare(bare)
            except ConnectionError:
                return
        try:
            await fallback.write_eof()
        except ConnectionError:
            return
        self._log_access(request, fallback, start)

    def _fresh_writer(self) -> StreamWriter:
        return StreamWriter(cast(WritableConnection, self), self._loop)

    def _checked_response(self, request: BaseRequest, response: object) -> StreamResponse:
        """What a handler returned, unless it is a plain response: warn, or answer 500."""
        if isinstance(response, HTTPException):
            warnings.warn(
                "returning HTTPException object is deprecated (#2415) and will be removed, "
                "please raise the exception instead",
                DeprecationWarning,
                stacklevel=1,
            )
            return response
        if isinstance(response, StreamResponse):
            return response
        self.logger.error(
            "Request handler %r returned %r instead of a StreamResponse; "
            "missing a return statement?",
            self._request_handler,
            type(response).__name__,
        )
        return self.handle_error(request, 500)

    def handle_error(
        self,
        request: BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> StreamResponse:
        """A response for a failure in the server or handler; logs the traceback."""
        if exc is not None:
            self.logger.exception("Error handling request from %s", request.remote, exc_info=exc)
        accept = request.headers.get("Accept", "")
        return error_page(status, exc, message, debug=self.debug, accept=accept)

    def _log_access(self, request: BaseRequest, response: StreamResponse, start: float) -> None:
        access_log = self.access_logger
        if access_log is not None and access_log.enabled:
            access_log.log(request, response, self._loop.time() - start)

    def log_debug(self, *args: Any, **kwargs: Any) -> None:
        if self.debug:
            self.logger.debug(*args, **kwargs)

    def log_exception(self, *args: Any, **kwargs: Any) -> None:
        self.logger.exception(*args, **kwargs)

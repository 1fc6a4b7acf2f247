"""One HTTP/1.1 connection: bytes in through the parser, responses out in order.

``data_received`` parses; a request is served right there while it does not
wait (see ``inline_driver``), else the connection's task takes it over and
serves what queued meanwhile, one at a time. That keeps responses in request
order for pipelined clients, and the queue is bounded: past ``max_pipelined``
waiting requests the socket is not read until the handler catches up. A
response sent whole is held to the end of the loop's pass (``held_output``).
"""

from __future__ import annotations

import asyncio
import collections
import contextvars
import logging
import socket
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Final, cast

from aiostrata.http_parser import (
    DEFAULT_MAX_DECOMPRESSED_SIZE,
    EMPTY_PAYLOAD,
    DecodingStreamReader,
    HttpProcessingError,
    HttpVersion11,
    ParserLimits,
    PayloadAccessError,
    RawRequestMessage,
    StreamReader,
    StreamWriter,
    make_request_parser,
    placeholder_message,
)
from aiostrata.web_request import BaseRequest
from aiostrata.web_response import (
    Response,
    StreamResponse,
    UpgradedReceiver,
)

from .access_log import AbstractAccessLogger, AccessLogger
from .closing import ConnectionClosing
from .error_pages import parse_error_page
from .failures import FailureHandling
from .held_output import end_of_pass
from .inline_driver import INLINE_AVAILABLE, NOT_STARTED, Suspended, resume, start_inline
from .intake import RequestIntake
from .lifecycle import Lifecycle
from .lingering import discard_unread_body
from .log import access_logger, server_logger
from .time_bounds import HeadTimer, TimeBoundsConfig

if TYPE_CHECKING:
    from .server import Server

__all__ = ("RequestHandler",)

_Handler = Callable[[BaseRequest], Awaitable[StreamResponse]]
_MAX_UPGRADE_BUFFER: Final = 2**16
_ERROR_MESSAGE: Final = placeholder_message(HttpVersion11)
# What handlers return nearly always: checked by type alone, no isinstance chain.
_PLAIN_RESPONSES: Final = frozenset((Response, StreamResponse))
# What a body read raises once its response is sent (aiohttp's name and behaviour).
_PAYLOAD_ACCESS_ERROR: Final = PayloadAccessError("the request body was read after its response")


class RequestHandler(RequestIntake, FailureHandling, ConnectionClosing, asyncio.Protocol):
    """The asyncio protocol of one client connection (aiohttp's ``RequestHandler``)."""

    def __init__(
        self,
        manager: Server,
        *,
        loop: asyncio.AbstractEventLoop,
        keepalive_timeout: float = 75.0,
        tcp_keepalive: bool = True,
        logger: logging.Logger = server_logger,
        access_log_class: type[AbstractAccessLogger] = AccessLogger,
        access_log: logging.Logger | None = access_logger,
        access_log_format: str = AccessLogger.LOG_FORMAT,
        debug: bool = False,
        max_line_size: int = 8190,
        max_headers: int = 128,
        max_field_size: int = 8190,
        lingering_time: float = 10.0,
        read_bufsize: int = 2**16,
        auto_decompress: bool = True,
        timeout_ceil_threshold: float = 5,
        max_pipelined: int = 16,
        max_lingering_bytes: int = 2**20,
        max_decompressed_size: int = DEFAULT_MAX_DECOMPRESSED_SIZE,
        body_read_timeout: float | None = 60.0,
        header_timeout: float | None = 20.0,
        header_timeout_max: float = 40.0,
        header_min_rate: float = 500.0,
        initial_idle_timeout: float | None = 15.0,
        body_min_rate: float | None = 500.0,
        body_rate_grace: float = 20.0,
    ) -> None:
        self._manager = manager
        self._loop = loop
        self._end_of_pass = end_of_pass(loop)
        self._request_handler: _Handler | None = manager.request_handler
        self._request_factory = manager.request_factory
        self._keepalive_timeout = keepalive_timeout
        self._tcp_keepalive = tcp_keepalive
        self.logger = logger
        self.debug = debug
        self._lingering_time = lingering_time
        self._max_lingering_bytes = max_lingering_bytes
        self._read_bufsize = read_bufsize
        self._auto_decompress = auto_decompress
        self._max_decompressed_size = max_decompressed_size
        self._body_read_timeout = body_read_timeout
        # Slow clients (see time_bounds): a silent connection, a slow head, a slow body.
        self._time_bounds = TimeBoundsConfig.shared(
            header_timeout,
            header_timeout_max,
            header_min_rate,
            initial_idle_timeout,
            body_min_rate,
            body_rate_grace,
        )
        self._head_timer = HeadTimer(
            loop,
            self._time_bounds,
            head_pending=lambda: self._parser.head_pending,
            served_any=lambda: self._idle_since is not self._connected_idle_since,
            on_idle=self.force_close,
            on_expired=self._head_timed_out,
        )
        self._connected_idle_since: float | None = None
        self._timeout_ceil_threshold = timeout_ceil_threshold
        self._max_pipelined = max_pipelined
        self._limits = ParserLimits(
            max_line_size=max_line_size, max_headers=max_headers, max_field_size=max_field_size
        )
        self.access_logger: AbstractAccessLogger | None = (
            access_log_class(access_log, access_log_format) if access_log is not None else None
        )
        self._transport: asyncio.Transport | None = None
        self._parser = make_request_parser(self._limits)
        self._messages: collections.deque[
            tuple[RawRequestMessage, StreamReader] | HttpProcessingError
        ] = collections.deque()
        self._payload: StreamReader | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._task_handler: asyncio.Task[None] | None = None
        self._keepalive_handle: asyncio.TimerHandle | None = None
        self._idle_since: float | None = None
        self._request_in_progress = False
        self._lifecycle = Lifecycle.OPEN  # only moves forward: see lifecycle.py
        self._shutting_down = False  # close() or shutdown(): answers say Connection: close
        # Reading pauses for two independent reasons; it resumes only when neither holds.
        self._paused_for_body = False  # the current body stream is above its high-water mark
        self._paused_for_backlog = False  # max_pipelined requests are waiting
        self._transport_paused = False
        self._writing_paused = False
        self._drain_waiter: asyncio.Future[None] | None = None
        self._upgraded_buffer = bytearray()
        self._upgraded_receiver: UpgradedReceiver | None = None
        self._eof_seen = False  # the client half-closed its side
        self._tls = False  # over TLS a half-close cannot keep the transport open
        self._input_ended = False  # the parser was told about that half-close
        self._linger = False  # close by lingering: the client may still be sending
        self._linger_handle: asyncio.TimerHandle | None = None
        self._current_request: BaseRequest | None = None
        # Serving: each request runs in a copy of this context, inline from
        # data_received while it does not wait (see inline_driver); one that
        # waits is handed to the connection's task as ``_suspended``.
        self._context = contextvars.copy_context()
        self._suspended: Suspended | None = None

    def __repr__(self) -> str:
        state = "connected" if self._transport is not None else "disconnected"
        return f"<RequestHandler {state}>"

    # -- asyncio.Protocol ----------------------------------------------------

    @property
    def transport(self) -> asyncio.Transport | None:
        return self._transport

    @property
    def keepalive_timeout(self) -> float:
        return self._keepalive_timeout

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport = cast(asyncio.Transport, transport)  # servers make stream transports
        self._transport = transport
        self._tls = transport.get_extra_info("sslcontext") is not None
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                if self._tcp_keepalive:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
            except OSError:
                pass
        self._context = contextvars.copy_context()
        self._task_handler = self._loop.create_task(self._serve(), context=self._context)
        self._manager.connection_made(self, transport)
        self._schedule_keepalive()
        # The head timer tells a connection that has sent nothing from one whose
        # first request went by the fast lane (which only moves ``_idle_since``)
        # by this very float object: any request replaces it.
        if self._idle_since is None:
            self._idle_since = self._loop.time()
        self._connected_idle_since = self._idle_since
        self._head_timer.connection_started()

    def connection_lost(self, exc: BaseException | None) -> None:
        self._manager.connection_lost(self, exc)
        self._transport = None
        self._held_output = None  # nowhere to go
        self._lifecycle = Lifecycle.CLOSING
        self._cancel_keepalive()
        self._head_timer.stop()
        if self._linger_handle is not None:
            self._linger_handle.cancel()
            self._linger_handle = None
        if self._payload is not None:
            self._payload.set_exception(ConnectionResetError("Connection lost"))
            self._payload = None
        receiver, self._upgraded_receiver = self._upgraded_receiver, None
        if receiver is not None:
            receiver.connection_lost(exc)
        self._wake()
        waiter, self._drain_waiter = self._drain_waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(ConnectionResetError("Connection lost"))
        task = self._task_handler
        if task is not None and not task.done() and self._manager.handler_cancellation:
            task.cancel()

    def data_received(self, data: bytes) -> None:
        waiter = self._waiter
        if (
            waiter is not None
            and INLINE_AVAILABLE
            and self._lifecycle is Lifecycle.OPEN
            and not waiter.done()
        ):
            # The task is parked: nothing is queued, suspended or upgraded. The common
            # request, one whole bodiless head, is served right here (the fast lane):
            # no event, no queue.
            message = self._parser.take_bodiless_request(data)
            if message is not None:
                self._idle_since = None  # busy
                if self._run_inline(message, EMPTY_PAYLOAD):
                    self._schedule_keepalive()
                    if self._lifecycle > Lifecycle.OPEN:  # (not `is`: the handler may change it)
                        self._wake()  # closed or draining meanwhile: the task ends it
                return
        if self._lifecycle is Lifecycle.CLOSING:
            return
        receiver = self._upgraded_receiver
        if receiver is not None:
            receiver.feed_data(data)  # no longer HTTP: straight to the new protocol
            return
        self._parse(data)
        if self._messages:
            self._dispatch()

    def eof_received(self) -> bool:
        """A half-close: answer what was received, then close (keep the transport open).

        Unless the peer is gone (see :meth:`_peer_left`): then the transport closes
        now, which cancels the handler (with ``handler_cancellation``) and makes its
        writes fail. Over TLS the transport closes whatever this returns (asyncio
        warns about True), so it is never True there.
        """
        self._eof_seen = True
        self.release_output()  # before the transport may close
        if self._linger_handle is not None:
            return False  # lingering close is over: let the transport close
        if self._upgraded_receiver is not None:
            # The peer half-closed an upgraded connection; it stays writable so the
            # new protocol can still say goodbye (a WebSocket close frame).
            self._upgraded_receiver.feed_eof()
        elif self._peer_left():
            return False
        if not self._parser.holding_back:
            self._end_of_input()
        # else: _parse() ends the input once the held-back requests are parsed
        if not self._request_in_progress and not self._messages and not self._parser.holding_back:
            self._lifecycle = Lifecycle.CLOSING
            self._wake()
        # Otherwise the serving task stops once the queue is empty and the input has
        # ended (not through _close, which would refuse the requests held back).
        return not self._tls

    def _peer_left(self) -> bool:
        """Whether a FIN means the client left, not that it finished sending.

        Requests it pipelined before the FIN (queued or held back) are answered:
        it half-closed and waits for them. Otherwise, with a handler running, it
        is gone if its answer had started (an HTTP client never half-closes
        while reading a response: a server-sent-events client that left) or if
        the application asked for handler cancellation, as aiohttp treats any FIN.
        """
        request = self._current_request
        if request is None or self._messages or self._parser.holding_back:
            return False
        return self._manager.handler_cancellation or request.writer.output_size > 0

    def _wake(self) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    # -- serving -------------------------------------------------------------

    def _dispatch(self) -> None:
        """Serve what was just queued: inline when the task is idle, else through the task."""
        if not self._messages:
            return
        waiter = self._waiter
        if (
            INLINE_AVAILABLE
            and waiter is not None
            and not waiter.done()
            and self._suspended is None
            and self._task_handler is not None
        ):
            self._serve_inline()
        else:
            self._wake()

    def _serve_inline(self) -> None:
        """Answer queued requests from this callback while each finishes without waiting.

        The connection's task is parked on its waiter; it is woken only to take
        over a request that waits (see :mod:`.inline_driver`), a request the
        parser refused, or the end of the connection.
        """
        messages = self._messages
        while messages and self._lifecycle < Lifecycle.DONE:
            item = messages[0]
            if isinstance(item, HttpProcessingError):
                break  # answered by the task, which then closes
            messages.popleft()
            if self._paused_for_backlog:
                self._parse(b"")  # room again: parse what was held back
            message, payload = item
            if not self._run_inline(message, payload):
                return  # the task was woken to go on
            if not messages:
                self._schedule_keepalive()
        if messages or self._lifecycle is not Lifecycle.OPEN or self._input_ended:
            self._wake()

    def _run_inline(self, message: RawRequestMessage, payload: StreamReader) -> bool:
        """Serve one request from this callback; True when it was answered and more may follow.

        Otherwise the task is woken: to take over the request, which waits (or
        could not start here because another task is running), or to close.
        """
        task = self._task_handler
        if task is None:  # pragma: no cover - the task is parked whenever this runs
            raise RuntimeError("no connection task to serve in")
        try:
            outcome = start_inline(
                self._serve_one(message, payload), self._loop, task, self._context.copy()
            )
        except asyncio.CancelledError:
            self._advance(Lifecycle.DONE)
        except Exception:
            self.logger.exception("Unhandled error in the connection task")
            self._advance(Lifecycle.DONE)
        else:
            if type(outcome) is Suspended:
                self._suspended = outcome
            elif outcome:
                return True
            else:
                self._advance(Lifecycle.DONE)
        self._wake()
        return False

    async def _serve(self) -> None:
        """The connection's task: what cannot be answered inline, and the close at the end."""
        loop = self._loop
        try:
            while self._lifecycle < Lifecycle.DONE:
                suspended = self._take_suspended()
                if suspended is not None:
                    keep = await resume(suspended)
                elif not self._messages:
                    if self._lifecycle is not Lifecycle.OPEN or self._input_ended:
                        break
                    self._waiter = loop.create_future()
                    try:
                        await self._waiter
                    except asyncio.CancelledError as exc:
                        # Aimed at a request that was waiting to be resumed: it gets it.
                        suspended = self._take_suspended()
                        if suspended is None:
                            raise
                        keep = await resume(suspended, exc)
                    else:
                        continue
                else:
                    item = self._messages.popleft()
                    if self._paused_for_backlog and self._lifecycle is not Lifecycle.CLOSING:
                        self._parse(b"")  # room again: parse what was held back
                    if isinstance(item, HttpProcessingError):
                        await self._answer_parse_error(item)
                        break
                    message, payload = item
                    run = Suspended(
                        self._serve_one(message, payload), NOT_STARTED, self._context.copy()
                    )
                    keep = await resume(run)
                if not keep:
                    break
                if not self._messages:
                    self._schedule_keepalive()
        except asyncio.CancelledError:
            pass
        except Exception:
            self.logger.exception("Unhandled error in the connection task")
        finally:
            self._task_handler = None
            self._close_transport()

    def _take_suspended(self) -> Suspended | None:
        suspended, self._suspended = self._suspended, None
        return suspended

    async def _serve_one(self, message: RawRequestMessage, payload: StreamReader) -> bool:
        """Answer one request; False when the connection must close afterwards.

        Written to finish without suspending for the common request (a handler
        that does not wait, a ``Response`` sent whole): see :mod:`.inline_driver`.
        """
        if self._held_output is not None:
            self.release_output()  # the previous answer leaves before this handler runs
        access_logger = self.access_logger
        start = self._loop.time() if access_logger is not None else 0.0
        manager = self._manager
        manager._requests_count += 1
        writer = StreamWriter(self, self._loop, hold=self._hold_output)
        request = self._request_factory(message, payload, self, writer, self._task_handler)
        self._current_request = request
        self._request_in_progress = True
        try:
            handler = self._request_handler
            response: StreamResponse
            try:
                if handler is None:
                    raise RuntimeError("no request handler")
                # Typed as returning a response, but user code may return anything.
                result: object = await handler(request)
            except Exception as exc:  # noqa: BLE001 - sorted out by _handler_failed
                response = self._handler_failed(request, exc)
            else:
                if type(result) in _PLAIN_RESPONSES:
                    # Checked by type just above; no cast(): it is a function call per request.
                    response = result  # type: ignore[assignment]
                else:
                    response = self._checked_response(request, result)
            if self._shutting_down and not response.prepared:
                # Say so, so that the client does not send its next request into a
                # socket that is about to close.
                response.force_close()
            sent = False
            try:
                done = response.send_now(request)
            except ConnectionError:
                done = True
                self._log_access(request, response, start)
            except Exception:  # noqa: BLE001 - _send_response fails the same way, answers 500
                done = False
            else:
                sent = True
                if done:
                    if writer.needs_drain():
                        try:
                            await writer.drain()
                        except ConnectionError:
                            sent = False
                    if access_logger is not None:
                        self._log_access(request, response, start)
            if not done:
                sent = await self._send_response(request, response, start)
        finally:
            self._request_in_progress = False
            self._current_request = None
        if not (
            sent
            and self._lifecycle is not Lifecycle.CLOSING
            and response.keep_alive
            and not message.should_close
            and not message.upgrade
            and not self._parser.upgraded  # not taken over: close
        ):
            if not (payload.raw if isinstance(payload, DecodingStreamReader) else payload).at_eof():
                self._linger = True
            payload.set_exception(_PAYLOAD_ACCESS_ERROR)  # the answer is out: the body is gone
            return False
        if payload is EMPTY_PAYLOAD:
            return True
        keep = await discard_unread_body(
            payload, self._loop, self._lingering_time, self._max_lingering_bytes
        )
        payload.set_exception(_PAYLOAD_ACCESS_ERROR)
        if not keep:
            self._linger = True
        return keep

    async def _send_response(
        self, request: BaseRequest, response: StreamResponse, start: float
    ) -> bool:
        if not response.prepared and request.writer.output_size:
            # The handler started another response, then failed: its head is on the wire.
            self.logger.error("Handler failed after sending part of a response; closing")
            self.force_close()
            return False
        try:
            await response.prepare(request)
            await response.write_eof()
        except ConnectionError:
            self._log_access(request, response, start)
            return False
        except Exception as exc:
            if response.prepared:
                self.logger.exception("Error while writing a response", exc_info=exc)
                self.force_close()
                return False
            await self._answer_unsent_response_with_500(request, exc, start)
            return False  # the 500 said Connection: close
        self._log_access(request, response, start)
        return True

    async def _answer_parse_error(self, error: HttpProcessingError) -> None:
        """Answer a broken request with its status, then close (never a 500 for this)."""
        self.release_output()
        writer = StreamWriter(self, self._loop)
        request = BaseRequest(
            _ERROR_MESSAGE, EMPTY_PAYLOAD, self, writer, self._task_handler, self._loop
        )
        response = parse_error_page(error)
        self._linger = True  # the rest of the request may still be on its way
        try:
            await response.prepare(request)
            await response.write_eof()
        except ConnectionError:
            pass
        self.log_debug("Bad request: %s", error.message)

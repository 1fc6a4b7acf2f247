"""``WebSocketResponse``: the server side of a WebSocket (RFC 6455), aiohttp's API.

``prepare(request)`` checks the handshake, answers ``101 Switching Protocols`` and takes
the connection over: the bytes the client sends from then on go to a
:class:`~.websocket_inbox.WebSocketInbox` instead of the HTTP parser. The handler then
talks in messages: ``send_str``/``send_bytes``/``send_json``/``send_frame`` out,
``receive()`` (or ``async for msg in ws``) in. ``receive()`` plays the control frames
for the handler: it answers PINGs (``autoping``), answers the peer's close
(``autoclose``), and fails the connection with the codec's close code on a protocol
violation (RFC 6455 7.1.7).

The close states follow aiohttp: ``closing`` once the peer's close frame (or our own
``close()`` from another task) was seen, ``closed`` once our close frame went out or
the connection was dropped; ``close_code`` is the peer's code, or 1006 when the
connection ended without a closing handshake (RFC 6455 7.1.5).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Final, Self

from aiostrata.http_parser import (
    WS_CLOSED_MESSAGE,
    WS_CLOSING_MESSAGE,
    AbstractStreamWriter,
    WebSocketError,
    WebSocketReader,
    WebSocketWriter,
    WSCloseCode,
    WSMessage,
    WSMsgType,
)

from .http_exceptions import HTTPException
from .stream_response import StreamResponse
from .websocket_errors import WSMessageTypeError
from .websocket_heartbeat import Heartbeat
from .websocket_inbox import WebSocketInbox
from .websocket_ready import WebSocketReady
from .websocket_upgrade import accept_handshake, upgradable_connection

if TYPE_CHECKING:
    from .interfaces import PreparingRequest, UpgradableConnection

__all__ = ("WebSocketResponse",)

# After this many receive() calls on a closed WebSocket, a handler that loops on
# receive() without checking the message type is stuck: raise instead (as aiohttp does).
_CLOSED_RECEIVES_BEFORE_ERROR: Final = 5
_CONTROL_TYPES: Final = frozenset(
    {WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.PING, WSMsgType.PONG, WSMsgType.ERROR}
)
_END_OF_ITERATION: Final = frozenset({WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED})


class WebSocketResponse(StreamResponse):
    """A WebSocket endpoint for one request, with the same API as aiohttp's.

    ``timeout`` bounds the wait for the peer's close frame in ``close()``;
    ``receive_timeout`` is the default timeout of ``receive()``; ``heartbeat`` pings
    an idle peer every so many seconds and drops it (code 1006) when nothing answers
    within half that; ``max_msg_size`` bounds a received message after decompression
    (0: no limit; larger messages fail the connection with 1009); ``writer_limit`` is
    how many bytes may be written before waiting for the socket to drain.
    """

    _length_check = False  # the body is frames, not an HTTP body

    def __init__(
        self,
        *,
        timeout: float = 10.0,
        receive_timeout: float | None = None,
        autoclose: bool = True,
        autoping: bool = True,
        heartbeat: float | None = None,
        protocols: Iterable[str] = (),
        compress: bool = True,
        max_msg_size: int = 4 * 1024 * 1024,
        writer_limit: int = 2**16,
    ) -> None:
        super().__init__(status=101)
        if max_msg_size < 0:
            raise ValueError("max_msg_size must be >= 0 (0: no limit)")
        if heartbeat is not None and heartbeat <= 0:
            raise ValueError(f"heartbeat must be a positive number of seconds, got {heartbeat}")
        self._protocols = tuple(protocols)
        self._timeout = timeout
        self._receive_timeout = receive_timeout
        self._autoclose = autoclose
        self._autoping = autoping
        self._heartbeat_interval = heartbeat
        self._compress: int | bool = compress
        self._max_msg_size = max_msg_size
        self._writer_limit = writer_limit
        self._ws_protocol: str | None = None
        self._connection: UpgradableConnection | None = None
        self._writer: WebSocketWriter | None = None
        self._inbox: WebSocketInbox | None = None
        self._heartbeat: Heartbeat | None = None
        # The inbox while async for may take messages itself: open, no receive timeout.
        self._open_inbox: WebSocketInbox | None = None
        self._closing = False  # the peer's close frame (or a local close()) was seen
        self._closed = False  # our close frame went out, or the connection was dropped
        self._close_received = False
        self._close_code: int | None = None
        self._exception: BaseException | None = None
        self._waiting = False  # a receive() is in progress
        self._close_wait: asyncio.Future[None] | None = None
        self._close_done: asyncio.Future[None] | None = None
        self._closed_receives = 0

    # -- the handshake ---------------------------------------------------------------------

    def can_prepare(self, request: PreparingRequest) -> WebSocketReady:
        """Whether ``prepare(request)`` would succeed, and the subprotocol it would choose.

        Never raises for a request that is not a handshake: that is ``ok=False``.
        """
        if self._writer is not None:
            raise RuntimeError("Already started")
        try:
            handshake = accept_handshake(
                request, protocols=self._protocols, compress=bool(self._compress)
            )
        except HTTPException:
            return WebSocketReady(False, None)
        return WebSocketReady(True, handshake.protocol)

    async def prepare(self, request: PreparingRequest) -> AbstractStreamWriter | None:
        """Accept the handshake (or raise its 400/405/426) and start the WebSocket."""
        if self._payload_writer is not None:
            return self._payload_writer
        if self._eof_sent:
            return None
        connection = upgradable_connection(request)
        handshake = accept_handshake(
            request, protocols=self._protocols, compress=bool(self._compress)
        )
        loop = asyncio.get_running_loop()
        self.set_status(101)
        for name, value in handshake.response_headers():
            self.headers[name] = value
        self.force_close()  # nothing HTTP follows on this connection
        writer = WebSocketWriter(
            connection, is_server=True, deflate=handshake.deflate, limit=self._writer_limit
        )
        if self._heartbeat_interval is not None:
            self._heartbeat = Heartbeat(
                loop, self._heartbeat_interval, self._send_heartbeat_ping, self._heartbeat_failed
            )
        reader = WebSocketReader(self._max_msg_size, is_server=True, deflate=handshake.deflate)
        on_data = self._heartbeat.reset if self._heartbeat is not None else None
        inbox = WebSocketInbox(reader, connection, loop=loop, on_data=on_data)
        payload_writer = await super().prepare(request)
        if payload_writer is None:  # pragma: no cover - StreamResponse returns None only after EOF
            raise RuntimeError("Response already finished")
        self._connection = connection
        self._ws_protocol = handshake.protocol
        self._compress = writer.compress
        self._writer = writer
        self._inbox = inbox
        if not self._receive_timeout:
            self._open_inbox = inbox
        # The head is on its way: from here on the client's bytes are frames.
        connection.set_upgraded_receiver(inbox)
        if self._heartbeat is not None:
            self._heartbeat.reset()
        await payload_writer.drain()
        return payload_writer

    # -- state -----------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """True once the connection is closed or closing (our close frame went out)."""
        return self._closed

    @property
    def close_code(self) -> int | None:
        """The peer's close code; 1006 when the connection ended without one; None while open."""
        return self._close_code

    @property
    def ws_protocol(self) -> str | None:
        """The negotiated subprotocol, or None."""
        return self._ws_protocol

    @property
    def compress(self) -> int | bool:
        """Before ``prepare()``: whether deflate is offered; after: the outgoing window
        bits of the negotiated permessage-deflate, or 0 when the client did not ask."""
        return self._compress

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        """``transport.get_extra_info(name, default)`` of the connection, if it is open."""
        connection = self._connection
        transport = connection.transport if connection is not None else None
        if self._writer is None or transport is None:
            return default
        return transport.get_extra_info(name, default)

    def exception(self) -> BaseException | None:
        """The last error that ended or troubled the connection, or None."""
        return self._exception

    # -- sending ---------------------------------------------------------------------------

    def _started_writer(self) -> WebSocketWriter:
        if self._writer is None:
            raise RuntimeError("Call .prepare() first")
        return self._writer

    # Each send writes its frame synchronously (WebSocketWriter.write_frame) and awaits
    # only when the writer asks for a drain: one coroutine per message, not a chain.

    async def ping(self, message: bytes | str = b"") -> None:
        """Send a PING (str is sent as UTF-8)."""
        writer = self._started_writer()
        if writer.write_frame(_as_bytes(message), WSMsgType.PING):
            await writer.drain()

    async def pong(self, message: bytes | str = b"") -> None:
        """Send an unsolicited PONG (str is sent as UTF-8)."""
        writer = self._started_writer()
        if writer.write_frame(_as_bytes(message), WSMsgType.PONG):
            await writer.drain()

    async def send_frame(
        self, message: bytes | bytearray | memoryview, opcode: int, compress: int | None = None
    ) -> None:
        """Send ``message`` as is, as one frame of type ``opcode``."""
        writer = self._started_writer()
        if writer.write_frame(message, opcode, compress):
            await writer.drain()

    async def send_str(self, data: str, compress: int | None = None) -> None:
        """Send a TEXT message; ``compress`` overrides deflate for it (0: uncompressed)."""
        if not isinstance(data, str):
            raise TypeError(f"data argument must be str ({type(data)!r})")
        writer = self._writer
        if writer is None:
            raise RuntimeError("Call .prepare() first")
        if writer.write_text(data.encode("utf-8"), compress):
            await writer.drain()

    async def send_bytes(
        self, data: bytes | bytearray | memoryview, compress: int | None = None
    ) -> None:
        """Send a BINARY message; ``compress`` overrides deflate for it (0: uncompressed)."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data argument must be byte-ish ({type(data)!r})")
        writer = self._writer
        if writer is None:
            raise RuntimeError("Call .prepare() first")
        if writer.write_binary(data, compress):
            await writer.drain()

    async def send_json(
        self,
        data: Any,
        compress: int | None = None,
        *,
        dumps: Callable[[Any], str] = json.dumps,
    ) -> None:
        """Send ``dumps(data)`` as a TEXT message."""
        await self.send_str(dumps(data), compress=compress)

    async def write(self, data: bytes | bytearray | memoryview) -> None:
        raise RuntimeError("Cannot call .write() for websocket")

    async def write_eof(self, data: bytes | bytearray | memoryview = b"") -> None:
        """End the response: close the WebSocket, and let a close in progress finish."""
        if self._eof_sent:
            return
        if self._payload_writer is None:
            raise RuntimeError("Response has not been started")
        await self.close()
        done = self._close_done
        if done is not None and not done.done():
            # close() was called by another task (an on_shutdown hook, say): the
            # connection must stay open until the peer's close frame arrives or it times out.
            await asyncio.shield(done)
        self._eof_sent = True

    # -- closing ---------------------------------------------------------------------------

    async def close(
        self,
        *,
        code: int = WSCloseCode.OK,
        message: bytes | str = b"",
        drain: bool = True,
    ) -> bool:
        """Send a close frame with ``code`` and wait up to ``timeout`` for the peer's.

        Safe to call from another task than the one in ``receive()``. Returns False when
        the WebSocket was already closed.
        """
        writer = self._started_writer()
        if self._closed:
            return False
        self._set_closed()
        self._close_done = asyncio.get_running_loop().create_future()
        try:
            return await self._close_handshake(writer, code, message, drain=drain)
        finally:
            if not self._close_done.done():
                self._close_done.set_result(None)

    async def _close_handshake(
        self, writer: WebSocketWriter, code: int, message: bytes | str, *, drain: bool
    ) -> bool:
        try:
            await writer.close(code, message)
            if drain and self._payload_writer is not None:
                await self._payload_writer.drain()
        except (asyncio.CancelledError, TimeoutError):
            self._abort(WSCloseCode.ABNORMAL_CLOSURE)
            raise
        except Exception as exc:  # noqa: BLE001 - the peer is gone or the code is bad
            self._exception = exc
            self._abort(WSCloseCode.ABNORMAL_CLOSURE)
            return True

        inbox = self._inbox
        if inbox is None:  # pragma: no cover - a started writer always has its inbox
            raise RuntimeError("Call .prepare() first")
        if self._waiting:
            # Another task is in receive(): wake it with CLOSING, then read the inbox here.
            self._close_wait = asyncio.get_running_loop().create_future()
            inbox.put(WS_CLOSING_MESSAGE)
            await self._close_wait
        if self._close_received:
            # RFC 6455 7.1.1: both close frames are exchanged; the server closes TCP first.
            self._abort(self._close_code)
            return True
        try:
            async with asyncio.timeout(self._timeout):
                while True:
                    received = await inbox.read()
                    if received is None:
                        self._abort(WSCloseCode.ABNORMAL_CLOSURE)
                        return True
                    if received.type is WSMsgType.CLOSE:
                        self._close_received = True
                        self._abort(received.data)
                        return True
                    if received.type is WSMsgType.ERROR:
                        self._exception = received.data
                        self._abort(WSCloseCode.ABNORMAL_CLOSURE)
                        return True
                    # RFC 6455 1.4: data after our close frame is discarded
        except asyncio.CancelledError:
            self._abort(WSCloseCode.ABNORMAL_CLOSURE)
            raise
        except TimeoutError as exc:
            self._exception = exc
            self._abort(WSCloseCode.ABNORMAL_CLOSURE)
            return True

    def _set_closing(self, code: int) -> None:
        self._closing = True
        self._open_inbox = None
        self._close_code = code
        if self._heartbeat is not None:
            self._heartbeat.stop()

    def _set_closed(self) -> None:
        self._closed = True
        self._open_inbox = None
        if self._heartbeat is not None:
            self._heartbeat.stop()

    def _abort(self, code: int | None) -> None:
        """Record the close code and close the connection (flushing what was written)."""
        self._close_code = code
        connection = self._connection
        transport = connection.transport if connection is not None else None
        if transport is not None:
            transport.close()

    async def _fail(self, error: WebSocketError) -> None:
        """RFC 6455 7.1.7: on a protocol violation send a close frame with its code and
        drop the connection; the peer's reply is not awaited (the reader stopped)."""
        self._exception = error
        if self._closed:
            return
        self._set_closed()
        writer = self._writer
        if writer is not None and not writer.closed:
            with contextlib.suppress(ConnectionError, ValueError):
                await writer.close(error.code)
        self._abort(error.code)

    # -- heartbeat -------------------------------------------------------------------------

    async def _send_heartbeat_ping(self) -> None:
        await self._started_writer().ping()

    def _heartbeat_failed(self, exc: BaseException) -> None:
        """No PONG in time (or the PING could not be sent): drop the connection, 1006."""
        if self._closed:
            return
        self._set_closed()
        self._exception = exc
        self._abort(WSCloseCode.ABNORMAL_CLOSURE)
        if self._waiting and not self._closing and self._inbox is not None:
            self._inbox.put(WSMessage(WSMsgType.ERROR, exc, None))

    # -- receiving -------------------------------------------------------------------------

    async def receive(self, timeout: float | None = None) -> WSMessage:
        """The next data message; PING, PONG and CLOSE are handled here (see the module doc).

        Returns CLOSING/CLOSED messages once the WebSocket is closing or closed, an ERROR
        message when the connection failed; raises ``TimeoutError`` after ``timeout`` (or
        the response's ``receive_timeout``) seconds without a message.
        """
        inbox = self._inbox
        if inbox is None:
            raise RuntimeError("Call .prepare() first")
        receive_timeout = timeout or self._receive_timeout
        while True:
            if self._waiting:
                raise RuntimeError("Concurrent call to receive() is not allowed")
            if self._closed:
                self._closed_receives += 1
                if self._closed_receives >= _CLOSED_RECEIVES_BEFORE_ERROR:
                    raise RuntimeError("WebSocket connection is closed.")
                return WS_CLOSED_MESSAGE
            if self._closing:
                return WS_CLOSING_MESSAGE
            message = inbox.get_nowait() if inbox.messages else None
            if message is None and not inbox.ended:
                # Await the inbox's future directly (no coroutine per wait); its result is
                # the message itself, or None: then the message is in the inbox's deque.
                self._waiting = True
                waiter = inbox.wait()
                try:
                    if receive_timeout:
                        async with asyncio.timeout(receive_timeout):
                            message = await waiter or inbox.get_nowait()
                            while message is None and not inbox.ended:
                                waiter = inbox.wait()
                                message = await waiter or inbox.get_nowait()
                    else:
                        message = await waiter or inbox.get_nowait()
                        while message is None and not inbox.ended:
                            waiter = inbox.wait()
                            message = await waiter or inbox.get_nowait()
                except BaseException:
                    inbox.give_back(waiter)
                    raise
                finally:
                    self._waiting = False
                    close_wait = self._close_wait
                    if close_wait is not None and not close_wait.done():
                        close_wait.set_result(None)
            if message is None:
                return self._input_ended(inbox)
            if message.type not in _CONTROL_TYPES:
                return message
            handled = await self._handle_control(message)
            if handled is not None:
                return handled

    def _input_ended(self, inbox: WebSocketInbox) -> WSMessage:
        """The peer went away without a close frame (RFC 6455 7.1.5: code 1006)."""
        self._exception = self._exception or inbox.lost_with
        self._set_closed()
        self._abort(WSCloseCode.ABNORMAL_CLOSURE)
        return WS_CLOSED_MESSAGE

    async def _handle_control(self, message: WSMessage) -> WSMessage | None:
        """Play one control message; None when it was answered and reading goes on."""
        kind = message.type
        if kind is WSMsgType.ERROR:
            if isinstance(message.data, WebSocketError):
                await self._fail(message.data)
            return message
        if kind is WSMsgType.CLOSE:
            self._close_received = True
            self._set_closing(message.data)
            if not self._closed and self._autoclose:
                # The peer is about to close TCP: do not wait to drain into a dead socket.
                await self.close(drain=False)
            return message
        if kind is WSMsgType.CLOSING:
            self._set_closing(WSCloseCode.OK)
            return message
        if self._autoping:
            if kind is WSMsgType.PING:
                # RFC 6455 5.5.3: the PONG echoes the PING's application data.
                with contextlib.suppress(ConnectionError):
                    await self.pong(message.data)
            return None
        return message

    async def receive_str(self, *, timeout: float | None = None) -> str:
        """The next message, which must be TEXT (else ``WSMessageTypeError``)."""
        message = await self.receive(timeout)
        if message.type is not WSMsgType.TEXT:
            raise WSMessageTypeError(
                f"Received message {message.type}:{message.data!r} is not WSMsgType.TEXT"
            )
        text: str = message.data
        return text

    async def receive_bytes(self, *, timeout: float | None = None) -> bytes:
        """The next message, which must be BINARY (else ``WSMessageTypeError``)."""
        message = await self.receive(timeout)
        if message.type is not WSMsgType.BINARY:
            raise WSMessageTypeError(
                f"Received message {message.type}:{message.data!r} is not WSMsgType.BINARY"
            )
        data: bytes = message.data
        return data

    async def receive_json(
        self, *, loads: Callable[[str], Any] = json.loads, timeout: float | None = None
    ) -> Any:
        """The next TEXT message decoded by ``loads``."""
        return loads(await self.receive_str(timeout=timeout))

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> WSMessage:
        inbox = self._open_inbox
        if inbox is None or self._waiting:
            message = await self.receive()
        else:
            # receive() inlined for the usual case (open, no timeout): one coroutine
            # frame per message instead of two, on every resumption as well.
            message_or_none = inbox.get_nowait() if inbox.messages else None
            if message_or_none is None and not inbox.ended:
                self._waiting = True
                waiter = inbox.wait()
                try:
                    message_or_none = await waiter or inbox.get_nowait()
                    while message_or_none is None and not inbox.ended:
                        waiter = inbox.wait()
                        message_or_none = await waiter or inbox.get_nowait()
                except BaseException:
                    inbox.give_back(waiter)
                    raise
                finally:
                    self._waiting = False
                    close_wait = self._close_wait
                    if close_wait is not None and not close_wait.done():
                        close_wait.set_result(None)
            if message_or_none is None:
                message = self._input_ended(inbox)
            elif message_or_none.type is WSMsgType.TEXT or message_or_none.type is WSMsgType.BINARY:
                return message_or_none
            elif message_or_none.type in _CONTROL_TYPES:
                handled = await self._handle_control(message_or_none)
                message = handled if handled is not None else await self.receive()
            else:
                return message_or_none
        if message.type in _END_OF_ITERATION:
            raise StopAsyncIteration
        return message


def _as_bytes(message: bytes | bytearray | memoryview | str) -> bytes:
    return message.encode("utf-8") if isinstance(message, str) else bytes(message)

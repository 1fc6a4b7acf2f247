"""Bytes in: the parser's events turned into queued requests and body streams.

Parsing is bounded by the queue: the parser is asked for no more pipelined
heads than the queue has room for (CVE-2026-54273's class) and holds the rest
back, while reading pauses. Each head gets its body stream (decoded lazily
when it has a Content-Encoding); body events feed it; a parse error is queued
after the requests before it, so those are answered first. After an upgrade,
bytes go to the new protocol's receiver instead.
"""

from __future__ import annotations

import collections
from collections.abc import Callable
from typing import Final

from aiostrata.http_parser import (
    EMPTY_PAYLOAD,
    BodyData,
    ChunkEnd,
    DecodingStreamReader,
    HttpProcessingError,
    HttpRequestParser,
    MessageComplete,
    ParseError,
    RawRequestMessage,
    RequestHead,
    StreamReader,
    UnsupportedContentEncoding,
    UpgradedData,
    as_payload_error,
    content_decoder_for,
)
from aiostrata.web_response import UpgradedReceiver

from .flow_control import FlowControl
from .lifecycle import HasLifecycle, Lifecycle
from .time_bounds import HeadTimer, RequestHeadTimeout, TimeBoundsConfig

__all__ = ("RequestIntake",)

_MAX_UPGRADE_BUFFER: Final = 2**16
QueuedItem = tuple[RawRequestMessage, StreamReader] | HttpProcessingError


class RequestIntake(FlowControl, HasLifecycle):
    """The input half of ``RequestHandler`` (a mixin; the state is the handler's)."""

    _parser: HttpRequestParser
    _messages: collections.deque[QueuedItem]
    _max_pipelined: int
    _payload: StreamReader | None
    _read_bufsize: int
    _body_read_timeout: float | None
    _auto_decompress: bool
    _max_decompressed_size: int
    _close: bool
    _eof_seen: bool
    _input_ended: bool
    _idle_since: float | None
    _upgraded_buffer: bytearray
    _upgraded_receiver: UpgradedReceiver | None
    _time_bounds: TimeBoundsConfig
    _head_timer: HeadTimer

    # Defined by RequestHandler: wake its task; stop counting the connection as idle.
    _wake: Callable[[], None]
    _cancel_keepalive: Callable[[], None]

    def _parse(self, data: bytes) -> None:
        """Parse no more pipelined heads than the queue has room for (CVE-2026-54273's class).

        The rest stays buffered in the parser, and reading pauses until the
        serving task has taken requests off the queue.
        """
        room = self._max_pipelined - len(self._messages)
        for event in self._parser.feed_data(data, max_heads=max(room, 0)):
            self._on_event(event)
        self._head_timer.observe(len(data))  # a head left partial is timed
        if self._eof_seen and not self._parser.holding_back:
            self._end_of_input()
        backlogged = len(self._messages) >= self._max_pipelined or self._parser.holding_back
        if backlogged != self._paused_for_backlog:
            self._paused_for_backlog = backlogged
            self._apply_reading_state()

    def _head_timed_out(self) -> None:
        """The head being received outlasted its bound: answer 408 and close."""
        if self._lifecycle is not Lifecycle.OPEN:
            return
        self._messages.append(RequestHeadTimeout("The request head took too long to arrive"))
        self._advance(Lifecycle.DRAINING)
        self._cancel_keepalive()
        self._wake()

    def _end_of_input(self) -> None:
        if not self._input_ended:
            self._input_ended = True
            for event in self._parser.feed_eof():
                self._on_event(event)

    def set_upgraded_receiver(self, receiver: UpgradedReceiver) -> None:
        """Hand the connection's input over to ``receiver`` (``UpgradableConnection``).

        Called by a ``WebSocketResponse`` once it answered 101: the bytes the parser
        buffered after the upgraded head go to ``receiver`` at once, and every later
        byte, the end of input and the connection's loss go to it directly.
        """
        if not self._parser.upgraded:
            raise RuntimeError("The connection was not upgraded by its request head")
        if self._upgraded_receiver is not None:
            raise RuntimeError("The connection already has an upgraded receiver")
        self._upgraded_receiver = receiver
        buffered = bytes(self._upgraded_buffer)
        self._upgraded_buffer.clear()
        # The buffer limit may have paused reading; the receiver applies its own from now.
        self._paused_for_body = False
        self._apply_reading_state()
        if buffered:
            receiver.feed_data(buffered)
        if self._transport is None:
            self._upgraded_receiver = None
            receiver.connection_lost(None)
        elif self._eof_seen:
            receiver.feed_eof()

    def _on_event(self, event: object) -> None:
        if isinstance(event, RequestHead):
            message = event.message
            if self._lifecycle is not Lifecycle.OPEN:
                # Shutting down or closing: requests not yet received are not taken.
                self._payload = None
                return
            payload: StreamReader = EMPTY_PAYLOAD
            if event.has_body:
                raw = StreamReader(
                    self,
                    self._read_bufsize,
                    loop=self._loop,
                    read_timeout=self._body_read_timeout,
                    pace=self._time_bounds.body_rate(self._loop),
                )
                if message.chunked:
                    raw.begin_http_chunk_receiving()
                try:
                    payload = self._decoded(message, raw)
                except UnsupportedContentEncoding as exc:
                    # RFC 9110 15.5.16: refuse it (415) without running the handler; the
                    # body is not read, so the connection closes after the answer.
                    self._payload = None
                    self._messages.append(exc)
                    self._advance(Lifecycle.DRAINING)
                    self._cancel_keepalive()
                    self._wake()
                    return
                self._payload = raw  # the parser's body events feed the compressed stream
            self._messages.append((message, payload))
            self._idle_since = None  # busy: the keep-alive timer, if it fires, does nothing
            # data_received dispatches it once the whole buffer is parsed.
        elif isinstance(event, BodyData):
            if self._payload is not None:
                self._payload.feed_data(event.data)
        elif isinstance(event, ChunkEnd):
            if self._payload is not None:
                self._payload.end_http_chunk_receiving()
        elif isinstance(event, MessageComplete):
            if self._payload is not None:
                self._payload.feed_eof()
                self._payload = None
        elif isinstance(event, UpgradedData):
            if self._upgraded_receiver is not None:
                self._upgraded_receiver.feed_data(event.data)
                return
            self._upgraded_buffer.extend(event.data)
            if len(self._upgraded_buffer) > _MAX_UPGRADE_BUFFER:
                self._advance(Lifecycle.DRAINING)
                self.pause_reading()
        elif isinstance(event, ParseError):
            if self._payload is not None:
                self._payload.set_exception(as_payload_error(event.error))
                self._payload = None
            self._messages.append(event.error)
            self._advance(Lifecycle.DRAINING)
            self._cancel_keepalive()
            self._wake()

    def _decoded(self, message: RawRequestMessage, raw: StreamReader) -> StreamReader:
        """The body stream for the handler: ``raw`` decoded lazily when it has a coding."""
        if not self._auto_decompress or message.compression is None:
            return raw
        return DecodingStreamReader(
            raw,
            content_decoder_for(message.compression),
            max_decompressed_size=self._max_decompressed_size,
            limit=self._read_bufsize,
            loop=self._loop,
        )

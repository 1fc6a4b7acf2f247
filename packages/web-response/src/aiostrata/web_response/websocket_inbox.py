"""The receiving side of a WebSocket: bytes from the connection in, messages out in order.

The connection hands every byte after the upgrade to :class:`WebSocketInbox` (it
satisfies ``UpgradedReceiver``), which parses them with the sans-IO
``WebSocketReader`` and queues the messages for ``WebSocketResponse.receive()``. The
queue applies back-pressure: above ``limit`` bytes of unread messages the socket stops
being read, and it is read again once the handler has caught up, so a client that sends
faster than the handler reads cannot make the server buffer without bound.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Callable
from typing import Final, Protocol

from aiostrata.http_parser import WebSocketReader, WSMessage

__all__ = ("DEFAULT_INBOX_LIMIT", "WebSocketInbox")

DEFAULT_INBOX_LIMIT: Final = 2**16


class _ReadingControl(Protocol):
    """What the inbox pauses: the connection (an ``UpgradableConnection``)."""

    def pause_reading(self) -> None: ...

    def resume_reading(self) -> None: ...


# What a queued message costs beyond its payload (the WSMessage, the object headers):
# counted so that a flood of empty frames fills the inbox like data does.
_MESSAGE_OVERHEAD: Final = 64


def _size_of(message: WSMessage) -> int:
    data = message.data
    if data.__class__ is str or data.__class__ is bytes:
        return len(data) + _MESSAGE_OVERHEAD
    return _MESSAGE_OVERHEAD


class WebSocketInbox:
    """A bounded queue of received messages, filled by the connection.

    The path from the socket to the handler is short on purpose. ``feed_data`` (called
    by the connection's ``data_received``) parses; when the one reader is waiting and
    nothing is queued, a message is handed to it as the result of its future, neither
    queued nor counted; otherwise messages go to a deque and the reader's future is
    resolved with None, meaning "look in the deque" (:meth:`get_nowait`). No
    ``asyncio.Queue``, no task per message.

    A reader that stops waiting (cancelled, timed out) gives its future to
    :meth:`give_back`, so a message handed over in the meantime is queued again at the
    front, never lost.

    ``on_data`` is called for every chunk received, before it is parsed: the heartbeat
    counts any data as a sign of life. :meth:`read` returns None once the input has
    ended (EOF or connection lost) and every queued message was read.
    """

    def __init__(
        self,
        reader: WebSocketReader,
        control: _ReadingControl,
        *,
        loop: asyncio.AbstractEventLoop,
        limit: int = DEFAULT_INBOX_LIMIT,
        on_data: Callable[[], None] | None = None,
    ) -> None:
        self._reader = reader
        self._control = control
        self._loop = loop
        self._limit = limit
        self._on_data = on_data
        # Read-only outside: a reader may test it before calling get_nowait().
        self.messages: collections.deque[WSMessage] = collections.deque()
        self._size = 0
        self._paused = False
        self.ended = False  # no more bytes can arrive (EOF or connection lost)
        self._waiter: asyncio.Future[WSMessage | None] | None = None
        self.lost_with: BaseException | None = None

    @property
    def queued_bytes(self) -> int:
        """What the messages not yet read cost: payload bytes plus a fixed overhead each."""
        return self._size

    # -- UpgradedReceiver ----------------------------------------------------------------------

    def feed_data(self, data: bytes) -> None:
        if self.ended:
            return
        if self._on_data is not None:
            self._on_data()
        messages = self._reader.feed_data(data)
        if not messages:
            return
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                if len(messages) == 1 and not self.messages:
                    waiter.set_result(messages[0])  # handed over: nothing to queue
                    return
                waiter.set_result(None)
        size = self._size
        append = self.messages.append
        for message in messages:
            payload = message.data
            if payload.__class__ is str or payload.__class__ is bytes:
                size += len(payload)
            size += _MESSAGE_OVERHEAD
            append(message)
        self._size = size
        if size > self._limit and not self._paused:
            self._paused = True
            self._control.pause_reading()

    def feed_eof(self) -> None:
        self.ended = True
        self._wake()

    def connection_lost(self, exc: BaseException | None) -> None:
        self.lost_with = exc
        self.feed_eof()

    # -- the queue -----------------------------------------------------------------------------

    def put(self, message: WSMessage) -> None:
        """Queue a message: parsed from the wire, or a local state (CLOSING, ERROR)."""
        self.messages.append(message)
        self._size += _size_of(message)
        if not self._paused and self._size > self._limit:
            self._paused = True
            self._control.pause_reading()
        self._wake()

    def get_nowait(self) -> WSMessage | None:
        """The next queued message, or None when there is none (yet)."""
        messages = self.messages
        if not messages:
            return None
        message = messages.popleft()
        if not messages:
            self._size = 0  # the usual case, without working out what the message cost
        else:
            self._size -= _size_of(message)
        if self._paused and self._size <= self._limit // 2:
            self._paused = False
            if not self.ended:
                self._control.resume_reading()
        return message

    def wait(self) -> asyncio.Future[WSMessage | None]:
        """A future for the one reader to await when :meth:`get_nowait` returned None.

        Its result is the next message when it was handed over directly, or None when
        the reader should look again (a message was queued, or the input ended). A
        reader that stops awaiting it early must pass it to :meth:`give_back`.
        """
        waiter = self._waiter
        if waiter is None or waiter.done():
            waiter = self._waiter = self._loop.create_future()
        return waiter

    def give_back(self, waiter: asyncio.Future[WSMessage | None]) -> None:
        """The reader gave up on ``waiter``: requeue, at the front, a message it carried."""
        if waiter.done() and not waiter.cancelled():
            message = waiter.result()
            if message is not None:
                self.messages.appendleft(message)
                self._size += _size_of(message)
        elif self._waiter is waiter:
            self._waiter = None
            waiter.cancel()

    async def read(self) -> WSMessage | None:
        """The next message; None when the input ended and nothing is left."""
        while True:
            message = self.get_nowait()
            if message is not None or self.ended:
                return message
            waiter = self.wait()
            try:
                message = await waiter
            except BaseException:
                self.give_back(waiter)
                raise
            if message is not None:
                return message

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)

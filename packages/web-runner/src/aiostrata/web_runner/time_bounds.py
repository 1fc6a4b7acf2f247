"""Bounds in time for slow clients: a request head, a silent connection, a slow body.

Sizes alone do not protect a server: a client that sends nothing, or a head a
byte at a time, or a body at a byte every two seconds, holds a connection (and
a handler) as long as it likes, and a thousand of them hold a thousand. The
bounds here follow Apache's mod_reqtimeout (``header=20-40,MinRate=500``,
``body=20,MinRate=500``) and nginx's ``client_header_timeout``:

- :class:`HeadTimer`: a connection that has sent nothing for
  ``initial_idle_timeout`` seconds is closed (silently: a browser's pre-opened
  connection would take a 408 for the answer to the request it is about to
  send), and a request head must arrive whole within ``header_timeout`` seconds
  of its first byte (of the connection, for the first request), extended by one
  second per ``header_min_rate`` bytes received, up to ``header_timeout_max``;
  past that, 408 and close.
- :class:`BodyRate`: a body must arrive at ``body_min_rate`` bytes/s on
  average, counted only while a reader waits for it with nothing buffered, so
  a handler that reads slowly on purpose is never blamed for its own pace. The
  first ``body_rate_grace`` seconds of waiting are free, and at most that much
  is banked by a fast start (a token bucket): the rate holds over a window of
  that length. Past it, the read fails with a 408.

The common request costs nothing here: the head timer is armed when a
connection is made and when a head is left partial in the parser, never per
request, and it checks lazily when it fires whether it still applies.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Final

from aiostrata.http_parser import BodyReadTimeout, HttpProcessingError

__all__ = ("BodyRate", "HeadTimer", "RequestHeadTimeout", "TimeBoundsConfig")

_NEVER: Final = float("inf")


class RequestHeadTimeout(HttpProcessingError):
    """The request head did not arrive whole within its time bound (408)."""

    code = 408
    message = "Request Timeout"


class TimeBoundsConfig:
    """The connection's time bounds, checked once when the server is set up."""

    __slots__ = (
        "body_min_rate",
        "body_rate_grace",
        "header_min_rate",
        "header_timeout",
        "header_timeout_max",
        "initial_idle_timeout",
    )

    def __init__(
        self,
        *,
        header_timeout: float | None,
        header_timeout_max: float,
        header_min_rate: float,
        initial_idle_timeout: float | None,
        body_min_rate: float | None,
        body_rate_grace: float,
    ) -> None:
        for name, value in (
            ("header_timeout", header_timeout),
            ("initial_idle_timeout", initial_idle_timeout),
            ("body_min_rate", body_min_rate),
        ):
            if value is not None and value <= 0:
                raise ValueError(f"{name} must be positive, or None to disable it")
        if header_timeout is not None and header_timeout_max < header_timeout:
            raise ValueError("header_timeout_max must be at least header_timeout")
        if header_min_rate < 0 or body_rate_grace < 0:
            raise ValueError("header_min_rate and body_rate_grace must not be negative")
        self.header_timeout = header_timeout
        self.header_timeout_max = header_timeout_max
        self.header_min_rate = header_min_rate
        self.initial_idle_timeout = initial_idle_timeout
        self.body_min_rate = body_min_rate
        self.body_rate_grace = body_rate_grace

    @classmethod
    @functools.lru_cache(maxsize=16)
    def shared(
        cls,
        header_timeout: float | None,
        header_timeout_max: float,
        header_min_rate: float,
        initial_idle_timeout: float | None,
        body_min_rate: float | None,
        body_rate_grace: float,
    ) -> TimeBoundsConfig:
        """One checked value per configuration: connections of a server share it (never mutated)."""
        return cls(
            header_timeout=header_timeout,
            header_timeout_max=header_timeout_max,
            header_min_rate=header_min_rate,
            initial_idle_timeout=initial_idle_timeout,
            body_min_rate=body_min_rate,
            body_rate_grace=body_rate_grace,
        )

    def body_rate(self, loop: asyncio.AbstractEventLoop) -> BodyRate | None:
        """A fresh bound for one request body, or None when the rate is not bounded."""
        if self.body_min_rate is None:
            return None
        return BodyRate(loop, self.body_min_rate, self.body_rate_grace)


class BodyRate:
    """A minimum body data rate over the time a reader waits (``http_parser.ReadPace``).

    A token bucket counted in seconds of waiting: it starts full at ``grace``;
    waiting drains it, each byte received adds ``1 / min_rate`` seconds, and it
    never holds more than ``grace``. A wait may last as long as the bucket holds.
    """

    __slots__ = ("_budget", "_grace", "_loop", "_min_rate", "_wait_start")

    def __init__(self, loop: asyncio.AbstractEventLoop, min_rate: float, grace: float) -> None:
        self._loop = loop
        self._min_rate = min_rate
        self._grace = grace
        self._budget = grace
        self._wait_start: float | None = None

    def received(self, size: int) -> None:
        self._settle()
        self._budget = min(self._grace, self._budget + size / self._min_rate)

    def wait_started(self) -> float | None:
        self._wait_start = self._loop.time()
        return max(self._budget, 0.0)

    def wait_ended(self) -> None:
        self._settle()
        self._wait_start = None

    def too_slow(self) -> HttpProcessingError:
        return BodyReadTimeout(f"Request body slower than {self._min_rate:g} bytes/s", code=408)

    def _settle(self) -> None:
        """Charge the wait in progress up to now."""
        start = self._wait_start
        if start is not None:
            now = self._loop.time()
            self._budget -= now - start
            self._wait_start = now


class HeadTimer:
    """The one timer of a connection that waits for a request head (see the module).

    Armed by :meth:`connection_started` and by :meth:`observe` when a head is
    left partial; when it fires it works out whether its bound still applies and
    re-arms itself if the bound was extended meanwhile, so arriving bytes cost
    arithmetic, not timer handles.

    ``served_any`` says whether a request went by without :meth:`observe` (the
    connection's fast lane, which serves a whole head at once); ``head_pending``
    whether part of a head is buffered. ``on_idle`` closes silently;
    ``on_expired`` answers 408 and closes.
    """

    __slots__ = (
        "_config",
        "_connected_at",
        "_extension",
        "_first",
        "_handle",
        "_head_pending",
        "_loop",
        "_on_expired",
        "_on_idle",
        "_served_any",
        "_started",
    )

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        config: TimeBoundsConfig,
        *,
        head_pending: Callable[[], bool],
        served_any: Callable[[], bool],
        on_idle: Callable[[], None],
        on_expired: Callable[[], None],
    ) -> None:
        self._loop = loop
        self._config = config
        self._head_pending = head_pending
        self._served_any = served_any
        self._on_idle = on_idle
        self._on_expired = on_expired
        self._handle: asyncio.TimerHandle | None = None
        self._first = False  # nothing received yet on this connection
        self._connected_at = 0.0
        self._started: float | None = None  # when the head being waited for began
        self._extension = 0.0  # seconds added by the bytes of that head

    def connection_started(self) -> None:
        """The connection is made: its first head is timed from now."""
        config = self._config
        if config.initial_idle_timeout is None and config.header_timeout is None:
            return
        self._first = True
        self._connected_at = self._started = self._loop.time()
        self._extension = 0.0
        self._arm(self._deadline())

    def observe(self, size: int) -> None:
        """``size`` bytes were parsed outside the fast lane: start, extend or stop the clock."""
        if self._first:
            self._first = False
            if self._served_any():
                self._started = None  # the first head went by; this one is new
        if not self._head_pending():
            self._started = None  # no head waited for (the timer, if armed, sees it)
            return
        if self._config.header_timeout is None:
            return
        if self._started is None:
            self._started = self._loop.time()
            self._extension = 0.0
        elif self._config.header_min_rate:
            self._extension += size / self._config.header_min_rate
        if self._handle is None:
            self._arm(self._deadline())

    def stop(self) -> None:
        """The connection is gone."""
        self._first = False
        self._started = None
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _deadline(self) -> float:
        config = self._config
        deadline = _NEVER
        if self._first and config.initial_idle_timeout is not None:
            deadline = self._connected_at + config.initial_idle_timeout
        if self._started is not None and config.header_timeout is not None:
            allowed = min(config.header_timeout + self._extension, config.header_timeout_max)
            deadline = min(deadline, self._started + allowed)
        return deadline

    def _arm(self, deadline: float) -> None:
        if deadline != _NEVER:
            self._handle = self._loop.call_at(deadline, self._fired)

    def _fired(self) -> None:
        self._handle = None
        if self._first and self._served_any():
            self._first = False  # a request went by the fast lane: keep-alive's turn
            self._started = None
        if not self._first and (self._started is None or not self._head_pending()):
            self._started = None
            return
        deadline = self._deadline()
        if self._loop.time() < deadline:
            self._arm(deadline)
            return
        silent = self._first  # nothing at all was received
        self.stop()
        if silent:
            self._on_idle()
        else:
            self._on_expired()

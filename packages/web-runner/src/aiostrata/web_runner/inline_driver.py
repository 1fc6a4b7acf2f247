"""Run a request's coroutine straight from ``data_received``, a task only once it waits.

Most handlers answer without ever waiting for I/O. Waking the connection's task
through a future for each such request costs a loop iteration, a handle and a
task step, several times what the handler itself costs. So the connection
drives the coroutine itself with ``coro.send(None)``:

- when it finishes at once, that was the whole request: no task was woken;
- when it yields (it waits for a future, or sleeps), :func:`resume` hands the
  half-run coroutine to the connection's task, which drives it from then on.

Two things make this indistinguishable from running inside a task, for the
handler:

- While it runs inline, the connection's task is entered as the loop's current
  task (``asyncio.current_task()``), so ``asyncio.timeout()``,
  ``async_timeout`` and ``request.task`` see the same task that drives the
  coroutine once it waits, and a cancellation aimed at it reaches the handler.
- Each request runs in its own copy of the connection's ``contextvars``
  context, inline and once resumed alike, as a task per request would.

Entering a task is done with ``asyncio.tasks._enter_task``, the hook asyncio's
own eager tasks use; where it is missing (another event loop implementation
of ``asyncio``), :data:`INLINE_AVAILABLE` is False and requests are served by
the task alone, as before.
"""

from __future__ import annotations

import asyncio
import contextvars
import types
from collections.abc import Callable, Coroutine, Generator
from typing import Any, Final, TypeVar

__all__ = ("INLINE_AVAILABLE", "NOT_STARTED", "Suspended", "resume", "start_inline")

_T = TypeVar("_T")

_enter: Callable[[asyncio.AbstractEventLoop, asyncio.Task[Any]], None] | None
_leave: Callable[[asyncio.AbstractEventLoop, asyncio.Task[Any]], None] | None
_enter = getattr(asyncio.tasks, "_enter_task", None)
_leave = getattr(asyncio.tasks, "_leave_task", None)
INLINE_AVAILABLE: Final = _enter is not None and _leave is not None
NOT_STARTED: Final = object()
"""``Suspended.yielded`` of a coroutine never run: :func:`resume` starts it."""


class Suspended:
    """A coroutine that yielded while run inline, with what it yielded and its context."""

    __slots__ = ("context", "coro", "yielded")

    def __init__(
        self, coro: Coroutine[Any, Any, Any], yielded: object, context: contextvars.Context
    ) -> None:
        self.coro = coro
        self.yielded = yielded
        self.context = context


def start_inline(
    coro: Coroutine[Any, Any, _T],
    loop: asyncio.AbstractEventLoop,
    task: asyncio.Task[Any],
    context: contextvars.Context,
) -> _T | Suspended:
    """Run ``coro`` until it finishes or first yields, as if inside ``task``.

    Returns what it returned when it finished, a :class:`Suspended` when it
    yielded; an exception it raises propagates. The caller must make sure that
    ``task`` is parked (waiting on a future of its own). When another task is
    running (a test calling ``data_received`` from a coroutine), ``coro`` is not
    started: the :class:`Suspended` returned has ``yielded`` :data:`NOT_STARTED`,
    and :func:`resume` runs it from the start in ``task``.
    """
    enter, leave = _enter, _leave
    if enter is None or leave is None:
        raise RuntimeError("inline serving is not available on this Python")
    try:
        enter(loop, task)
    except RuntimeError:  # another task is the current one
        return Suspended(coro, NOT_STARTED, context)
    try:
        yielded = context.run(coro.send, None)
    except StopIteration as stop:
        result: _T = stop.value
        return result
    finally:
        leave(loop, task)
    return Suspended(coro, yielded, context)


@types.coroutine
def resume(suspended: Suspended, thrown: BaseException | None = None) -> Generator[Any, Any, Any]:
    """Go on driving a coroutine :func:`start_inline` left suspended, in the current task.

    Awaited by the connection's task, this passes every value the coroutine
    yields up to the task (the future it waits on) and everything the task
    sends or throws (results, cancellation) down to it, inside the request's
    context: the task behaves as if it had run the coroutine from the start.
    ``thrown`` is an exception that reached the task before it could resume
    (a cancellation): it is thrown into the coroutine first.
    """
    coro, context = suspended.coro, suspended.context
    send, throw = coro.send, coro.throw
    try:
        if thrown is not None:
            yielded = context.run(throw, thrown)
        elif suspended.yielded is NOT_STARTED:
            yielded = context.run(send, None)
        else:
            yielded = suspended.yielded
    except StopIteration as stop:
        return stop.value
    while True:
        try:
            value = yield yielded
        except GeneratorExit:
            coro.close()
            raise
        except BaseException as exc:  # noqa: BLE001 - everything thrown in belongs to coro
            try:
                yielded = context.run(throw, exc)
            except StopIteration as stop:
                return stop.value
        else:
            try:
                yielded = context.run(send, value)
            except StopIteration as stop:
                return stop.value

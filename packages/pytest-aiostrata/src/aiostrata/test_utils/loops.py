"""Event loops and ports for tests that manage their own loop (unittest, plain functions)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import socket
from collections.abc import Callable, Iterator

__all__ = ("loop_context", "setup_test_loop", "teardown_test_loop", "unused_port")

LoopFactory = Callable[[], asyncio.AbstractEventLoop]


def unused_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago.

    Another process may take it before the test binds it; a test server given ``port=None``
    binds a free port itself, without that race.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def setup_test_loop(
    loop_factory: LoopFactory = asyncio.new_event_loop,
) -> asyncio.AbstractEventLoop:
    """A new event loop, made the current one; undo with :func:`teardown_test_loop`."""
    loop = loop_factory()
    asyncio.set_event_loop(loop)
    return loop


def teardown_test_loop(loop: asyncio.AbstractEventLoop, fast: bool = False) -> None:
    """Run what is ready, close the loop, and clear the current loop.

    Unless ``fast``, collect garbage too, so that a leaked transport or task warns inside the
    test that leaked it rather than in a later one.
    """
    if not loop.is_closed():
        loop.call_soon(loop.stop)
        loop.run_forever()
        loop.close()
    if not fast:
        gc.collect()
    asyncio.set_event_loop(None)


@contextlib.contextmanager
def loop_context(
    loop_factory: LoopFactory = asyncio.new_event_loop, fast: bool = False
) -> Iterator[asyncio.AbstractEventLoop]:
    """``with loop_context() as loop:`` a fresh current loop, torn down on the way out."""
    loop = setup_test_loop(loop_factory)
    try:
        yield loop
    finally:
        teardown_test_loop(loop, fast=fast)

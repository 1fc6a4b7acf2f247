"""on_startup, on_shutdown, on_cleanup and cleanup_ctx, in order, sub-applications included."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest

from aiostrata.web_app import Application, CleanupError


async def test_signals_and_cleanup_ctx_run_in_order() -> None:
    events: list[str] = []
    app = Application()
    sub = Application()

    async def ctx(app: Application) -> AsyncIterator[None]:
        events.append("ctx up")
        yield
        events.append("ctx down")

    async def startup(app: Application) -> None:
        events.append("startup")

    async def shutdown(app: Application) -> None:
        events.append("shutdown")

    async def cleanup(app: Application) -> None:
        events.append("cleanup")

    async def sub_startup(app: Application) -> None:
        events.append("sub startup")

    app.cleanup_ctx.append(ctx)
    app.on_startup.append(startup)
    app.on_shutdown.append(shutdown)
    app.on_cleanup.append(cleanup)
    sub.on_startup.append(sub_startup)
    app.add_subapp("/sub", sub)
    app.freeze()
    await app.startup()
    await app.shutdown()
    await app.cleanup()
    assert events == ["ctx up", "startup", "sub startup", "shutdown", "ctx down", "cleanup"]


async def test_every_cleanup_context_is_undone_even_if_one_fails() -> None:
    undone: list[str] = []
    app = Application()

    async def broken(app: Application) -> AsyncIterator[None]:
        yield
        raise RuntimeError("broken teardown")

    async def fine(app: Application) -> AsyncIterator[None]:
        yield
        undone.append("fine")

    app.cleanup_ctx.append(fine)
    app.cleanup_ctx.append(broken)
    app.freeze()
    await app.startup()
    with pytest.raises(RuntimeError, match="broken teardown"):
        await app.cleanup()
    assert undone == ["fine"]


async def test_signals_are_frozen_with_the_application() -> None:
    app = Application()
    app.freeze()

    async def late(app: Application) -> None:
        return None

    with pytest.raises(RuntimeError):
        app.on_startup.append(late)
    with pytest.raises(RuntimeError):
        app.cleanup_ctx.append(late)  # type: ignore[arg-type]


async def test_a_cancelled_teardown_does_not_skip_the_others() -> None:
    undone: list[str] = []
    app = Application()

    async def cancelled(app: Application) -> AsyncIterator[None]:
        yield
        raise asyncio.CancelledError

    async def fine(app: Application) -> AsyncIterator[None]:
        yield
        undone.append("fine")

    app.cleanup_ctx.append(fine)
    app.cleanup_ctx.append(cancelled)
    app.freeze()
    await app.startup()
    with pytest.raises(asyncio.CancelledError):
        await app.cleanup()
    assert undone == ["fine"]


async def test_several_failing_teardowns_raise_cleanup_error_with_all_of_them() -> None:
    app = Application()

    def failing(message: str) -> Callable[[Application], AsyncIterator[None]]:
        async def context(app: Application) -> AsyncIterator[None]:
            yield
            raise ValueError(message)

        return context

    app.cleanup_ctx.append(failing("first up"))
    app.cleanup_ctx.append(failing("second up"))
    app.freeze()
    await app.startup()
    with pytest.raises(CleanupError, match="Multiple errors on cleanup stage") as caught:
        await app.cleanup()
    assert isinstance(caught.value, RuntimeError)
    # Undone in reverse order of startup, every failure kept.
    assert [str(exc) for exc in caught.value.exceptions] == ["second up", "first up"]

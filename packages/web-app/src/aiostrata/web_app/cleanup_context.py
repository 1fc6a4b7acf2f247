"""``app.cleanup_ctx``: async generators that set up on startup and tear down on cleanup."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING, Any, SupportsIndex

if TYPE_CHECKING:
    from .application import Application

__all__ = ("CleanupContext", "CleanupError")

CleanupContextFactory = Callable[["Application"], AsyncIterator[None]]


class CleanupError(RuntimeError):
    """Several ``cleanup_ctx`` teardowns failed; ``exceptions`` lists them all (aiohttp's name).

    Raised as ``CleanupError(message, exceptions)``: a single failure is re-raised
    as it is, so this is only seen when there is more than one.
    """

    @property
    def exceptions(self) -> list[BaseException]:
        """The failures, in the order the teardowns ran (the reverse of startup)."""
        failures: list[BaseException] = self.args[1]
        return failures


class CleanupContext(list[CleanupContextFactory]):
    """A list of context factories, frozen with the application.

    Each factory runs up to its ``yield`` on startup; on cleanup the ones that
    started are resumed in reverse order, and every failure is collected so
    that one broken teardown does not skip the others.
    """

    def __init__(self) -> None:
        super().__init__()
        self._frozen = False
        self._exits: list[AbstractAsyncContextManager[None]] = []

    @property
    def frozen(self) -> bool:
        return self._frozen

    def freeze(self) -> None:
        self._frozen = True

    def _check(self) -> None:
        if self._frozen:
            raise RuntimeError("Cannot modify frozen list.")

    def append(self, item: CleanupContextFactory) -> None:
        self._check()
        super().append(item)

    def insert(self, index: SupportsIndex, item: CleanupContextFactory) -> None:
        self._check()
        super().insert(index, item)

    def extend(self, items: Any) -> None:
        self._check()
        super().extend(items)

    def __setitem__(self, index: Any, value: Any) -> None:
        self._check()
        super().__setitem__(index, value)

    def __delitem__(self, index: Any) -> None:
        self._check()
        super().__delitem__(index)

    def __iadd__(self, items: Any) -> CleanupContext:  # type: ignore[override,misc]
        self._check()
        super().__iadd__(items)
        return self

    def remove(self, item: CleanupContextFactory) -> None:
        self._check()
        super().remove(item)

    def pop(self, index: SupportsIndex = -1) -> CleanupContextFactory:
        self._check()
        return super().pop(index)

    def clear(self) -> None:
        self._check()
        super().clear()

    async def _on_startup(self, app: Application) -> None:
        for factory in self:
            context = asynccontextmanager(factory)(app)
            await context.__aenter__()
            self._exits.append(context)

    async def _on_cleanup(self, app: Application) -> None:
        errors: list[BaseException] = []
        for context in reversed(self._exits):
            try:
                await context.__aexit__(None, None, None)
            # A teardown cancelled midway must not skip the ones after it.
            except (Exception, asyncio.CancelledError) as exc:  # noqa: BLE001 - re-raised below
                errors.append(exc)
        self._exits.clear()
        if len(errors) == 1:
            raise errors[0]
        if errors:
            raise CleanupError("Multiple errors on cleanup stage", errors)

"""run_app in debug mode makes the default access log visible, and leaves other loggers alone."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import pytest

from aiostrata.web_app import Application
from aiostrata.web_runner import GracefulExit, run_app

_Saved = tuple[logging.Logger, int, list[logging.Handler], bool]


@pytest.fixture
def restored() -> Iterator[list[_Saved]]:
    """Loggers whose level, handlers and propagation are put back after the test."""
    saved: list[_Saved] = []
    yield saved
    for logger, level, handlers, propagate in saved:
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate = propagate


def _isolated(name: str, saved: list[_Saved]) -> logging.Logger:
    logger = logging.getLogger(name)
    saved.append((logger, logger.level, list(logger.handlers), logger.propagate))
    logger.handlers.clear()
    logger.setLevel(logging.NOTSET)
    logger.propagate = False  # hasHandlers() must not see pytest's handlers on the root
    return logger


def _run_in_debug(access_log: logging.Logger | None = None) -> None:
    async def stop_at_once(app: Application) -> None:
        raise GracefulExit

    app = Application()
    app.on_startup.append(stop_at_once)
    loop = asyncio.new_event_loop()
    loop.set_debug(True)
    kwargs = {} if access_log is None else {"access_log": access_log}
    run_app(app, host="127.0.0.1", port=0, print=None, loop=loop, **kwargs)  # type: ignore[arg-type]


def test_the_default_access_log_gets_a_level_and_a_handler(
    restored: list[_Saved],
) -> None:
    default = _isolated("aiohttp.access", restored)
    _run_in_debug()
    assert default.level == logging.DEBUG
    assert len(default.handlers) == 1


def test_a_level_set_by_the_user_is_kept_and_the_handler_still_added(
    restored: list[_Saved],
) -> None:
    default = _isolated("aiohttp.access", restored)
    default.setLevel(logging.WARNING)
    _run_in_debug()
    assert default.level == logging.WARNING
    assert len(default.handlers) == 1


def test_a_handler_set_by_the_user_is_kept_and_the_level_still_set(
    restored: list[_Saved],
) -> None:
    default = _isolated("aiohttp.access", restored)
    mine = logging.NullHandler()
    default.addHandler(mine)
    _run_in_debug()
    assert default.level == logging.DEBUG
    assert default.handlers == [mine]


def test_an_access_log_passed_in_is_left_as_the_application_configured_it(
    restored: list[_Saved],
) -> None:
    custom = _isolated("myapp.access", restored)
    _run_in_debug(custom)
    assert custom.level == logging.NOTSET
    assert custom.handlers == []

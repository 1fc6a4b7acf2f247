"""Typed keys for an application's heterogeneous state."""

from __future__ import annotations

from typing import TypeVar, final

from aiostrata.web_response import StateKey

_T = TypeVar("_T")


@final
class AppKey(StateKey[_T]):
    """A key for ``app[key]`` that carries the type of its value for type checkers.

    ``AppKey("db", Engine)`` avoids the silent collisions of string keys
    between libraries, and lets mypy know that ``app[db_key]`` is an Engine.
    """

    __slots__ = ()

"""Typed keys for an application's heterogeneous state."""

from __future__ import annotations

import sys
from typing import Any, Generic, TypeVar, final

_T = TypeVar("_T")


@final
class AppKey(Generic[_T]):
    """A key for ``app[key]`` that carries the type of its value for type checkers.

    ``AppKey("db", Engine)`` avoids the silent collisions of string keys
    between libraries, and lets mypy know that ``app[db_key]`` is an Engine.
    """

    __slots__ = ("__name__", "_t")
    __orig_class__: type[object]

    def __init__(self, name: str, t: type[_T] | None = None) -> None:
        # The module that created the key, for a repr that says where it came from.
        frame = sys._getframe(1)
        module: str = frame.f_globals.get("__name__", "")
        self.__name__ = f"{module}.{name}" if module and module != "__main__" else name
        self._t = t

    def __lt__(self, other: object) -> bool:
        if isinstance(other, AppKey):
            return self.__name__ < other.__name__
        return True  # order AppKeys before str keys

    def __repr__(self) -> str:
        t: Any = self._t
        if t is None:
            try:
                t = self.__orig_class__.__args__[0]  # type: ignore[attr-defined]
            except AttributeError:
                t = None
        if t is None:
            type_name = "<<Unknown>>"
        elif isinstance(t, type):
            type_name = (
                t.__qualname__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"
            )
        else:
            type_name = repr(t)
        return f"<AppKey({self.__name__}, type={type_name})>"

"""Typed keys for the state mappings of applications, requests and responses.

``app[key]``, ``request[key]`` and ``response[key]`` take string keys, which
collide silently between libraries and tell a type checker nothing. A key
object names its value's type instead: ``db = AppKey("db", Engine)`` makes
``app[db]`` an ``Engine`` to mypy. :class:`StateKey` is what the three kinds
share (ordering, repr); ``AppKey`` (web_app) and ``RequestKey`` (web_request)
subclass it like :class:`ResponseKey` does here.
"""

from __future__ import annotations

import sys
from typing import Any, Generic, TypeVar

__all__ = ("ResponseKey", "StateKey")

_T = TypeVar("_T")
# Frames of these modules sit between the caller and __init__ for ``AppKey[int]("x")``.
_GENERIC_ALIAS_MODULES = frozenset({"typing", "typing_extensions"})


class StateKey(Generic[_T]):
    """A named key whose value type is known to type checkers (aiohttp's ``BaseKey``).

    Keys sort before string keys and by name among themselves, so ``sorted(app)``
    works on a mapping that mixes both.
    """

    __slots__ = ("__name__", "__orig_class__", "_t")
    # Set by ``typing`` when the key is made as ``AppKey[int]("name")``.
    __orig_class__: type[object]

    def __init__(self, name: str, t: type[_T] | None = None) -> None:
        # Prefix the module that made the key, so that its repr says where it came from.
        frame = sys._getframe(1)
        while frame.f_globals.get("__name__") in _GENERIC_ALIAS_MODULES and frame.f_back:
            frame = frame.f_back
        module: str = frame.f_globals.get("__name__", "")
        self.__name__ = f"{module}.{name}" if module else name
        self._t = t

    def __lt__(self, other: object) -> bool:
        if isinstance(other, StateKey):
            return self.__name__ < other.__name__
        return True  # keys order before string keys

    def __gt__(self, other: object) -> bool:
        if isinstance(other, StateKey):
            return self.__name__ > other.__name__
        return False  # ``"a" < key`` falls back here: a string never orders first

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
        return f"<{type(self).__name__}({self.__name__}, type={type_name})>"


class ResponseKey(StateKey[_T]):
    """A typed key for ``response[key]`` (aiohttp 3.14's ``web.ResponseKey``)."""

    __slots__ = ()

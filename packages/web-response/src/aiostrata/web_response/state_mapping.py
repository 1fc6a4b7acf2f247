"""The state mapping that applications, requests and responses share: ``obj[key] = value``.

aiohttp lets middlewares and handlers keep state on the application, on each
request and on each response, keyed by strings or typed keys. The three
behave alike: a dict of state behind the ``MutableMapping`` methods, typed
keys whose value type reaches mypy, identity equality (two requests with the
same state are still two requests) and truthiness that does not depend on the
state being empty. This module is that behaviour, written once; it sits in
web-response because that is the lowest package all three classes import.

Item access stays a plain dict operation: the only extra step is a ``None``
check, because a response creates its dict on the first write (most responses
never hold state). A class that must vet writes (an application warns on
string keys and on changes after it started) sets :attr:`StateMapping._guards_state`
and overrides :meth:`StateMapping._check_state_write`; the others pay nothing
for it.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any, ClassVar, TypeVar, overload

from .state_keys import StateKey

__all__ = ("StateDict", "StateMapping")

_T = TypeVar("_T")
_D = TypeVar("_D")

StateDict = dict[str | StateKey[Any], Any]
"""The dict behind a state mapping."""


class StateMapping(MutableMapping[str | StateKey[Any], Any]):
    """A ``MutableMapping`` over ``self._state``, with typed keys and identity equality.

    Subclasses set ``_state`` to a dict in ``__init__``, or leave it ``None`` to
    have it created by the first write. ``key: StateKey[T]`` reads as ``T``.
    """

    __slots__ = ()
    _state: StateDict | None = None
    # True in classes whose writes go through _check_state_write (Application).
    _guards_state: ClassVar[bool] = False

    def _check_state_write(self, key: str | StateKey[Any], *, deleting: bool) -> None:
        """Vet a write or a delete of ``key`` before it happens (only with ``_guards_state``)."""

    @overload
    def __getitem__(self, key: StateKey[_T]) -> _T: ...

    @overload
    def __getitem__(self, key: str) -> Any: ...

    def __getitem__(self, key: str | StateKey[Any]) -> Any:
        state = self._state
        if state is None:
            raise KeyError(key)
        return state[key]

    @overload
    def __setitem__(self, key: StateKey[_T], value: _T) -> None: ...

    @overload
    def __setitem__(self, key: str, value: Any) -> None: ...

    def __setitem__(self, key: str | StateKey[Any], value: Any) -> None:
        if self._guards_state:
            self._check_state_write(key, deleting=False)
        state = self._state
        if state is None:
            state = self._state = {}
        state[key] = value

    def __delitem__(self, key: str | StateKey[Any]) -> None:
        if self._guards_state:
            self._check_state_write(key, deleting=True)
        state = self._state
        if state is None:
            raise KeyError(key)
        del state[key]

    def __len__(self) -> int:
        state = self._state
        return 0 if state is None else len(state)

    def __iter__(self) -> Iterator[str | StateKey[Any]]:
        state = self._state
        return iter(() if state is None else state)

    def __contains__(self, key: object) -> bool:
        state = self._state
        return state is not None and key in state

    @overload  # type: ignore[override]
    def get(self, key: StateKey[_T], default: None = ...) -> _T | None: ...

    @overload
    def get(self, key: StateKey[_T], default: _D) -> _T | _D: ...

    @overload
    def get(self, key: str, default: Any = ...) -> Any: ...

    def get(self, key: str | StateKey[Any], default: Any = None) -> Any:
        state = self._state
        return default if state is None else state.get(key, default)

    # Identity, not contents: each application, request and response is one thing.
    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)

    def __bool__(self) -> bool:
        return True

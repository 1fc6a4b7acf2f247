"""A read-only view over a chain of mappings: ``request.config_dict``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar, final, overload

from aiostrata.web_response import StateKey

_T = TypeVar("_T")
_D = TypeVar("_D")


@final
class ChainMapProxy(Mapping[Any, Any]):
    """Looks a key up in each mapping in turn, the innermost application first.

    Read-only by design: configuration belongs to the application that set
    it, and a handler must not change a parent's state through its child.
    """

    __slots__ = ("_maps",)

    def __init__(self, maps: Iterable[Mapping[Any, Any]]) -> None:
        self._maps = tuple(maps)

    def __init_subclass__(cls) -> None:
        raise TypeError(f"Inheritance class {cls.__name__} from ChainMapProxy is forbidden")

    @overload
    def __getitem__(self, key: StateKey[_T]) -> _T: ...

    @overload
    def __getitem__(self, key: Any) -> Any: ...

    def __getitem__(self, key: Any) -> Any:
        for mapping in self._maps:
            try:
                return mapping[key]
            except KeyError:
                pass
        raise KeyError(key)

    @overload
    def get(self, key: StateKey[_T], /) -> _T | None: ...

    @overload
    def get(self, key: StateKey[_T], /, default: _D) -> _T | _D: ...

    @overload
    def get(self, key: Any, /) -> Any: ...

    @overload
    def get(self, key: Any, /, default: _T) -> Any | _T: ...

    def get(self, key: Any, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __len__(self) -> int:
        return len(set().union(*self._maps))

    def __iter__(self) -> Iterator[Any]:
        seen: dict[Any, None] = {}
        for mapping in reversed(self._maps):
            seen.update(dict.fromkeys(mapping))
        return iter(seen)

    def __contains__(self, key: object) -> bool:
        return any(key in mapping for mapping in self._maps)

    def __bool__(self) -> bool:
        return any(self._maps)

    def __repr__(self) -> str:
        return f"ChainMapProxy({', '.join(map(repr, self._maps))})"

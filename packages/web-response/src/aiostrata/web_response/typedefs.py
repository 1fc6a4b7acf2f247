"""Type aliases shared by the response modules."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeAlias

from multidict import CIMultiDict, CIMultiDictProxy, istr

__all__ = ("LooseHeaders",)

# Whatever CIMultiDict() accepts: what aiohttp calls LooseHeaders.
LooseHeaders: TypeAlias = (
    Mapping[str, str]
    | Mapping[istr, str]
    | CIMultiDict[str]
    | CIMultiDictProxy[str]
    | Iterable[tuple[str | istr, str]]
)

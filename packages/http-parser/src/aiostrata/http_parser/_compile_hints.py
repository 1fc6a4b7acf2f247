"""``mypyc_attr`` for classes of the compiled modules (see :mod:`.compiled`).

mypyc reads it when it compiles a class; at run time it changes nothing. The pure
install does not need ``mypy_extensions``, which provides it, so a stand-in that
returns the class unchanged takes its place where it is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

__all__ = ("mypyc_attr",)

_T = TypeVar("_T")

try:
    from mypy_extensions import mypyc_attr
except ImportError:  # the usual, pure-Python install

    def mypyc_attr(*attrs: str, **kwattrs: object) -> Callable[[_T], _T]:
        """Return the class unchanged (mypyc is not involved)."""
        return lambda cls: cls

"""The cookie jar of a response: a ``SimpleCookie`` that also knows ``Partitioned``.

Each morsel becomes one ``Set-Cookie`` field (RFC 6265 4.1: never folded into
one line). Python before 3.14 has no ``partitioned`` attribute; rather than
patch the standard library's ``Morsel`` class for every user, the jar here makes
its own morsels that accept it.

Imported with the first response that sets a cookie (``StreamResponse.cookies``),
not with the package: ``http.cookies`` compiles several patterns when imported.
"""

from __future__ import annotations

from http.cookies import Morsel, SimpleCookie
from typing import ClassVar

__all__ = ("ResponseCookies",)


class _Morsel(Morsel[str]):
    """A morsel that also accepts the ``partitioned`` flag (CHIPS)."""

    _reserved: ClassVar[dict[str, str]] = {
        **Morsel._reserved,  # type: ignore[attr-defined]
        "partitioned": "Partitioned",
    }
    _flags: ClassVar[set[str]] = {
        *Morsel._flags,  # type: ignore[attr-defined]
        "partitioned",
    }


class ResponseCookies(SimpleCookie):
    """The ``cookies`` jar of a response; its morsels accept ``partitioned``."""

    # BaseCookie creates every morsel in this one (name-mangled) method.
    def _BaseCookie__set(self, key: str, real_value: str, coded_value: str) -> None:  # noqa: N802
        morsel = self.get(key)
        if morsel is None:
            morsel = _Morsel()
        morsel.set(key, real_value, coded_value)
        dict.__setitem__(self, key, morsel)

"""Finding the ``module:function`` an application is served from, for the command line.

Shared by ``python -m aiostrata.web`` and the worker process of ``--reload``, so that both
refuse a bad entry point with the same words.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

__all__ = ("FactoryError", "check_entry_syntax", "load_factory")


class FactoryError(Exception):
    """The entry point cannot be used; the message says why, for the command line to print."""


def check_entry_syntax(entry: str) -> tuple[str, str]:
    """Split ``module:function``, refusing what cannot name one (without importing anything)."""
    module_name, _, func_name = entry.partition(":")
    if not func_name or not module_name:
        raise FactoryError("'entry-func' not in 'module:function' syntax")
    if module_name.startswith("."):
        raise FactoryError("relative module names not supported")
    return module_name, func_name


def load_factory(entry: str) -> Callable[..., Any]:
    """Import the module of ``module:function`` and return the function."""
    module_name, func_name = check_entry_syntax(entry)
    try:
        module = import_module(module_name)
    except ImportError as exc:
        raise FactoryError(f"unable to import {module_name}: {exc}") from exc
    try:
        func: Callable[..., Any] = getattr(module, func_name)
    except AttributeError:
        raise FactoryError(f"module {module_name!r} has no attribute {func_name!r}") from None
    return func

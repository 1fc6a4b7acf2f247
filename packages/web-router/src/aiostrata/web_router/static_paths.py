"""From a requested file name to a path inside a static root, or a refusal.

Immune by construction rather than by clean-up: a name is split into segments
and refused outright if any segment could change directory (``..``), if it is
absolute (``/etc/passwd``, ``//server/share``), carries a backslash, a drive
letter or a NUL byte, before the file system is touched. Only then is the path
resolved and checked against the root:

- ``follow_symlinks=False`` (the default): the *resolved* path, with every
  symlink followed, must lie inside the root. Symlinks that stay inside are fine.
- ``follow_symlinks=True``: as documented by aiohttp, symlinks inside the root
  may lead anywhere; the name itself still cannot climb out, since ``..`` is
  refused before any resolution (GHSA-5h86-8mv2-jq9f's class).

Every refusal is the same :class:`StaticPathRefused` (404), raised before or
without regard to what exists outside the root, so an answer never tells
whether a path outside exists (GHSA-54jq-c3m8-4m76's class).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar, Final

__all__ = ("StaticPathRefused", "resolve_static_path", "safe_segments")

# "C:" or "c:anything" as a first segment: a Windows drive, meaningless but refused here.
_DRIVE: Final = re.compile(r"[A-Za-z]:")


class StaticPathRefused(ValueError):
    """The requested name is unsafe or leads outside the root: answered 404."""

    status: ClassVar[int] = 404


def safe_segments(filename: str) -> tuple[str, ...]:
    """The path segments of *filename* (already percent-decoded), or a refusal.

    Empty segments (``a//b``, a trailing ``/``) and ``.`` are dropped; they name
    the same place. ``..`` anywhere, a leading ``/``, ``\\``, NUL and a drive
    letter are refused.
    """
    if "\x00" in filename or "\\" in filename:
        raise StaticPathRefused("NUL or backslash in a static file name")
    if filename.startswith("/"):
        # Absolute, or "//server/share": joining it to the root would drop the root.
        raise StaticPathRefused("absolute static file name")
    segments = tuple(part for part in filename.split("/") if part not in ("", "."))
    if ".." in segments:
        raise StaticPathRefused("'..' in a static file name")
    if segments and _DRIVE.match(segments[0]):
        raise StaticPathRefused("drive letter in a static file name")
    return segments


def resolve_static_path(root: Path, filename: str, *, follow_symlinks: bool) -> Path:
    """The real path to serve for *filename* under *root* (itself already resolved).

    Raises :class:`StaticPathRefused` for unsafe names, for paths resolving outside
    the root (unless *follow_symlinks*), and for symlink loops. A missing file inside
    the root is returned as is; opening it later answers 404.
    """
    candidate = root.joinpath(*safe_segments(filename))
    try:
        resolved = candidate.resolve()
    except (OSError, RuntimeError, ValueError) as exc:
        # A symlink loop (RuntimeError before Python 3.13, OSError after).
        raise StaticPathRefused("static path cannot be resolved") from exc
    # Python 3.13's non-strict resolve() returns a looping link as is, raising nothing:
    # a fully resolved path that is still a link can only be part of a loop.
    try:
        looping = resolved.is_symlink()
    except OSError:  # ENAMETOOLONG and the like: the caller answers those with a 404
        looping = False
    if looping:
        raise StaticPathRefused("static path is a symlink loop")
    if follow_symlinks:
        # The name was checked to stay inside lexically; where symlinks lead is allowed.
        return resolved
    if resolved != root and not resolved.is_relative_to(root):
        raise StaticPathRefused("static path resolves outside the root")
    return resolved

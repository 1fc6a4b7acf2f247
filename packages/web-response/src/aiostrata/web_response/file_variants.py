"""Opening the file a ``FileResponse`` sends: the file itself or a pre-compressed sibling.

Everything here blocks on the file system and runs in the loop's executor. The
file is opened first and then ``fstat``-ed, so the checks apply to the very
file that is sent (no window between a ``stat`` and an ``open``):

- only regular files are sent; a FIFO, device or socket is refused (403), and
  ``O_NONBLOCK`` keeps the open of a FIFO from hanging the executor thread;
- a sibling ``name.br`` / ``name.gz`` lies in the same directory as the file
  (its name is the file's name plus a suffix) and is opened with ``O_NOFOLLOW``:
  a symlinked sibling is skipped, never followed out of a static root
  (GHSA-jwhx-xcg6-8xhj's class).
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, ClassVar, Final

if TYPE_CHECKING:
    import mimetypes

__all__ = (
    "NotARegularFile",
    "OpenedFile",
    "accepted_codings",
    "guess_content_type",
    "open_file_variant",
)

# Server preference among the siblings that the client accepts (as aiohttp: Brotli first).
SIBLING_CODINGS: Final = ((".br", "br"), (".gz", "gzip"))
FALLBACK_CONTENT_TYPE: Final = "application/octet-stream"

_OPEN_FLAGS: Final = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW: Final = getattr(os, "O_NOFOLLOW", 0)
_NOT_OPENABLE: Final = frozenset({errno.ENXIO, errno.EOPNOTSUPP})


def _content_types() -> mimetypes.MimeTypes:
    """A private table: ``x.tar.gz`` is a gzip file, not a tar file with an encoding.

    Clearing ``encodings_map`` makes compression suffixes name their own media types,
    which are added here (as aiohttp does); the process-wide table is left alone.
    """
    import mimetypes  # with the first guess, not at import: building a table reads files

    table = mimetypes.MimeTypes()
    table.encodings_map.clear()
    for media_type, suffix in (
        ("application/gzip", ".gz"),
        ("application/x-brotli", ".br"),
        ("application/x-bzip2", ".bz2"),
        ("application/x-compress", ".Z"),
        ("application/x-xz", ".xz"),
    ):
        table.add_type(media_type, suffix)
    return table


_content_types_table: mimetypes.MimeTypes | None = None


def guess_content_type(path: Path) -> str:
    """The media type for a file name, ``application/octet-stream`` when unknown."""
    global _content_types_table
    table = _content_types_table
    if table is None:
        table = _content_types_table = _content_types()
    return table.guess_type(path.name)[0] or FALLBACK_CONTENT_TYPE


def accepted_codings(accept_encoding: str) -> frozenset[str]:
    """The content codings an ``Accept-Encoding`` value accepts (RFC 9110 12.5.3).

    Names are case-insensitive, ``x-gzip`` is gzip (RFC 9110 8.4.1.3), ``q=0`` refuses
    a coding, and ``*`` stands for every coding not named.
    """
    named: dict[str, bool] = {}
    wildcard = False
    for item in accept_encoding.lower().split(","):
        name, _, params = item.partition(";")
        name = name.strip(" \t")
        if not name:
            continue
        if name == "x-gzip":
            name = "gzip"
        acceptable = True
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip(" \t") == "q":
                try:
                    acceptable = float(value.strip(" \t")) > 0
                except ValueError:
                    acceptable = False
        if name == "*":
            wildcard = acceptable
        else:
            named[name] = acceptable
    codings = {coding for _, coding in SIBLING_CODINGS if named.get(coding, wildcard)}
    return frozenset(codings)


class NotARegularFile(OSError):
    """The path names a directory, FIFO, device or socket: answered 403, as aiohttp does."""

    status: ClassVar[int] = 403


@dataclass(frozen=True, slots=True)
class OpenedFile:
    """An open regular file, its ``fstat`` and the content coding it is stored in."""

    file: BinaryIO
    stat: os.stat_result
    encoding: str | None


def _open_regular(path: Path, flags: int) -> tuple[BinaryIO, os.stat_result]:
    """Open *path* for reading and make sure it is a regular file; close it otherwise."""
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        # open(2) refuses a UNIX socket with ENXIO (EOPNOTSUPP on some systems): the
        # path exists but is not a file, the same 403 as a FIFO or a device.
        if exc.errno in _NOT_OPENABLE:
            raise NotARegularFile(f"not a regular file: {path}") from exc
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotARegularFile(f"not a regular file: {path}")
        file = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    return file, st


def open_file_variant(path: Path, codings: frozenset[str]) -> OpenedFile:
    """Open the best pre-compressed sibling of *path* among *codings*, else *path* itself.

    Raises ``FileNotFoundError``, ``PermissionError`` and other ``OSError`` from opening
    *path*, or :class:`NotARegularFile`. A sibling that is missing, unreadable, a
    symlink or not a regular file is skipped.
    """
    for suffix, coding in SIBLING_CODINGS:
        if coding not in codings:
            continue
        sibling = path.with_name(path.name + suffix)
        try:
            file, st = _open_regular(sibling, _OPEN_FLAGS | _NOFOLLOW)
        except (OSError, ValueError):
            continue  # ELOOP for a symlink, ENOENT, EACCES, not regular: try the next
        return OpenedFile(file, st, coding)
    file, st = _open_regular(path, _OPEN_FLAGS)
    return OpenedFile(file, st, None)

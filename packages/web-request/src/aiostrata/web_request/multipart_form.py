"""``await request.post()`` for ``multipart/form-data`` (RFC 7578), as aiohttp does it.

Fields become ``str`` (text parts, decoded with the part's charset, else the
form's ``_charset_`` field, else UTF-8) or ``bytes`` (parts with a non-text
Content-Type); parts with a file name are spooled to a
``tempfile.TemporaryFile`` and become :class:`FileField`\\ s. The whole form,
every field and file together, is bounded by ``client_max_size`` as the data
arrives (GHSA-6jhg-hg63-jvvf): decoded bytes may not exceed it, and the wire
bytes of part bodies may not exceed twice it (room for base64's 4/3), so
padding that decodes to nothing cannot stream forever either. If anything
fails midway, the files already spooled are closed (which deletes them).
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from typing import IO, Any

from multidict import CIMultiDictProxy, MultiDict

from aiostrata.http_parser import (
    BodyPartReader,
    MalformedMultipart,
    MultipartError,
    MultipartLimitExceeded,
    MultipartReader,
    TooManyParts,
)
from aiostrata.web_response import HTTPBadRequest, HTTPRequestEntityTooLarge

from .file_field import FileField

__all__ = ("read_multipart_form",)

_CHUNK = 2**16


class _FormBudget:
    """Counts the form's bytes against ``client_max_size`` (0 means no limit)."""

    def __init__(self, max_size: int) -> None:
        self.max_size = max_size
        self.decoded = 0
        self.raw_before = 0  # raw bytes of the parts already finished

    def add(self, decoded: int, part: BodyPartReader) -> None:
        self.decoded += decoded
        if not self.max_size:
            return
        if self.decoded > self.max_size:
            raise HTTPRequestEntityTooLarge(max_size=self.max_size, actual_size=self.decoded)
        raw = self.raw_before + part.bytes_read
        if raw > 2 * self.max_size:
            raise HTTPRequestEntityTooLarge(max_size=self.max_size, actual_size=raw)

    def checker(self, part: BodyPartReader) -> Callable[[], None]:
        """A check of the raw bytes read so far, for every raw read of ``part``."""
        return lambda: self.add(0, part)

    def finish(self, part: BodyPartReader) -> None:
        self.raw_before += part.bytes_read


async def _spool_file(
    part: BodyPartReader, budget: _FormBudget, loop: asyncio.AbstractEventLoop
) -> IO[bytes]:
    """Decode a file part into a new temporary file, positioned at its start."""
    tmp = await loop.run_in_executor(None, tempfile.TemporaryFile)
    try:
        while chunk := await part.read_decoded_chunk(_CHUNK, on_raw=budget.checker(part)):
            budget.add(len(chunk), part)
            await loop.run_in_executor(None, tmp.write, chunk)
        await loop.run_in_executor(None, tmp.seek, 0)
    except BaseException:
        tmp.close()
        raise
    return tmp


async def _read_value(part: BodyPartReader, budget: _FormBudget) -> bytes:
    value = bytearray()
    while chunk := await part.read_decoded_chunk(_CHUNK, on_raw=budget.checker(part)):
        budget.add(len(chunk), part)
        value += chunk
    return bytes(value)


def _decode_text(value: bytes, charset: str, name: str) -> str:
    try:
        return value.decode(charset)
    except LookupError:
        raise HTTPBadRequest(text=f"Unknown charset {charset[:40]!r} in the form") from None
    except UnicodeDecodeError:
        raise HTTPBadRequest(text=f"Form field {name[:40]!r} is not valid {charset[:40]}") from None


async def _read_fields(
    reader: MultipartReader,
    out: MultiDict[Any],
    files: list[IO[bytes]],
    budget: _FormBudget,
    loop: asyncio.AbstractEventLoop,
) -> None:
    default_charset: str | None = None
    async for part in reader:
        if isinstance(part, MultipartReader):
            raise HTTPBadRequest(text="Nested multipart bodies are not supported in forms")
        name = part.name
        if name is None:
            # RFC 7578 4.2: every part of a form has a Content-Disposition with a name.
            raise HTTPBadRequest(text="A multipart/form-data part has no name")
        content_type = part.headers.get("Content-Type")
        if part.filename is not None:
            tmp = await _spool_file(part, budget, loop)
            files.append(tmp)
            field = FileField(
                name,
                part.filename,
                tmp,  # type: ignore[arg-type]  # a TemporaryFile is a binary file object
                content_type or "application/octet-stream",
                CIMultiDictProxy(part.headers.copy()),
            )
            out.add(name, field)
        else:
            value = await _read_value(part, budget)
            if name == "_charset_" and default_charset is None:
                # RFC 7578 4.6: the charset of the text fields that follow.
                default_charset = value.decode("ascii", "replace").strip() or None
            if content_type is None or content_type.lower().startswith("text/"):
                charset = part.get_charset(default=default_charset or "utf-8")
                out.add(name, _decode_text(value, charset, name))
            else:
                out.add(name, value)
        budget.finish(part)


async def read_multipart_form(
    reader: MultipartReader, max_size: int, loop: asyncio.AbstractEventLoop, max_fields: int = 0
) -> MultiDict[Any]:
    """Read every part of a form; malformed is a 400, too large a 413, never a 500.

    ``max_fields`` is the request's ``client_max_fields``: the reader was made with
    it as its bound on parts, and a form with more is a 413 saying so.
    """
    out: MultiDict[Any] = MultiDict()
    files: list[IO[bytes]] = []
    budget = _FormBudget(max_size)
    try:
        await _read_fields(reader, out, files, budget, loop)
    except TooManyParts as exc:
        _close_all(files)
        raise HTTPRequestEntityTooLarge(
            max_size=max_fields,
            actual_size=max_fields + 1,
            text=f"Maximum number of form fields {max_fields} exceeded",
        ) from exc
    except MultipartLimitExceeded as exc:
        _close_all(files)
        raise HTTPRequestEntityTooLarge(
            max_size=max_size, actual_size=budget.decoded, text=exc.message
        ) from exc
    except (MalformedMultipart, MultipartError) as exc:
        _close_all(files)
        raise HTTPBadRequest(text=exc.message) from exc
    except BaseException:
        _close_all(files)
        raise
    return out


def _close_all(files: list[IO[bytes]]) -> None:
    for tmp in files:
        tmp.close()

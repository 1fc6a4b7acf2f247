"""``FileResponse``: a file from disk, with validators, conditional and range requests.

All the work happens in ``prepare(request)``: the file (or a pre-compressed
sibling the client accepts) is opened in the executor, the request's
preconditions decide between 200/206, 304, 412 and 416, and the body goes out
through the payload writer's ``sendfile``. The file is closed before
``prepare()`` returns, whatever happened, a client that went away included.
"""

from __future__ import annotations

import asyncio
import os
import pathlib
from http import HTTPStatus
from typing import TYPE_CHECKING, Final

from multidict import istr

from aiostrata.http_parser import AbstractStreamWriter

from .byte_ranges import ByteRange, RangeNotSatisfiable, select_byte_range
from .conditional_requests import Precondition, evaluate_preconditions, if_range_holds
from .etag import ETag
from .file_variants import (
    NotARegularFile,
    OpenedFile,
    accepted_codings,
    guess_content_type,
    open_file_variant,
)
from .status_rules import body_forbidden
from .stream_response import StreamResponse

if TYPE_CHECKING:
    from .interfaces import ConditionalRequest
    from .typedefs import LooseHeaders

__all__ = ("FileResponse",)

_ACCEPT_RANGES: Final = istr("Accept-Ranges")
_CONTENT_ENCODING: Final = istr("Content-Encoding")
_CONTENT_RANGE: Final = istr("Content-Range")
_CONTENT_TYPE: Final = istr("Content-Type")
_VARY: Final = istr("Vary")

PathLike = str | os.PathLike[str]


def _file_etag(st: os.stat_result) -> ETag:
    """aiohttp's strong validator: hex mtime in nanoseconds, a dash, hex size."""
    return ETag(f"{st.st_mtime_ns:x}-{st.st_size:x}")


class FileResponse(StreamResponse):
    """Send the file at *path*; see the module docstring for what ``prepare`` decides.

    *chunk_size* is the size of each read when the body cannot go by sendfile(2)
    (compression, ``AIOHTTP_NOSENDFILE``, loops without sendfile). A ``Content-Type``
    given in *headers* is kept; otherwise it is guessed from the file name.
    """

    # The head waits in the writer so that sendfile (or the first chunk) flushes it.
    _send_headers_immediately = False

    def __init__(
        self,
        path: PathLike,
        chunk_size: int = 256 * 1024,
        status: int = 200,
        reason: str | None = None,
        headers: LooseHeaders | None = None,
    ) -> None:
        super().__init__(status=status, reason=reason, headers=headers)
        self._path = pathlib.Path(path)
        self._chunk_size = chunk_size

    # ``request`` must also carry the validators and Range: a FileResponse answers a
    # full request (``aiostrata.web_request.BaseRequest``), not a bare PreparingRequest.
    async def prepare(  # type: ignore[override]
        self, request: ConditionalRequest
    ) -> AbstractStreamWriter | None:
        if self.prepared:
            return await super().prepare(request)
        loop = asyncio.get_running_loop()
        codings = accepted_codings(request.headers.get("Accept-Encoding", ""))
        try:
            opened = await loop.run_in_executor(None, open_file_variant, self._path, codings)
        except (PermissionError, NotARegularFile):
            return await self._send_error(request, HTTPStatus.FORBIDDEN)
        except (OSError, ValueError):
            # Missing, a loop of symlinks, a NUL in the name...: there is no such file.
            return await self._send_error(request, HTTPStatus.NOT_FOUND)
        try:
            return await self._send_opened(request, opened)
        finally:
            opened.file.close()

    async def _send_opened(
        self, request: ConditionalRequest, opened: OpenedFile
    ) -> AbstractStreamWriter | None:
        st = opened.stat
        etag = _file_etag(st)
        if opened.encoding is not None:
            self._headers[_CONTENT_ENCODING] = opened.encoding
            self._headers[_VARY] = "Accept-Encoding"
            self._compression = False  # already compressed: never twice

        if 200 <= self._status < 300:  # RFC 9110 13.2.1: only for would-be 2xx answers
            outcome = evaluate_preconditions(request, etag, st.st_mtime)
            if outcome is Precondition.NOT_MODIFIED:
                self.set_status(HTTPStatus.NOT_MODIFIED)
                # RFC 9110 15.4.5: a 304 carries the validators a 200 would have.
                self.etag = etag
                self.last_modified = st.st_mtime
                return await self._finish_without_body(request)
            if outcome is Precondition.FAILED:
                self.set_status(HTTPStatus.PRECONDITION_FAILED)
                return await self._finish_without_body(request)

        byte_range: ByteRange | None = None
        if if_range_holds(request, etag, st.st_mtime):
            try:
                byte_range = select_byte_range(request, st.st_size)
            except RangeNotSatisfiable as exc:
                # RFC 9110 15.5.17: say how long the representation is.
                self._headers[_CONTENT_RANGE] = exc.content_range
                self._headers[_ACCEPT_RANGES] = "bytes"
                self.set_status(exc.status)
                return await self._finish_without_body(request)

        if _CONTENT_TYPE not in self._headers:
            self.content_type = guess_content_type(self._path)
        self.etag = etag
        self.last_modified = st.st_mtime
        self._headers[_ACCEPT_RANGES] = "bytes"
        offset, count = 0, st.st_size
        if byte_range is not None:
            self.set_status(HTTPStatus.PARTIAL_CONTENT)
            self._headers[_CONTENT_RANGE] = byte_range.content_range
            offset, count = byte_range.start, byte_range.count
        self.content_length = count

        writer = await super().prepare(request)
        if writer is None:  # pragma: no cover - prepare() was checked above
            return None
        if count and not body_forbidden(request.method, self._status):
            await writer.sendfile(opened.file, offset, count, chunk_size=self._chunk_size)
        await self.write_eof()
        return writer

    async def _finish_without_body(
        self, request: ConditionalRequest
    ) -> AbstractStreamWriter | None:
        self._headers.popall(_CONTENT_ENCODING, None)
        self._compression = False
        if self._status != HTTPStatus.NOT_MODIFIED:
            self.content_length = 0
        writer = await super().prepare(request)
        await self.write_eof()
        return writer

    async def _send_error(
        self, request: ConditionalRequest, status: HTTPStatus
    ) -> AbstractStreamWriter | None:
        """403/404 with the same body ``HTTPForbidden``/``HTTPNotFound`` would have.

        Static routes answer their own refusals with those exceptions; matching
        their bytes here keeps a file that vanished between the route's checks and
        this open indistinguishable from one that never existed.
        """
        body = f"{status.value}: {status.phrase}".encode()
        self.set_status(status)
        self._headers.popall(_CONTENT_ENCODING, None)
        self._headers.popall(_CONTENT_RANGE, None)
        self._compression = False
        self._headers[_CONTENT_TYPE] = "text/plain; charset=utf-8"
        self.content_length = len(body)
        writer = await super().prepare(request)
        await self.write_eof(body)
        return writer

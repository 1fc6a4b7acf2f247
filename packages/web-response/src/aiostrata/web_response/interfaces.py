"""What a response needs from the request it answers.

Responses live below requests in the package graph, so they see the request
only through this protocol.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Protocol

from multidict import CIMultiDictProxy

from aiostrata.http_parser import AbstractStreamWriter, HttpVersion

if TYPE_CHECKING:
    from .stream_response import StreamResponse


class PreparingRequest(Protocol):
    """The request side of ``StreamResponse.prepare(request)``.

    Satisfied by ``aiostrata.web_request.BaseRequest`` (and so ``Request``).
    ``_payload_writer`` is the connection's writer for this response, and
    ``_prepare_hook`` runs the applications' ``on_response_prepare`` signals
    before the head is written. ``path`` is only read by ``repr(response)``,
    ``task`` only by ``response.task``.
    """

    @property
    def version(self) -> HttpVersion: ...

    @property
    def method(self) -> str: ...

    @property
    def keep_alive(self) -> bool: ...

    @property
    def path(self) -> str: ...

    @property
    def headers(self) -> CIMultiDictProxy[str]: ...

    @property
    def task(self) -> asyncio.Task[None] | None: ...

    @property
    def _payload_writer(self) -> AbstractStreamWriter: ...

    async def _prepare_hook(self, response: StreamResponse) -> None: ...

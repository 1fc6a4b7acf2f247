"""``StaticResource``: files under a directory served at a URL prefix (``add_static``).

Resolution only matches the prefix and captures the rest as ``filename``; the
handler does the rest in the executor (the file system blocks): the name is
checked and resolved by :mod:`.static_paths`, directories get an index page
(``show_index``) or 403, and files are sent by ``FileResponse`` with its
validators, ranges and pre-compressed siblings.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from yarl import URL

from aiostrata.web_response import (
    FileResponse,
    HTTPForbidden,
    HTTPNotFound,
    Response,
    StreamResponse,
)

from .http_methods import METH_GET, METH_HEAD, METH_OPTIONS
from .match_info import UrlMappingMatchInfo
from .path_quoting import decode_path_safe, unquote_captured
from .resources import PrefixResource
from .routes import ResourceRoute
from .static_index import render_directory_index
from .static_paths import StaticPathRefused, resolve_static_path

if TYPE_CHECKING:
    from .interfaces import RoutableRequest
    from .resources import Resolved
    from .routes import AbstractRoute
    from .typedefs import ExpectHandler, Handler, InfoDict

__all__ = ("StaticResource",)

_DEFAULT_CHUNK_SIZE: Final = 256 * 1024


def _file_version(path: Path) -> str:
    """aiohttp's cache-busting version: URL-safe base64 of the content's SHA-256."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(_DEFAULT_CHUNK_SIZE), b""):
            digest.update(block)
    return base64.urlsafe_b64encode(digest.digest()).decode("ascii")


class StaticResource(PrefixResource):
    """Serves the files below *directory* at *prefix*; GET and HEAD only.

    *directory* is resolved once, here: it must exist and be a directory
    (``ValueError`` otherwise), and every served path is checked against it.
    """

    VERSION_KEY: Final = "v"

    def __init__(
        self,
        prefix: str,
        directory: str | os.PathLike[str],
        *,
        name: str | None = None,
        expect_handler: ExpectHandler | None = None,
        chunk_size: int = _DEFAULT_CHUNK_SIZE,
        show_index: bool = False,
        follow_symlinks: bool = False,
        append_version: bool = False,
    ) -> None:
        super().__init__(prefix, name=name)
        try:
            root = Path(directory).expanduser().resolve(strict=True)
        except FileNotFoundError as exc:
            raise ValueError(f"'{directory}' does not exist") from exc
        if not root.is_dir():
            raise ValueError(f"'{directory}' is not a directory")
        self._directory = root
        self._chunk_size = chunk_size
        self._show_index = show_index
        self._follow_symlinks = follow_symlinks
        self._append_version = append_version
        self._expect_handler = expect_handler
        self._routes: dict[str, ResourceRoute] = {
            method: ResourceRoute(method, self._handle, self, expect_handler=expect_handler)
            for method in (METH_GET, METH_HEAD)
        }
        self._allowed_methods = set(self._routes)

    # -- introspection and URLs ----------------------------------------------------------

    def get_info(self) -> InfoDict:
        return {"directory": self._directory, "prefix": self._prefix, "routes": self._routes}

    def url_for(  # type: ignore[override]
        self, filename: str | os.PathLike[str], append_version: bool | None = None
    ) -> URL:
        """The URL of *filename* under the prefix; with ``?v=<content hash>`` if versioned.

        The version is added only for a regular file that the resource would serve;
        otherwise (missing, unsafe, outside the root) the plain URL is returned.
        """
        if append_version is None:
            append_version = self._append_version
        name = os.fspath(filename).lstrip("/")
        url = URL.build(path=self._prefix or "/", encoded=True) / name
        if not append_version:
            return url
        try:
            path = resolve_static_path(self._directory, name, follow_symlinks=self._follow_symlinks)
            if not path.is_file():
                return url
            version = _file_version(path)
        except (StaticPathRefused, OSError):
            return url
        return url.with_query({self.VERSION_KEY: version})

    def set_options_route(self, handler: Handler) -> None:
        """Answer OPTIONS under the prefix with *handler* (e.g. for CORS preflights)."""
        if METH_OPTIONS in self._routes:
            raise RuntimeError("OPTIONS route was set already")
        self._routes[METH_OPTIONS] = ResourceRoute(
            METH_OPTIONS, handler, self, expect_handler=self._expect_handler
        )
        self._allowed_methods.add(METH_OPTIONS)

    # -- resolution ----------------------------------------------------------------------

    async def resolve(self, request: RoutableRequest) -> Resolved:
        path = request.rel_url.path_safe
        prefix = decode_path_safe(self._prefix)
        if path != prefix and not path.startswith(prefix + "/"):
            return None, set()
        route = self._routes.get(request.method)
        if route is None:
            return None, set(self._allowed_methods)
        # path_safe keeps %2F and %25 encoded; the captured name is fully decoded once.
        filename = unquote_captured(path[len(prefix) + 1 :])
        return UrlMappingMatchInfo({"filename": filename}, route), set(self._allowed_methods)

    def __len__(self) -> int:
        return len(self._routes)

    def __iter__(self) -> Iterator[AbstractRoute]:
        return iter(self._routes.values())

    def __repr__(self) -> str:
        name = f"'{self.name}' " if self.name is not None else ""
        return f"<StaticResource {name}{self._prefix} -> {self._directory!r}>"

    # -- serving -------------------------------------------------------------------------

    async def _handle(self, request: Any) -> StreamResponse:
        filename: str = request.match_info["filename"]
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, self._response_for, filename)

    def _response_for(self, filename: str) -> StreamResponse:
        """Check, resolve and look at *filename*; blocking, so run in the executor.

        Every refusal is a plain ``HTTPNotFound()``, the same bytes whatever exists
        outside the root. A file that does not exist inside it is left to
        ``FileResponse``, which answers with the same 404 (or serves a
        pre-compressed sibling, as aiohttp does).
        """
        try:
            path = resolve_static_path(
                self._directory, filename, follow_symlinks=self._follow_symlinks
            )
        except StaticPathRefused:
            raise HTTPNotFound() from None
        try:
            if path.is_dir():
                if not self._show_index:
                    raise HTTPForbidden()
                html = render_directory_index(path, self._directory, self._prefix)
                return Response(text=html, content_type="text/html")
        except PermissionError:
            raise HTTPForbidden() from None
        except OSError:
            # ENAMETOOLONG, ELOOP, ...: the client named something that cannot be served;
            # answer exactly as for a missing file, never a 500.
            raise HTTPNotFound() from None
        return FileResponse(path, chunk_size=self._chunk_size)

"""File upload (a multipart form, streamed to disk) and download (``FileResponse``).

    python examples/upload_download.py [DIRECTORY]    # default: a new temporary directory

    GET  /               an upload form
    POST /upload         the form's "file" field, saved under its base name -> 201
    GET  /files          the names saved so far, as JSON
    GET  /files/{name}   the file, with Range and conditional requests handled

Uploads over 10 MiB are refused with a 413, and the name of a file never leaves the directory.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Sequence
from pathlib import Path, PurePath

from aiostrata import web

MAX_UPLOAD = 10 * 2**20
directory_key = web.AppKey("directory_key", Path)

FORM = """<!doctype html>
<form action="/upload" method="post" enctype="multipart/form-data">
<input type="file" name="file"><button>Upload</button>
</form>
"""


async def form(request: web.Request) -> web.Response:
    return web.Response(text=FORM, content_type="text/html")


def _safe_name(filename: str | None) -> str:
    name = PurePath((filename or "").replace("\\", "/")).name
    if name in {"", ".", ".."}:
        raise web.HTTPBadRequest(text="the upload has no usable file name")
    return name


async def upload(request: web.Request) -> web.Response:
    reader = await request.multipart()
    async for part in reader:
        if getattr(part, "name", None) != "file":
            continue
        name = _safe_name(getattr(part, "filename", None))
        target = request.app[directory_key] / name
        size = 0
        with target.open("wb") as out:  # small chunks: the loop is blocked only briefly
            while chunk := await part.read_chunk():  # type: ignore[union-attr]
                size += len(chunk)
                if size > MAX_UPLOAD:
                    out.close()
                    target.unlink()
                    raise web.HTTPRequestEntityTooLarge(max_size=MAX_UPLOAD, actual_size=size)
                out.write(chunk)
        return web.json_response({"name": name, "size": size}, status=201)
    raise web.HTTPBadRequest(text='no "file" field in the form')


async def listing(request: web.Request) -> web.Response:
    names = sorted(p.name for p in request.app[directory_key].iterdir() if p.is_file())
    return web.json_response(names)


async def download(request: web.Request) -> web.FileResponse:
    name = _safe_name(request.match_info["name"])
    path = request.app[directory_key] / name
    if not path.is_file():
        raise web.HTTPNotFound(text=f"no file {name}")
    return web.FileResponse(path, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def init_app(argv: Sequence[str] | None = None) -> web.Application:
    app = web.Application(client_max_size=MAX_UPLOAD + 2**16)
    app.router.add_get("/", form)
    app.router.add_post("/upload", upload)
    app.router.add_get("/files", listing)
    app.router.add_get("/files/{name}", download)
    if argv:
        app[directory_key] = Path(argv[0])
    else:

        async def temporary_directory(app: web.Application) -> AsyncIterator[None]:
            with tempfile.TemporaryDirectory(prefix="aiostrata-uploads-") as name:
                app[directory_key] = Path(name)
                yield

        app.cleanup_ctx.append(temporary_directory)
    return app


if __name__ == "__main__":
    import sys

    web.run_app(init_app(sys.argv[1:]), host="127.0.0.1", port=8080)

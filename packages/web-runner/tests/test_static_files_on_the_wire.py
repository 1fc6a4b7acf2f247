"""Static files through a real server and raw sockets: what a hostile client sees."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from wire import ServeApp, exchange

from aiostrata.web_app import Application

SECRET = b"TOP-SECRET-CONTENT"


@pytest.fixture
def static_root(tmp_path: Path) -> Path:
    root = tmp_path / "public"
    (root / "css").mkdir(parents=True)
    (root / "hello.txt").write_bytes(b"hello, static world\n")
    (root / "css" / "site.css").write_bytes(b"body { color: red }\n" * 100)
    (tmp_path / "secret").write_bytes(SECRET)
    os.symlink(tmp_path / "secret", root / "secret.gz")  # a hostile compressed "sibling"
    (root / "page.html").write_bytes(b"<p>page</p>")
    os.symlink(tmp_path / "secret", root / "page.html.gz")
    return root


async def serve(
    serve_app: ServeApp, root: Path, *, follow_symlinks: bool = False, show_index: bool = False
) -> int:
    app = Application()
    app.router.add_static("/static", root, follow_symlinks=follow_symlinks, show_index=show_index)
    _, port = await serve_app(app)
    return port


def request(target: str, *headers: str, method: str = "GET") -> bytes:
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def split(raw: bytes) -> tuple[bytes, dict[str, str], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    fields = {}
    for line in lines:
        name, _, value = line.partition(":")
        fields[name.strip().lower()] = value.strip()
    return status.encode(), fields, body


async def test_a_file_is_served_with_validators(serve_app: ServeApp, static_root: Path) -> None:
    port = await serve(serve_app, static_root)
    status, fields, body = split(await exchange(port, request("/static/hello.txt")))
    assert status == b"HTTP/1.1 200 OK"
    assert body == b"hello, static world\n"
    assert fields["content-length"] == "20"
    assert fields["content-type"] == "text/plain"
    assert fields["accept-ranges"] == "bytes"
    assert fields["etag"].startswith('"')


async def test_a_range_request_gets_206(serve_app: ServeApp, static_root: Path) -> None:
    port = await serve(serve_app, static_root)
    raw = await exchange(port, request("/static/hello.txt", "Range: bytes=7-12"))
    status, fields, body = split(raw)
    assert status == b"HTTP/1.1 206 Partial Content"
    assert body == b"static"
    assert fields["content-range"] == "bytes 7-12/20"


async def test_a_last_position_past_the_end_is_the_end(
    serve_app: ServeApp, static_root: Path
) -> None:
    """RFC 9110 14.1.1: ``bytes=0-<32 digits>`` is the whole file as a 206, not a 416."""
    port = await serve(serve_app, static_root)
    raw = await exchange(port, request("/static/hello.txt", "Range: bytes=7-" + "9" * 32))
    status, fields, body = split(raw)
    assert status == b"HTTP/1.1 206 Partial Content"
    assert body == b"static world\n"
    assert fields["content-range"] == "bytes 7-19/20"
    raw = await exchange(port, request("/static/hello.txt", "Range: bytes=" + "9" * 32 + "-"))
    assert split(raw)[0].startswith(b"HTTP/1.1 416 ")


async def test_a_repeated_if_modified_since_is_ignored(
    serve_app: ServeApp, static_root: Path
) -> None:
    """RFC 9110 13.1.3: two If-Modified-Since fields (or an invalid one) are ignored: 200."""
    port = await serve(serve_app, static_root)
    future = "If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT"
    assert split(await exchange(port, request("/static/hello.txt", future)))[0].endswith(
        b"304 Not Modified"
    )
    for extra in (future, "If-Modified-Since: garbage"):
        raw = await exchange(port, request("/static/hello.txt", future, extra))
        status, _, body = split(raw)
        assert status == b"HTTP/1.1 200 OK"
        assert body == b"hello, static world\n"


async def test_head_has_no_body(serve_app: ServeApp, static_root: Path) -> None:
    port = await serve(serve_app, static_root)
    status, fields, body = split(await exchange(port, request("/static/hello.txt", method="HEAD")))
    assert status == b"HTTP/1.1 200 OK"
    assert fields["content-length"] == "20"
    assert body == b""


async def test_a_conditional_get_gets_304(serve_app: ServeApp, static_root: Path) -> None:
    port = await serve(serve_app, static_root)
    _, fields, _ = split(await exchange(port, request("/static/hello.txt")))
    raw = await exchange(port, request("/static/hello.txt", f"If-None-Match: {fields['etag']}"))
    assert raw.startswith(b"HTTP/1.1 304 Not Modified\r\n")
    assert raw.endswith(b"\r\n\r\n")


TRAVERSALS = [
    "/static/../../etc/passwd",
    "/static/../secret",
    "/static/%2e%2e/secret",
    "/static/%2E%2E%2Fsecret",
    "/static/..%2fsecret",
    "/static/..%5csecret",
    "/static/css/..%2F..%2Fsecret",
    "/static//etc/passwd",
    "/static/%2Fetc%2Fpasswd",
    "/static/hello.txt%00",
    "/static/%5C%5Cserver%5Cshare",
    "/static/C:%5Csecret",
]


@pytest.mark.parametrize("follow_symlinks", [False, True])
@pytest.mark.parametrize("target", TRAVERSALS)
async def test_traversal_attempts_get_the_same_404_as_a_missing_file(
    serve_app: ServeApp, static_root: Path, target: str, follow_symlinks: bool
) -> None:
    port = await serve(serve_app, static_root, follow_symlinks=follow_symlinks)
    raw = await exchange(port, request(target))
    assert SECRET not in raw
    assert b"root:" not in raw
    status, fields, body = split(raw)
    missing_status, missing_fields, missing_body = split(
        await exchange(port, request("/static/no-such-file.txt"))
    )
    # GHSA-54jq-c3m8-4m76: same answer whether or not anything exists out there.
    assert (
        (status, body)
        == (missing_status, missing_body)
        == (b"HTTP/1.1 404 Not Found", b"404: Not Found")
    )
    assert fields["content-type"] == missing_fields["content-type"]


async def test_a_symlinked_gzip_sibling_is_not_served(
    serve_app: ServeApp, static_root: Path
) -> None:
    port = await serve(serve_app, static_root)
    raw = await exchange(port, request("/static/page.html", "Accept-Encoding: gzip"))
    status, fields, body = split(raw)
    assert status == b"HTTP/1.1 200 OK"
    assert body == b"<p>page</p>"
    assert "content-encoding" not in fields
    direct = await exchange(port, request("/static/secret.gz"))
    assert SECRET not in direct


async def test_a_large_file_arrives_whole(serve_app: ServeApp, tmp_path: Path) -> None:
    root = tmp_path / "big"
    root.mkdir()
    data = os.urandom(3 * 1024 * 1024 + 17)
    (root / "blob.bin").write_bytes(data)
    port = await serve(serve_app, root)
    status, fields, body = split(await exchange(port, request("/static/blob.bin"), timeout=20))
    assert status == b"HTTP/1.1 200 OK"
    assert fields["content-length"] == str(len(data))
    assert body == data


async def test_the_index_page_escapes_names(serve_app: ServeApp, static_root: Path) -> None:
    (static_root / "<img src=x onerror=alert(1)>.txt").write_bytes(b"x")
    port = await serve(serve_app, static_root, show_index=True)
    status, fields, body = split(await exchange(port, request("/static/")))
    assert status == b"HTTP/1.1 200 OK"
    assert fields["content-type"] == "text/html; charset=utf-8"
    assert b"<img" not in body
    assert b"&lt;img src=x onerror=alert(1)&gt;.txt" in body


async def test_static_files_in_a_sub_application(serve_app: ServeApp, static_root: Path) -> None:
    sub = Application()
    sub.router.add_static("/files", static_root)
    app = Application()
    app.add_subapp("/sub", sub)
    _, port = await serve_app(app)
    status, _, body = split(await exchange(port, request("/sub/files/hello.txt")))
    assert status == b"HTTP/1.1 200 OK"
    assert body == b"hello, static world\n"


async def test_a_unix_socket_in_the_directory_is_403_not_404(
    serve_app: ServeApp, static_root: Path
) -> None:
    # A socket exists but is not a file: 403, as for a FIFO or a device (aiohttp's answer).
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(str(static_root / "app.sock"))
        port = await serve(serve_app, static_root)
        status, _, _ = split(await exchange(port, request("/static/app.sock")))
        missing, _, _ = split(await exchange(port, request("/static/no.sock")))
    finally:
        listener.close()
    assert status == b"HTTP/1.1 403 Forbidden"
    assert missing == b"HTTP/1.1 404 Not Found"

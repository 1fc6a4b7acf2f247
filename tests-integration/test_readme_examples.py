"""Every ```python block of every README.md runs as written, and does what its text says.

Blocks are read from the files at test time, so a README edit is tested as it stands. A block
that would serve forever (``run_app``) runs with ``run_app`` replaced by a recorder, and the
app it was given is served by ``aiostrata_client`` instead. A new block without a test here
fails :func:`test_every_readme_block_has_a_test`.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

import aiostrata.web
import aiostrata.web_runner
from aiostrata.test_utils.pytest_plugin import AiostrataClient

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)

TESTED = {
    "README.md#1",
    "packages/http-parser/README.md#1",
    "packages/pytest-aiostrata/README.md#1",
    "packages/pytest-aiostrata/README.md#2",
    "packages/web-app/README.md#1",
    "packages/web-request/README.md#1",
    "packages/web-response/README.md#1",
    "packages/web-response/README.md#2",
    "packages/web-router/README.md#1",
    "packages/web-runner/README.md#1",
    "packages/web/README.md#1",
}


def _readmes() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("README.md")
        if not any(part.startswith(".") for part in path.relative_to(ROOT).parts)
    )


def all_blocks() -> dict[str, str]:
    found: dict[str, str] = {}
    for readme in _readmes():
        for number, match in enumerate(BLOCK.finditer(readme.read_text("utf-8")), start=1):
            found[f"{readme.relative_to(ROOT).as_posix()}#{number}"] = match.group(1)
    return found


def block(key: str) -> str:
    assert key in TESTED, f"add {key} to TESTED"
    return all_blocks()[key]


def run_block(key: str) -> dict[str, Any]:
    """Execute a block as a module of its own (not __main__); its globals come back.

    ``dont_inherit``: the block is compiled without this file's ``__future__`` imports, as
    a reader's file would be.
    """
    module = types.ModuleType("readme_example")
    sys.modules[module.__name__] = module
    try:
        code = compile(block(key), key, "exec", dont_inherit=True)
        exec(code, module.__dict__)  # noqa: S102 - the repo's own README
    finally:
        del sys.modules[module.__name__]
    return module.__dict__


RunAppCalls = list[tuple[Any, dict[str, Any]]]


@pytest.fixture
def run_app_calls(monkeypatch: pytest.MonkeyPatch) -> RunAppCalls:
    """``run_app`` of aiostrata.web and aiostrata.web_runner, recording instead of serving."""
    calls: RunAppCalls = []

    def record(app: Any, **kwargs: Any) -> None:
        calls.append((app, kwargs))

    monkeypatch.setattr(aiostrata.web, "run_app", record)
    monkeypatch.setattr(aiostrata.web_runner, "run_app", record)
    return calls


def test_every_readme_block_has_a_test() -> None:
    assert set(all_blocks()) == TESTED


def test_root_readme_one_line_switch() -> None:
    assert run_block("README.md#1")["web"] is aiostrata.web


async def test_web_readme_hello_app(
    run_app_calls: RunAppCalls, aiostrata_client: AiostrataClient
) -> None:
    run_block("packages/web/README.md#1")
    ((app, options),) = run_app_calls
    assert options == {"host": "127.0.0.1", "port": 8080}
    client = await aiostrata_client(app)
    assert await (await client.get("/hello/Ada")).text() == "Hello, Ada"


async def test_web_runner_readme_serves_an_empty_app(
    run_app_calls: RunAppCalls, aiostrata_client: AiostrataClient
) -> None:
    run_block("packages/web-runner/README.md#1")
    ((app, options),) = run_app_calls
    assert options == {"host": "127.0.0.1", "port": 8080}
    client = await aiostrata_client(app)
    assert (await client.get("/")).status == 404


def test_web_app_readme_typed_key() -> None:
    namespace = run_block("packages/web-app/README.md#1")
    assert namespace["app"][namespace["db_key"]] == "sqlite://"


async def test_web_response_readme_handler(aiostrata_client: AiostrataClient) -> None:
    handler = run_block("packages/web-response/README.md#1")["handler"]
    app = aiostrata.web.Application()
    app.router.add_get("/", handler)
    client = await aiostrata_client(app)
    missing = await client.get("/")
    assert missing.status == 400
    assert await missing.text() == "name is required"
    answer = await client.get("/?name=Ada", headers={"Accept-Encoding": "gzip"})
    assert await answer.json() == {"hello": "Ada"}
    assert answer.headers["Content-Encoding"] == "gzip"
    assert answer.cookies["seen"].value == "1"
    assert answer.cookies["seen"]["httponly"]
    assert answer.cookies["seen"]["samesite"] == "Lax"


async def test_web_response_readme_websocket_echo(aiostrata_client: AiostrataClient) -> None:
    echo = run_block("packages/web-response/README.md#2")["echo"]
    app = aiostrata.web.Application()
    app.router.add_get("/ws", echo)
    client = await aiostrata_client(app)
    async with client.ws_connect("/ws") as socket:
        await socket.send_str("ping")
        reply = await asyncio.wait_for(socket.receive(), 5)
        assert (reply.type, reply.data) == (aiohttp.WSMsgType.TEXT, "ping")
    assert (await client.get("/ws")).status in {400, 426}


def test_web_router_readme_resolves_and_dispatches(capsys: pytest.CaptureFixture[str]) -> None:
    run_block("packages/web-router/README.md#1")
    assert capsys.readouterr().out.splitlines() == [
        "/users/j%C3%B6rg",
        "GET /users/j%C3%B6rg 200 jörg",
        "POST /users/x 405 405: Method Not Allowed",
        "GET /nope 404 404: Not Found",
    ]


def test_web_request_readme_builds_and_reads_a_request(
    capsys: pytest.CaptureFixture[str],
) -> None:
    run_block("packages/web-request/README.md#1")
    assert capsys.readouterr().out.splitlines() == [
        "http://shop.example/orders?express=1",
        "1 7 application/json",
        "{'item': 'tea', 'quantity': 2}",
    ]


async def _exchange(port: int, raw: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(raw)
    await writer.drain()
    try:
        return await asyncio.wait_for(reader.read(), 5)
    finally:
        writer.close()


async def test_http_parser_readme_protocol_answers_and_refuses() -> None:
    hello_protocol: Callable[[], asyncio.Protocol] = run_block("packages/http-parser/README.md#1")[
        "Hello"
    ]
    server = await asyncio.get_running_loop().create_server(hello_protocol, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        good = await _exchange(port, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert good.startswith(b"HTTP/1.1 200 OK\r\n")
        assert good.endswith(b"\r\n\r\nhello\n")
        bad = await _exchange(port, b"GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n")
        assert bad.startswith(b"HTTP/1.1 400 Bad Request\r\n")


def _run_suite(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_from_readme.py").write_text(source, "utf-8")
    return subprocess.run(
        [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "-o", "asyncio_mode=auto", "-o", "asyncio_default_fixture_loop_scope=function",
            "-W", "error", "test_from_readme.py",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )  # fmt: skip


def test_pytest_aiostrata_readme_suite_passes(tmp_path: Path) -> None:
    result = _run_suite(tmp_path, block("packages/pytest-aiostrata/README.md#1"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_pytest_aiostrata_readme_unittest_case_passes(tmp_path: Path) -> None:
    result = _run_suite(tmp_path, block("packages/pytest-aiostrata/README.md#2"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout

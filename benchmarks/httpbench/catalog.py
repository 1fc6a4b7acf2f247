"""The implementations under test and the scenarios they are measured on.

An implementation is a server command (the shared app, or the raw ceiling) plus the
environment that selects the package, its extensions and the loop. A scenario is one
request shape, the answer that proves the server handled it, and the server variant it
needs (the middleware chain runs on a second instance of the same app).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from httpbench import payloads

APP_MODULE = "httpbench.app"
CEILING_MODULE = "httpbench.raw_ceiling"

# Variables a server must not inherit from whoever started the bench: they would change
# which code runs behind an implementation's name.
CONTROLLED_ENV = (
    "BENCH_WEB",
    "BENCH_PORT",
    "BENCH_STATIC_DIR",
    "BENCH_MIDDLEWARES",
    "BENCH_PROFILE",
    "LOOP",
    "AIOSTRATA_NO_EXTENSIONS",
    "AIOHTTP_NO_EXTENSIONS",
    "MULTIDICT_NO_EXTENSIONS",
    "YARL_NO_EXTENSIONS",
    "PROPCACHE_NO_EXTENSIONS",
    "FROZENLIST_NO_EXTENSIONS",
)

# Probes run in the server interpreter with the implementation's environment; a failing one
# skips the implementation (with its last error line as the note). They also assert the
# environment really selects what the name promises.
_WEB_PROBE = "from {web} import web; web.Application; web.run_app; web.middleware"
_STRATA_BUILD = (
    "from aiostrata.http_parser.compiled import compiled_in_use; "
    "from aiostrata.http_parser.ws_masking import MASKING_ACCELERATED as c_masking; "
    "assert ({want}), f'compiled modules: {{compiled_in_use()}}, C masking: {{c_masking}}'"
)
_PURE = _STRATA_BUILD.format(want="not compiled_in_use() and not c_masking")
_EXTRAS = _STRATA_BUILD.format(want="compiled_in_use() and c_masking")
_UVLOOP = "import uvloop"


@dataclass(frozen=True)
class Impl:
    name: str
    description: str
    module: str
    env: dict[str, str]
    probe: str
    ceiling: bool = False  # canned answers: checked for status and size only; no websockets

    @property
    def web(self) -> str | None:
        """The aiohttp.web-like package it runs, or None for the raw ceiling."""
        return self.env.get("BENCH_WEB")

    @property
    def uvloop(self) -> bool:
        return self.env.get("LOOP") == "uvloop"


def _web_impl(
    name: str, web: str, description: str, *, pure: bool = False, uv: bool = False
) -> Impl:
    env = {"BENCH_WEB": web, "LOOP": "uvloop" if uv else "asyncio"}
    probes = [_WEB_PROBE.format(web=web)]
    if web == "aiostrata":
        if pure:
            env["AIOSTRATA_NO_EXTENSIONS"] = "1"
        probes.append(_PURE if pure else _EXTRAS)
    if uv:
        probes.append(_UVLOOP)
    return Impl(name, description, APP_MODULE, env, "; ".join(probes))


IMPLS: dict[str, Impl] = {
    impl.name: impl
    for impl in (
        _web_impl(
            "aiostrata-py",
            "aiostrata",
            "aiostrata.web, AIOSTRATA_NO_EXTENSIONS=1: pure Python even where the compiled "
            "build and the extras are installed (multidict/yarl stay compiled), asyncio loop",
            pure=True,
        ),
        _web_impl(
            "aiostrata-py-uvloop",
            "aiostrata",
            "aiostrata.web, pure-Python parser, uvloop",
            pure=True,
            uv=True,
        ),
        _web_impl(
            "aiostrata",
            "aiostrata",
            "aiostrata.web with its accelerators: http-parser built with AIOSTRATA_MYPYC=1 "
            "(hot modules compiled by mypyc), the [speedups] extra (C WebSocket masking), "
            "asyncio loop",
        ),
        _web_impl(
            "aiostrata-uvloop",
            "aiostrata",
            "aiostrata.web, compiled http-parser and [speedups], uvloop",
            uv=True,
        ),
        _web_impl("aiohttp", "aiohttp", "aiohttp.web with its C extensions, asyncio loop"),
        _web_impl("aiohttp-uvloop", "aiohttp", "aiohttp.web, C extensions, uvloop", uv=True),
        Impl(
            "raw-asyncio",
            "asyncio.Protocol that parses nothing, canned keep-alive 200 (the ceiling)",
            CEILING_MODULE,
            {"LOOP": "asyncio"},
            "import asyncio",
            ceiling=True,
        ),
    )
}
BASELINE = "aiohttp"  # ratios: ÷ this ...
CEILING = "raw-asyncio"  # ... and ÷ this
# The implementations whose Python calls per request are counted (asyncio loop only: uvloop
# moves the loop's own work into C, which cProfile cannot see).
PROFILED = ("aiostrata-py", "aiostrata", "aiohttp")

Check = Callable[[int, dict[str, str], bytes], str | None]


def _expect(body: bytes, *, content_type: str | None = None) -> Check:
    def check(status: int, headers: dict[str, str], got: bytes) -> str | None:
        if status != 200:
            return f"status {status}"
        if got != body:
            return f"body {got[:60]!r} ({len(got)} bytes), expected {body[:60]!r}"
        if content_type and not headers.get("content-type", "").startswith(content_type):
            return f"content-type {headers.get('content-type')!r}, expected {content_type}"
        return None

    return check


def _expect_json(status: int, headers: dict[str, str], got: bytes) -> str | None:
    if status != 200:
        return f"status {status}"
    try:
        doc = json.loads(got)
    except ValueError:
        return f"not JSON: {got[:60]!r}"
    if doc != payloads.JSON_DOC:
        return f"JSON {doc!r}, expected {payloads.JSON_DOC!r}"
    if not headers.get("content-type", "").startswith("application/json"):
        return f"content-type {headers.get('content-type')!r}"
    return None


def _expect_size(size: int | None) -> Check:
    """The ceiling's check: it answers canned bytes, so only status (and size) can match."""

    def check(status: int, headers: dict[str, str], got: bytes) -> str | None:
        if status != 200:
            return f"status {status}"
        if size is not None and len(got) != size:
            return f"{len(got)} bytes, expected {size}"
        return None

    return check


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    path: str
    check: Check
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    ceiling_size: int | None = None
    websocket: bool = False
    variant: str = "main"  # which server instance: "main", or "mw" (BENCH_MIDDLEWARES=10)
    variant_env: dict[str, str] = field(default_factory=dict)

    @property
    def ceiling_check(self) -> Check:
        return _expect_size(self.ceiling_size)

    def runs_on(self, impl: Impl) -> bool:
        return not (impl.ceiling and self.websocket)


PLAIN = payloads.PLAINTEXT.encode()
SCENARIOS: dict[str, Scenario] = {
    sc.name: sc
    for sc in (
        Scenario(
            "plaintext",
            "GET /plaintext, 12-byte text",
            "/plaintext",
            _expect(PLAIN, content_type="text/plain"),
        ),
        Scenario("json", "GET /json, a small dict via web.json_response", "/json", _expect_json),
        Scenario(
            "router",
            f"GET {payloads.ROUTER_PATH}: one hit among 5 fixed + 100 dynamic /r{{i}}/{{name}} "
            "routes (+ the static prefix)",
            payloads.ROUTER_PATH,
            _expect(payloads.ROUTER_ANSWER.encode()),
        ),
        Scenario(
            "browser",
            f"GET /plaintext with the {len(payloads.BROWSER_HEADERS)} headers a browser sends "
            "(wrk lua script)",
            "/plaintext",
            _expect(PLAIN),
            headers=payloads.BROWSER_HEADERS,
        ),
        Scenario(
            "upload",
            "POST /upload, 16 KiB body read whole, answers its length",
            "/upload",
            _expect(str(payloads.UPLOAD_SIZE).encode()),
            method="POST",
            headers=(("Content-Type", "application/octet-stream"),),
            body=b"x" * payloads.UPLOAD_SIZE,
        ),
        Scenario(
            "download",
            "GET /download, 1 MiB bytes body",
            "/download",
            _expect(payloads.pattern(payloads.DOWNLOAD_SIZE)),
            ceiling_size=payloads.DOWNLOAD_SIZE,
        ),
        Scenario(
            "middleware",
            f"GET /plaintext through {payloads.MIDDLEWARES} pass-through @web.middleware "
            "(a second server instance of the same app)",
            "/plaintext",
            _expect(PLAIN),
            variant="mw",
            variant_env={"BENCH_MIDDLEWARES": str(payloads.MIDDLEWARES)},
        ),
        Scenario(
            "static",
            f"GET /static/{payloads.STATIC_NAME}, a 64 KiB file via add_static (sendfile)",
            f"/static/{payloads.STATIC_NAME}",
            _expect(payloads.pattern(payloads.STATIC_SIZE)),
            ceiling_size=payloads.STATIC_SIZE,
        ),
        Scenario(
            "ws",
            "websocket echo, 64-byte text, one message in flight per connection (msg/s)",
            "/ws",
            _expect(b""),  # not used: the websocket client checks its echoes itself
            websocket=True,
        ),
    )
}
PROFILED_SCENARIOS = ("plaintext", "browser")

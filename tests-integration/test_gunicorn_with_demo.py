"""The demo app behind gunicorn with aiostrata's worker, as an aiohttp user deploys it.

``gunicorn 'demo.app:init_app()' --worker-class aiostrata.web_runner.GunicornWebWorker``:
gunicorn calls the factory itself (the ``()`` syntax), so ``init_app(argv=None)`` needs no
wrapper module. aiohttp's client and httpx talk to it over plain HTTP and over TLS, with
gunicorn's own --certfile/--keyfile.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import httpx
import pytest
import trustme

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 20.0
_LISTENING = re.compile(r"Listening at: https?://127\.0\.0\.1:(\d+)")


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _start(
    run_dir: Path, *args: str, target: str = "demo.app:init_app()", pythonpath: Path = ROOT
) -> Served:
    """``python -m gunicorn`` on 127.0.0.1:0 with two workers; waits until a worker answers."""
    log_path = run_dir / "gunicorn.log"
    argv = [
        sys.executable, "-m", "gunicorn", target,
        "--bind", "127.0.0.1:0", "--workers", "2",
        "--worker-class", "aiostrata.web_runner.GunicornWebWorker",
        "--graceful-timeout", "10", "--access-logfile", "-", *args,
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(pythonpath), "XDG_RUNTIME_DIR": str(run_dir)}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    served = Served("", process, log_path)
    deadline = time.monotonic() + TIMEOUT
    while not (found := _LISTENING.search(served.log())):
        if process.poll() is not None or time.monotonic() > deadline:
            _kill_tree(process)
            raise RuntimeError(f"gunicorn did not start:\n{served.log()}")
        time.sleep(0.05)
    scheme = "https" if "--certfile" in args else "http"
    served.url = f"{scheme}://127.0.0.1:{found.group(1)}"
    return served


def _wait_until_serving(served: Served, verify: ssl.SSLContext | bool = True) -> None:
    deadline = time.monotonic() + TIMEOUT
    while True:
        try:
            httpx.get(served.url + "/", verify=verify, timeout=5)
            return
        except httpx.TransportError:
            if served.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn serves nothing:\n{served.log()}") from None
            time.sleep(0.05)


def _kill_tree(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(TIMEOUT)


@pytest.fixture(scope="module")
def gunicorn_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    served = _start(tmp_path_factory.mktemp("gunicorn"))
    try:
        _wait_until_serving(served)
        yield served
    finally:
        _kill_tree(served.process)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def gunicorn_tls_demo(tmp_path_factory: pytest.TempPathFactory, ca: trustme.CA) -> Iterator[Served]:
    run_dir = tmp_path_factory.mktemp("gunicorn-tls")
    cert = ca.issue_cert("127.0.0.1", "localhost")
    certfile, keyfile = run_dir / "cert.pem", run_dir / "key.pem"
    cert.cert_chain_pems[0].write_to_path(str(certfile))
    for extra in cert.cert_chain_pems[1:]:
        extra.write_to_path(str(certfile), append=True)
    cert.private_key_pem.write_to_path(str(keyfile))
    served = _start(run_dir, "--certfile", str(certfile), "--keyfile", str(keyfile))
    try:
        _wait_until_serving(served, verify=_client_context(ca))
        yield served
    finally:
        _kill_tree(served.process)


def _client_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


async def test_aiohttp_client_keep_alive_json_and_echo(gunicorn_demo: Served) -> None:
    connector = aiohttp.TCPConnector(limit=1)  # one connection: every request reuses it
    async with aiohttp.ClientSession(gunicorn_demo.url, connector=connector) as session:
        async with session.get("/") as response:
            assert response.status == 200
            assert await response.text() == "Hello from aiostrata\n"
            assert "aiostrata/" in response.headers["Server"]
        async with session.get("/json") as response:
            data = await response.json()
        async with session.post("/echo", data=b"x" * 100_000) as response:
            echoed = await response.read()
    assert data["framework"] == "aiostrata"
    assert echoed == b"x" * 100_000


async def test_httpx_concurrent_requests_are_spread_over_the_workers(
    gunicorn_demo: Served,
) -> None:
    async with httpx.AsyncClient(base_url=gunicorn_demo.url, timeout=TIMEOUT) as client:
        responses = await asyncio.gather(*(client.get(f"/hello/{i}") for i in range(40)))
        missing = await client.get("/nope")
        not_allowed = await client.put("/hello/x")
    assert [r.text for r in responses] == [f"Hello, {i}!\n" for i in range(40)]
    assert missing.status_code == 404
    assert not_allowed.status_code == 405
    assert not_allowed.headers["allow"] == "GET,HEAD"


def test_the_access_log_is_written_in_aiohttps_format(gunicorn_demo: Served) -> None:
    httpx.get(gunicorn_demo.url + "/hello/log", headers={"User-Agent": "integration/1"})
    deadline = time.monotonic() + TIMEOUT
    while '"GET /hello/log HTTP/1.1" 200' not in gunicorn_demo.log():
        assert time.monotonic() < deadline, gunicorn_demo.log()
        time.sleep(0.05)
    line = next(x for x in gunicorn_demo.log().splitlines() if "/hello/log" in x)
    assert line.startswith("127.0.0.1 [")
    assert line.endswith('"-" "integration/1"')


async def test_aiohttp_client_over_gunicorns_tls(gunicorn_tls_demo: Served, ca: trustme.CA) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.get(gunicorn_tls_demo.url + "/hello/tls", ssl=_client_context(ca)) as response,
    ):
        assert response.status == 200
        assert await response.text() == "Hello, tls!\n"


def test_httpx_over_gunicorns_tls_speaks_http_1_1(
    gunicorn_tls_demo: Served, ca: trustme.CA
) -> None:
    with httpx.Client(verify=_client_context(ca)) as client:
        first = client.get(gunicorn_tls_demo.url + "/json")
        second = client.get(gunicorn_tls_demo.url + "/")
    assert first.json()["framework"] == "aiostrata"
    assert second.http_version == "HTTP/1.1"


def test_tls_alpn_never_offers_h2(gunicorn_tls_demo: Served, ca: trustme.CA) -> None:
    context = _client_context(ca)
    context.set_alpn_protocols(["h2", "http/1.1"])
    port = int(gunicorn_tls_demo.url.rsplit(":", 1)[1])
    with (
        socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        assert tls.selected_alpn_protocol() == "http/1.1"


def test_an_aiohttp_application_is_refused_at_boot_with_a_hint(tmp_path: Path) -> None:
    (tmp_path / "aiohttp_app.py").write_text("from aiohttp import web\n\napp = web.Application()\n")
    served = _start(tmp_path, target="aiohttp_app:app", pythonpath=tmp_path)
    try:
        assert served.process.wait(TIMEOUT) != 0
    finally:
        _kill_tree(served.process)
    log = served.log()
    assert "import web from aiostrata instead of aiohttp" in log
    assert "Worker failed to boot" in log


def test_sigterm_stops_gunicorn_cleanly(tmp_path: Path) -> None:
    served = _start(tmp_path)
    try:
        _wait_until_serving(served)
        served.process.send_signal(signal.SIGTERM)
        assert served.process.wait(TIMEOUT) == 0
        assert "Shutting down: Master" in served.log()
    finally:
        _kill_tree(served.process)

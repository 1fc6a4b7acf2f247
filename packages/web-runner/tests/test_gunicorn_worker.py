"""GunicornWebWorker under a real gunicorn master, as aiohttp users deploy it.

Every test starts ``python -m gunicorn`` on 127.0.0.1 with a small app module written to
tmp_path, talks to it over real sockets and kills the whole process group afterwards.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from gunicorn_process import TIMEOUT, Gunicorn, get, parent_of, process_state, text_of

from aiostrata.web_runner import gunicorn_worker
from aiostrata.web_runner.access_log import AccessLogger

pytestmark = pytest.mark.timeout(90)

APP_MODULE = textwrap.dedent(
    """
    import asyncio
    import os
    import time
    from pathlib import Path

    from aiostrata.web_app import Application
    from aiostrata.web_response import Response

    HERE = Path(__file__).parent


    async def index(request):
        peer = request.transport.get_extra_info("peername")
        loop = type(asyncio.get_running_loop())
        return Response(
            text="hello from aiostrata",
            headers={
                "X-Worker-Pid": str(os.getpid()),
                "X-Client-Port": str(peer[1]),
                "X-Loop": f"{loop.__module__}.{loop.__qualname__}",
                "X-Made-In": str(request.app.get("made_in", "-")),
            },
        )


    async def slow(request):
        (HERE / f"started-{os.getpid()}").write_text("")
        await asyncio.sleep(float(request.query.get("seconds", "2")))
        return Response(text="slow done", headers={"X-Worker-Pid": str(os.getpid())})


    async def block(request):
        time.sleep(float(request.query["seconds"]))  # a handler that blocks the event loop
        return Response(text="blocked")


    def build():
        app = Application()
        app.router.add_get("/", index)
        app.router.add_get("/slow", slow)
        app.router.add_get("/block", block)
        return app
    """
)

OBJECT_MODULE = "from common_app import build\n\napp = build()\n"

FACTORY_MODULE = textwrap.dedent(
    """
    import asyncio
    import os

    from common_app import build


    async def make_app():
        await asyncio.sleep(0)  # a real coroutine: the worker must await it on its own loop
        app = build()
        app["made_in"] = os.getpid()
        return app
    """
)


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    (tmp_path / "common_app.py").write_text(APP_MODULE)
    (tmp_path / "object_app.py").write_text(OBJECT_MODULE)
    (tmp_path / "factory_app.py").write_text(FACTORY_MODULE)
    return tmp_path


@pytest.fixture
def gunicorn() -> Iterator[list[Gunicorn]]:
    """Collects the masters a test starts; each one's process group is killed afterwards."""
    started: list[Gunicorn] = []
    try:
        yield started
    finally:
        for server in started:
            server.kill_tree()


def serve(
    started: list[Gunicorn], app_dir: Path, target: str, *args: str, **options: object
) -> Gunicorn:
    server = Gunicorn(app_dir, target, list(args), **options)  # type: ignore[arg-type]
    started.append(server)
    server.start()
    return server


def slow_request(port: int, seconds: float) -> socket.socket:
    client = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    client.sendall(
        f"GET /slow?seconds={seconds} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    )
    return client


def read_all(client: socket.socket) -> bytes:
    chunks = []
    while chunk := client.recv(65536):
        chunks.append(chunk)
    client.close()
    return b"".join(chunks)


def worker_of(started_dir: Path) -> int:
    """The pid of the worker whose slow handler started (from its marker file)."""
    markers = list(started_dir.glob("started-*"))
    assert len(markers) == 1, markers
    return int(markers[0].name.removeprefix("started-"))


# ---------------------------------------------------------------------------------------------
# serving
# ---------------------------------------------------------------------------------------------


def test_an_application_object_is_served_by_two_forked_workers(
    app_dir: Path, gunicorn: list[Gunicorn]
) -> None:
    server = serve(gunicorn, app_dir, "object_app:app", "--access-logfile", "-")
    response = server.wait_until_serving()
    assert response.status == 200
    worker = int(response.headers["X-Worker-Pid"])
    assert parent_of(worker) == server.master.pid
    assert response.headers["X-Loop"] == "asyncio.unix_events._UnixSelectorEventLoop"
    log = server.wait_for_log('"GET / HTTP/1.1" 200')
    server.wait_for_log("Booting worker", count=2)
    # gunicorn's default --access-logformat was swapped for aiohttp's: no gunicorn atoms.
    line = next(line for line in log.splitlines() if '"GET / HTTP/1.1"' in line)
    # aiohttp's: %a %t "%r" %s %b "%{Referer}i" "%{User-Agent}i" (http.client sends neither).
    assert line.startswith("127.0.0.1 [")
    assert line.endswith('"-" "-"')


def test_keep_alive_serves_several_requests_on_one_connection(
    app_dir: Path, gunicorn: list[Gunicorn]
) -> None:
    server = serve(gunicorn, app_dir, "object_app:app", "--keep-alive", "5")
    server.wait_until_serving()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    try:
        answers = [text_of(conn, "/") for _ in range(5)]
    finally:
        conn.close()
    assert [body for _, body in answers] == ["hello from aiostrata"] * 5
    assert len({response.headers["X-Client-Port"] for response, _ in answers}) == 1
    assert len({response.headers["X-Worker-Pid"] for response, _ in answers}) == 1
    assert all(response.headers.get("Connection") != "close" for response, _ in answers)


def test_keep_alive_timeout_is_gunicorns_keep_alive_setting(
    app_dir: Path, gunicorn: list[Gunicorn]
) -> None:
    server = serve(gunicorn, app_dir, "object_app:app", "--keep-alive", "1")
    server.wait_until_serving()
    client = socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT)
    try:
        client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        # The worker closes the idle connection after about one second: recv sees the EOF.
        received = read_all(client)
    finally:
        client.close()
    assert received.startswith(b"HTTP/1.1 200 OK\r\n")
    assert received.endswith(b"hello from aiostrata")


def test_an_async_factory_is_awaited_inside_each_worker(
    app_dir: Path, gunicorn: list[Gunicorn]
) -> None:
    server = serve(gunicorn, app_dir, "factory_app:make_app")
    response = server.wait_until_serving()
    assert response.status == 200
    # Made by the worker that serves it, not by the master before forking.
    assert response.headers["X-Made-In"] == response.headers["X-Worker-Pid"]
    assert int(response.headers["X-Made-In"]) != server.master.pid


def test_a_custom_aiohttp_style_access_log_format_is_used(
    app_dir: Path, gunicorn: list[Gunicorn]
) -> None:
    server = serve(
        gunicorn,
        app_dir,
        "object_app:app",
        "--access-logfile",
        "-",
        "--access-logformat",
        'custom %a "%r" %s pid=%P ua=%{User-Agent}i',
    )
    server.wait_until_serving()
    log = server.wait_for_log('custom 127.0.0.1 "GET / HTTP/1.1" 200 pid=<')
    line = next(line for line in log.splitlines() if line.startswith("custom "))
    assert line.endswith("> ua=-")


def test_the_uvloop_worker_runs_on_uvloop(app_dir: Path, gunicorn: list[Gunicorn]) -> None:
    pytest.importorskip("uvloop")
    server = serve(
        gunicorn,
        app_dir,
        "factory_app:make_app",
        worker_class="aiostrata.web_runner.GunicornUVLoopWebWorker",
    )
    response = server.wait_until_serving()
    assert response.status == 200
    assert response.headers["X-Loop"].startswith("uvloop")
    assert response.headers["X-Made-In"] == response.headers["X-Worker-Pid"]


def test_the_documented_module_path_of_the_worker_works(
    app_dir: Path, gunicorn: list[Gunicorn]
) -> None:
    server = serve(
        gunicorn,
        app_dir,
        "object_app:app",
        worker_class="aiostrata.web_runner.gunicorn_worker.GunicornWebWorker",
    )
    assert server.wait_until_serving().status == 200


# ---------------------------------------------------------------------------------------------
# lifecycle: graceful stop, max-requests, heartbeat, lost master, signals
# ---------------------------------------------------------------------------------------------


def test_sigterm_to_the_master_lets_the_request_in_flight_finish(
    app_dir: Path, gunicorn: list[Gunicorn]
) -> None:
    server = serve(gunicorn, app_dir, "object_app:app")
    server.wait_until_serving()
    client = slow_request(server.port, 1.5)
    wait_for_file_glob(app_dir, "started-*")
    server.master.send_signal(signal.SIGTERM)
    received = read_all(client)
    assert received.startswith(b"HTTP/1.1 200 OK\r\n")
    assert received.endswith(b"slow done")
    assert server.wait_exit() == 0
    assert "Shutting down: Master" in server.log()


def test_sigquit_to_a_worker_is_graceful_and_the_master_replaces_it(
    app_dir: Path, gunicorn: list[Gunicorn]
) -> None:
    server = serve(gunicorn, app_dir, "object_app:app", workers=1)
    server.wait_until_serving()
    client = slow_request(server.port, 1.0)
    wait_for_file_glob(app_dir, "started-*")
    worker = worker_of(app_dir)
    os.kill(worker, signal.SIGQUIT)
    received = read_all(client)
    assert received.endswith(b"slow done")
    # The master forks a new worker, which serves the next request.
    deadline = time.monotonic() + TIMEOUT
    while True:
        pid = int(get(server.port).headers["X-Worker-Pid"])
        if pid != worker:
            break
        assert time.monotonic() < deadline, "the worker was never replaced"
        time.sleep(0.1)
    assert server.master.poll() is None


def test_sigabrt_to_a_worker_exits_it_with_code_1(app_dir: Path, gunicorn: list[Gunicorn]) -> None:
    server = serve(gunicorn, app_dir, "object_app:app", workers=1)
    worker = int(server.wait_until_serving().headers["X-Worker-Pid"])
    os.kill(worker, signal.SIGABRT)
    server.wait_for_log(f"Worker (pid:{worker}) exited with code 1")
    assert int(server.wait_until_serving().headers["X-Worker-Pid"]) != worker


def test_sigwinch_to_a_worker_is_ignored(app_dir: Path, gunicorn: list[Gunicorn]) -> None:
    server = serve(gunicorn, app_dir, "object_app:app", workers=1)
    worker = int(server.wait_until_serving().headers["X-Worker-Pid"])
    os.kill(worker, signal.SIGWINCH)
    for _ in range(3):
        assert int(get(server.port).headers["X-Worker-Pid"]) == worker
    assert process_state(worker) not in (None, "Z")


def test_max_requests_restarts_the_worker(app_dir: Path, gunicorn: list[Gunicorn]) -> None:
    server = serve(gunicorn, app_dir, "object_app:app", "--max-requests", "3", workers=1)
    first = server.wait_until_serving().headers["X-Worker-Pid"]
    pids = [first]
    deadline = time.monotonic() + TIMEOUT
    while len(set(pids)) < 2:
        assert time.monotonic() < deadline, f"still one worker after {len(pids)} requests"
        try:
            pids.append(get(server.port).headers["X-Worker-Pid"])
        except OSError:  # the instant between the old worker closing and the new one booting
            time.sleep(0.05)
        time.sleep(0.05)
    assert pids.count(first) >= 3  # it served its quota before it was replaced
    assert "Max requests, shutting down" in server.log()
    assert server.master.poll() is None


def test_the_heartbeat_keeps_a_busy_worker_alive_past_the_timeout(
    app_dir: Path, gunicorn: list[Gunicorn]
) -> None:
    # Without notify() the master would kill the worker 2 s into the 3.5 s request.
    server = serve(gunicorn, app_dir, "object_app:app", "--timeout", "2", workers=1)
    server.wait_until_serving()
    received = read_all(slow_request(server.port, 3.5))
    assert received.endswith(b"slow done")
    assert "WORKER TIMEOUT" not in server.log()


def test_a_worker_whose_loop_is_blocked_is_killed_by_the_watchdog(
    app_dir: Path, gunicorn: list[Gunicorn]
) -> None:
    # The heartbeat is what the master's --timeout watches: once it stops, the worker dies.
    server = serve(gunicorn, app_dir, "object_app:app", "--timeout", "2", workers=1)
    worker = int(server.wait_until_serving().headers["X-Worker-Pid"])
    client = socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT)
    try:
        client.sendall(b"GET /block?seconds=30 HTTP/1.1\r\nHost: x\r\n\r\n")
        server.wait_for_log(f"WORKER TIMEOUT (pid:{worker})")
        assert read_all(client) == b""  # killed mid-request: the connection just closes
    finally:
        client.close()
    assert int(server.wait_until_serving().headers["X-Worker-Pid"]) != worker


def test_a_worker_whose_master_died_shuts_itself_down(
    app_dir: Path, gunicorn: list[Gunicorn]
) -> None:
    server = serve(gunicorn, app_dir, "object_app:app", workers=1)
    worker = int(server.wait_until_serving().headers["X-Worker-Pid"])
    server.master.kill()
    server.master.wait(TIMEOUT)
    deadline = time.monotonic() + TIMEOUT
    while process_state(worker) not in (None, "Z"):
        assert time.monotonic() < deadline, "the orphaned worker kept running"
        time.sleep(0.1)
    assert "Parent changed, shutting down" in server.log()


def test_sigusr1_reopens_the_access_log(app_dir: Path, gunicorn: list[Gunicorn]) -> None:
    access_log = app_dir / "access.log"
    server = serve(gunicorn, app_dir, "object_app:app", "--access-logfile", str(access_log))
    server.wait_until_serving()
    rotated = app_dir / "access.log.1"
    access_log.rename(rotated)  # what logrotate does before it signals the server
    server.master.send_signal(signal.SIGUSR1)
    deadline = time.monotonic() + TIMEOUT
    while not (access_log.exists() and "GET / HTTP/1.1" in access_log.read_text()):
        assert time.monotonic() < deadline, "no worker reopened the access log"
        get(server.port)
        time.sleep(0.1)
    assert "GET / HTTP/1.1" in rotated.read_text()


# ---------------------------------------------------------------------------------------------
# boot failures
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "hint"),
    [
        ("def app(environ, start_response):\n    return []\n", "a plain function"),
        ("class App:\n    def __call__(self):\n        return self\n\napp = App()\n", "got <"),
        ("async def app():\n    return 42\n", "it returned 42"),
    ],
    ids=["wsgi-function", "other-callable", "factory-returning-junk"],
)
def test_a_bad_app_object_fails_to_boot_with_a_clear_message(
    app_dir: Path, gunicorn: list[Gunicorn], module: str, hint: str
) -> None:
    (app_dir / "bad_app.py").write_text(module)
    server = serve(gunicorn, app_dir, "bad_app:app")
    assert server.wait_exit() != 0
    log = server.log()
    assert "aiostrata.web_app.Application" in log
    assert hint in log
    assert "Worker failed to boot" in log


def test_the_uvloop_worker_without_uvloop_fails_to_boot_saying_so(
    app_dir: Path, gunicorn: list[Gunicorn]
) -> None:
    # app_dir is first on PYTHONPATH: this module shadows any installed uvloop.
    (app_dir / "uvloop.py").write_text('raise ImportError("no uvloop in this test")\n')
    server = serve(
        gunicorn,
        app_dir,
        "object_app:app",
        worker_class="aiostrata.web_runner.GunicornUVLoopWebWorker",
    )
    assert server.wait_exit() != 0
    log = server.log()
    assert "GunicornUVLoopWebWorker needs uvloop, which is not installed" in log
    assert "Worker failed to boot" in log


def test_a_gunicorn_style_access_log_format_fails_to_boot(
    app_dir: Path, gunicorn: list[Gunicorn]
) -> None:
    server = serve(gunicorn, app_dir, "object_app:app", "--access-logformat", '%(h)s "%(r)s" %(s)s')
    assert server.wait_exit() != 0
    log = server.log()
    assert "gunicorn-style access log atoms such as %(h)s are not supported" in log
    assert "Worker failed to boot" in log


# ---------------------------------------------------------------------------------------------
# the module itself
# ---------------------------------------------------------------------------------------------


def test_gunicorns_default_access_log_format_becomes_aiohttps() -> None:
    from gunicorn.config import AccessLogFormat

    assert gunicorn_worker.access_log_format_for(AccessLogFormat.default) == (
        AccessLogger.LOG_FORMAT
    )
    assert gunicorn_worker.access_log_format_for("%a %s") == "%a %s"
    with pytest.raises(ValueError, match=r"%\(h\)s"):
        gunicorn_worker.access_log_format_for("%(h)s %a")


def test_web_runner_imports_without_gunicorn_and_loads_the_workers_lazily() -> None:
    probe = textwrap.dedent(
        """
        import sys
        import aiostrata.web_runner as web_runner
        assert "gunicorn" not in sys.modules, "importing web_runner imported gunicorn"
        worker = web_runner.GunicornWebWorker
        assert "gunicorn" in sys.modules
        from aiostrata.web_runner.gunicorn_worker import GunicornWebWorker
        assert worker is GunicornWebWorker
        assert web_runner.GunicornUVLoopWebWorker.__mro__[1] is GunicornWebWorker
        try:
            web_runner.NoSuchThing
        except AttributeError as exc:
            assert "NoSuchThing" in str(exc)
        else:
            raise AssertionError("an unknown name did not raise AttributeError")
        from aiostrata.web_runner import *
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def wait_for_file_glob(directory: Path, pattern: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not list(directory.glob(pattern)):
        if time.monotonic() > deadline:
            raise AssertionError(f"nothing matching {pattern} appeared in {directory}")
        time.sleep(0.02)

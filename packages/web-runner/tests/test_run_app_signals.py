"""run_app in a real process: SIGTERM stops it gracefully, finishing the request in flight."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

SCRIPT = textwrap.dedent(
    """
    import asyncio, sys
    from aiostrata.web_app import Application
    from aiostrata.web_response import Response
    from aiostrata.web_runner import run_app

    async def slow(request):
        print("handler started", flush=True)
        await asyncio.sleep(0.5)
        return Response(text="finished despite SIGTERM")

    async def on_cleanup(app):
        print("cleanup ran", flush=True)

    app = Application()
    app.router.add_get("/slow", slow)
    app.on_cleanup.append(on_cleanup)
    run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=lambda *a: print(*a, flush=True),
            shutdown_timeout=5)
    print("exited", flush=True)
    """
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_sigterm_lets_the_request_in_flight_finish(tmp_path: Path) -> None:
    script = tmp_path / "serve.py"
    script.write_text(SCRIPT)
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(script), str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        banner = proc.stdout.readline()
        assert f"Running on http://127.0.0.1:{port}" in banner
        proc.stdout.readline()  # "(Press CTRL+C to quit)"
        client = socket.create_connection(("127.0.0.1", port), timeout=10)
        client.sendall(b"GET /slow HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        assert proc.stdout.readline().strip() == "handler started"
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.05)
        received = b""
        while chunk := client.recv(65536):
            received += chunk
        client.close()
        out, _ = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert received.startswith(b"HTTP/1.1 200 OK\r\n")
    assert received.endswith(b"finished despite SIGTERM")
    assert out.splitlines() == ["cleanup ran", "exited"]
    assert proc.returncode == 0

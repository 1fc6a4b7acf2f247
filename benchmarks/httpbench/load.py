"""Checking a server's answers, and putting it under load while watching its CPU.

Before anything is timed, every endpoint of every server is asked once over a plain
http.client connection (or a short websocket echo) and its answer compared with
``payloads``: a wrong answer is a FAIL and that cell is never measured. Load comes from
wrk (HTTP; one thread, since it is pinned to one core) or from ``ws_client`` (websockets),
both under ``taskset`` on the client CPU and both bounded by a subprocess timeout.
"""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from httpbench import procstat
from httpbench.catalog import Scenario
from httpbench.servers import BENCH_DIR, Server, clean_env


@dataclass
class Tools:
    """Where wrk and taskset are, which CPUs to pin to, which python runs servers/clients."""

    wrk: str
    taskset: str
    python: str
    server_cpu: int
    client_cpu: int
    connections: int
    ws_connections: int
    saturation: float = 90.0  # server CPU % below which a run is client-bound
    max_foreign: float = 10.0  # % of a pinned core others may use in a client-bound run ...
    retries: int = 2  # ... before it is redone, at most this often per measurement ...
    retry_budget: int = 20  # ... and over the whole bench
    scripts: dict[str, Path] = field(default_factory=dict)  # scenario name -> wrk lua script


@dataclass
class Run:
    """One measured run of one scenario against one server."""

    rate: float = 0.0  # requests/s (ws: echoed messages/s)
    requests: int = 0
    errors: int = 0  # socket errors + non-2xx (wrk), failed connections/echoes (ws)
    p50_ms: float | None = None
    p99_ms: float | None = None
    server_cpu_pct: float | None = None
    client_cpu_pct: float | None = None
    foreign_pct: float | None = None  # the most CPU others took from a pinned core, in %
    attempts: int = 1
    failure: str | None = None  # set when the run produced no usable figure

    def noisy(self, max_foreign: float) -> bool:
        return self.foreign_pct is not None and self.foreign_pct > max_foreign

    def client_bound(self, threshold: float) -> bool:
        return self.server_cpu_pct is None or self.server_cpu_pct < threshold


# ---------------------------------------------------------------------------------- checks


def check_http(server: Server, scenario: Scenario, *, ceiling: bool) -> str | None:
    """None when the endpoint answers as it should, else why not."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request(
            scenario.method,
            scenario.path,
            body=scenario.body or None,
            headers=dict(scenario.headers),
        )
        response = conn.getresponse()
        body = response.read()
        headers = {k.lower(): v for k, v in response.getheaders()}
    except (OSError, http.client.HTTPException) as exc:
        return f"request failed: {exc!r}"
    finally:
        conn.close()
    check = scenario.ceiling_check if ceiling else scenario.check
    return check(response.status, headers, body)


def check_ws(tools: Tools, server: Server) -> str | None:
    """A short echo run over one connection: every echo must come back unchanged."""
    result = _ws_client(tools, server, connections=1, duration=0.3, warmup=0.0)
    if result.failure:
        return result.failure
    if result.errors or not result.requests:
        return f"websocket echo: {result.requests} messages, {result.errors} errors"
    return None


# ---------------------------------------------------------------------------------- wrk


def write_wrk_scripts(folder: Path, scenarios: list[Scenario]) -> dict[str, Path]:
    """A lua script per scenario that needs a method, headers or a body beyond a plain GET.

    Generated from the same Scenario the check uses, so both send the same request.
    """
    scripts: dict[str, Path] = {}
    for scenario in scenarios:
        if scenario.websocket or (
            scenario.method == "GET" and not scenario.headers and not scenario.body
        ):
            continue
        lines = [
            f"-- {scenario.name}: {scenario.description}",
            f"wrk.method = {_lua(scenario.method)}",
        ]
        for name, value in scenario.headers:
            lines.append(f"wrk.headers[{_lua(name)}] = {_lua(value)}")
        if scenario.body:
            if scenario.body == b"x" * len(scenario.body):
                lines.append(f'wrk.body = string.rep("x", {len(scenario.body)})')
            else:
                lines.append(f"wrk.body = {_lua(scenario.body.decode('latin-1'))}")
        path = folder / f"{scenario.name}.lua"
        path.write_text("\n".join(lines) + "\n")
        scripts[scenario.name] = path
    return scripts


def _lua(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


_LATENCY = re.compile(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m)\s*$", re.MULTILINE)
_UNIT_MS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def parse_wrk(text: str) -> dict[str, Any]:
    """requests/s, request count, errors and p50/p99 from wrk's --latency output."""
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.MULTILINE)
    count = re.search(r"(\d+) requests in", text)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    latency = {int(m[1]): float(m[2]) * _UNIT_MS[m[3]] for m in _LATENCY.finditer(text)}
    return {
        "rate": float(rate[1]) if rate else 0.0,
        "requests": int(count[1]) if count else 0,
        "errors": (sum(int(x) for x in sockets.groups()) if sockets else 0)
        + (int(non2xx[1]) if non2xx else 0),
        "p50_ms": latency.get(50),
        "p99_ms": latency.get(99),
    }


def wrk(tools: Tools, server: Server, scenario: Scenario, seconds: float, *, record: bool) -> Run:
    """One wrk run; with ``record`` it also measures server and wrk CPU use over the run."""
    command = [
        tools.taskset, "-c", str(tools.client_cpu),
        tools.wrk, "-t1", f"-c{tools.connections}", f"-d{max(1, round(seconds))}s", "--latency",
    ]  # fmt: skip
    script = tools.scripts.get(scenario.name)
    if script:
        command += ["-s", str(script)]
    command.append(f"http://127.0.0.1:{server.port}{scenario.path}")
    cores = (tools.server_cpu, tools.client_cpu)
    server_before = procstat.cpu_seconds(server.pid)
    busy_before = procstat.cores_busy_seconds(cores)
    client_before = procstat.children_cpu_seconds()
    started = time.monotonic()
    try:
        done = subprocess.run(  # noqa: S603 - fixed argv, no shell
            command, capture_output=True, text=True, timeout=seconds + 30, check=False
        )
    except subprocess.TimeoutExpired:
        return Run(failure=f"wrk did not finish within {seconds + 30:.0f} s")
    wall = time.monotonic() - started
    server_after = procstat.cpu_seconds(server.pid)
    busy_after = procstat.cores_busy_seconds(cores)
    client_used = procstat.children_cpu_seconds() - client_before
    if not record:
        return Run()
    run = Run(**parse_wrk(done.stdout))
    run.client_cpu_pct = 100.0 * client_used / wall
    if server_before is not None and server_after is not None:
        run.server_cpu_pct = 100.0 * (server_after - server_before) / wall
        own = {tools.server_cpu: server_after - server_before, tools.client_cpu: client_used}
        run.foreign_pct = procstat.foreign_pct(busy_before, busy_after, own, wall)
    if done.returncode or not run.requests:
        tail = (done.stdout + done.stderr).strip().splitlines()[-2:]
        run.failure = f"wrk exit {done.returncode}: {' | '.join(tail)}"
    elif not server.alive():
        run.failure = f"server died during the run: {server.log_tail()}"
    return run


# ---------------------------------------------------------------------------------- websockets


def _ws_client(
    tools: Tools, server: Server, *, connections: int, duration: float, warmup: float
) -> Run:
    command = [
        tools.taskset, "-c", str(tools.client_cpu), tools.python, "-m", "httpbench.ws_client",
        "--port", str(server.port), "--server-pid", str(server.pid),
        "--server-core", str(tools.server_cpu), "--client-core", str(tools.client_cpu),
        "--connections", str(connections), "--duration", str(duration), "--warmup", str(warmup),
    ]  # fmt: skip
    try:
        done = subprocess.run(  # noqa: S603 - fixed argv, no shell
            command,
            capture_output=True,
            text=True,
            timeout=duration + warmup + 60,
            cwd=BENCH_DIR,
            env=clean_env({}),
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Run(failure=f"websocket client did not finish within {duration + warmup + 60:.0f} s")
    try:
        result = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        tail = (done.stdout + done.stderr).strip().splitlines()[-2:]
        return Run(failure=f"websocket client gave no result: {' | '.join(tail)}")
    run = Run(
        rate=result.get("rate", 0.0),
        requests=result.get("messages", 0),
        errors=result.get("errors", 0),
        p50_ms=result.get("p50_ms"),
        p99_ms=result.get("p99_ms"),
        server_cpu_pct=result.get("server_cpu_pct"),
        client_cpu_pct=result.get("client_cpu_pct"),
        foreign_pct=result.get("foreign_pct"),
    )
    if result.get("failures") or not run.requests:
        run.failure = "; ".join(result.get("failures") or ["no message echoed"])
    return run


def _measure_once(
    tools: Tools, server: Server, scenario: Scenario, duration: float, warmup: float
) -> Run:
    if scenario.websocket:  # the client warms up itself, on connections it then keeps
        return _ws_client(
            tools, server, connections=tools.ws_connections, duration=duration, warmup=warmup
        )
    if warmup > 0:
        wrk(tools, server, scenario, warmup, record=False)
    return wrk(tools, server, scenario, duration, record=True)


def _wait_for_quiet(tools: Tools, limit: float) -> None:
    """Wait (at most ``limit`` s) for a half second in which others leave both cores be.

    Between runs our own servers are idle, so whatever keeps a pinned core busy is foreign.
    """
    cores = (tools.server_cpu, tools.client_cpu)
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = procstat.cores_busy_seconds(cores)
        time.sleep(0.5)
        after = procstat.cores_busy_seconds(cores)
        foreign = procstat.foreign_pct(before, after, dict.fromkeys(cores, 0.0), 0.5)
        if foreign is None or foreign <= tools.max_foreign:
            return


def measure(
    tools: Tools, server: Server, scenario: Scenario, duration: float, warmup: float
) -> Run:
    """Warm up (unrecorded), then one measured run; redone if noise starved the server.

    A run that did not saturate the server while other processes took more than
    ``max_foreign`` % of a pinned core measured the noise, not the server or the client:
    it is redone (within ``retries`` and the bench-wide ``retry_budget``) and the attempt
    with the least foreign load is kept. The choice looks at the machine's noise only,
    never at throughput, and applies alike to every implementation. A saturated run needs
    no re-run: the server had its core, whatever ran on the other one.
    """
    attempts: list[Run] = []
    for attempt in range(1 + tools.retries):
        if attempt:
            if tools.retry_budget <= 0:
                break
            tools.retry_budget -= 1
            _wait_for_quiet(tools, limit=10.0)
        run = _measure_once(tools, server, scenario, duration, warmup)
        attempts.append(run)
        starved = run.client_bound(tools.saturation) and run.noisy(tools.max_foreign)
        if run.failure or not starved:
            break
    kept = min(attempts, key=lambda r: (r.failure is not None, r.foreign_pct or 0.0))
    kept.attempts = len(attempts)
    return kept

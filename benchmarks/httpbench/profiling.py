"""Two figures that explain the throughput: Python calls per request, and import time.

Calls per request: the server runs under cProfile, switched on by SIGUSR1 after a warm-up
and off by SIGUSR2 after one short wrk run (see app.install_profiler_switch), so start-up
and warm-up stay out. The requests served in that window are the calls of the scenario's
handler in the same profile, which makes the figure independent of wrk's bookkeeping.
cProfile files functions implemented in C (builtins, methods of C types such as
httptools' parser or multidict) under the file name "~": those are the C-level calls,
every other entry is a Python function. Profiling slows the server several-fold, so these
runs are never timed.

Import time: a fresh interpreter per sample, pinned like a server, times ``import X`` with
perf_counter inside the process (interpreter start-up is outside the figure), after one
untimed run that leaves the .pyc files written; the two packages alternate, median of N.
"""

from __future__ import annotations

import os
import pstats
import signal
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from httpbench import load
from httpbench.catalog import Impl, Scenario
from httpbench.servers import BENCH_DIR, Server, ServerGroup, clean_env

HANDLERS = {"plaintext": "plaintext", "browser": "plaintext"}  # scenario -> handler in app.py


@dataclass
class CallCount:
    impl: str
    scenario: str
    requests: int = 0
    python_calls: float = 0.0  # per request
    c_calls: float = 0.0  # per request
    top: list[tuple[str, float]] = field(default_factory=list)  # Python functions, per request
    failure: str | None = None


def _short(filename: str, line: int, name: str) -> str:
    for marker in ("/aiostrata/", "/aiohttp/", "/asyncio/", "/multidict/", "/yarl/", "/httpbench/"):
        at = filename.rfind(marker)
        if at >= 0:
            return f"{filename[at + 1 :]}:{line}({name})"
    return f"{Path(filename).name}:{line}({name})"


def read_profile(path: Path, handler: str, top: int = 12) -> CallCount:
    """Calls per request from a cProfile dump; each call of ``handler`` is one request."""
    raw = pstats.Stats(str(path)).stats  # type: ignore[attr-defined]
    requests = sum(
        value[1]
        for (filename, _line, name), value in raw.items()
        if name == handler and filename.endswith(os.path.join("httpbench", "app.py"))
    )
    count = CallCount(impl="", scenario="", requests=requests)
    if not requests:
        count.failure = "the handler never ran while profiling"
        return count
    python = [(key, value[1]) for key, value in raw.items() if key[0] != "~"]
    count.python_calls = sum(n for _, n in python) / requests
    count.c_calls = sum(value[1] for key, value in raw.items() if key[0] == "~") / requests
    python.sort(key=lambda item: item[1], reverse=True)
    count.top = [(_short(*key), n / requests) for key, n in python[:top]]
    return count


def calls_per_request(
    tools: load.Tools,
    impl: Impl,
    scenario: Scenario,
    extra_env: dict[str, str],
    workdir: Path,
    *,
    warmup: float,
    seconds: float,
) -> CallCount:
    """Profile one short wrk run of ``scenario`` against a fresh server of ``impl``."""
    out = workdir / f"profile-{impl.name}-{scenario.name}.pstats"
    env = {**impl.env, **extra_env, "BENCH_PROFILE": str(out)}
    result = CallCount(impl.name, scenario.name)
    with ServerGroup() as group:
        server = group.add(
            (impl.name, "profile"),
            Server(
                f"{impl.name}-profile",
                impl.module,
                env,
                python=tools.python,
                taskset=tools.taskset,
                cpu=tools.server_cpu,
                log_path=workdir / f"profile-{impl.name}-{scenario.name}.log",
            ),
        )
        if not server.wait_ready():
            result.failure = f"server did not start: {server.log_tail()}"
            return result
        problem = load.check_http(server, scenario, ceiling=False)
        if problem:
            result.failure = f"check failed: {problem}"
            return result
        load.wrk(tools, server, scenario, warmup, record=False)
        os.kill(server.pid, signal.SIGUSR1)
        run = load.wrk(tools, server, scenario, seconds, record=True)
        os.kill(server.pid, signal.SIGUSR2)
        deadline = time.monotonic() + 30
        while not out.exists() and time.monotonic() < deadline and server.alive():
            time.sleep(0.05)
        if run.failure or not out.exists():
            result.failure = run.failure or f"no profile written: {server.log_tail()}"
            return result
    counted = read_profile(out, HANDLERS[scenario.name])
    counted.impl, counted.scenario = impl.name, scenario.name
    return counted


@dataclass
class ImportTime:
    module: str
    median_ms: float | None = None
    min_ms: float | None = None
    modules_loaded: int | None = None  # entries added to sys.modules by the import
    failure: str | None = None


_TIMED_IMPORT = (
    "import sys, time; before = len(sys.modules); t = time.perf_counter(); import {module}; "
    "print(time.perf_counter() - t, len(sys.modules) - before)"
)


def import_times(tools: load.Tools, modules: list[str], runs: int) -> list[ImportTime]:
    """Median import time of each module, fresh interpreter per sample, samples alternating."""
    results = {m: ImportTime(m) for m in modules}
    samples: dict[str, list[float]] = {m: [] for m in modules}
    # Without this, attempt 0 could not write the .pyc it is there to warm, and every sample
    # would time compiling sources (uv installs no bytecode), which deployments do not pay.
    env = {k: v for k, v in clean_env({}).items() if k != "PYTHONDONTWRITEBYTECODE"}
    for attempt in range(runs + 1):  # attempt 0 warms the .pyc and page caches, not kept
        for module in modules:
            if results[module].failure:
                continue
            command = [
                tools.taskset, "-c", str(tools.server_cpu), tools.python, "-c",
                _TIMED_IMPORT.format(module=module),
            ]  # fmt: skip
            try:
                done = subprocess.run(  # noqa: S603 - fixed argv, no shell
                    command,
                    capture_output=True,
                    text=True,
                    timeout=60,
                    cwd=BENCH_DIR,
                    env=env,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                results[module].failure = "import took over 60 s"
                continue
            if done.returncode:
                lines = done.stderr.strip().splitlines() or ["?"]
                results[module].failure = lines[-1]
                continue
            seconds, loaded = done.stdout.split()
            results[module].modules_loaded = int(loaded)
            if attempt:
                samples[module].append(1000.0 * float(seconds))
    for module, values in samples.items():
        if values:
            results[module].median_ms = statistics.median(values)
            results[module].min_ms = min(values)
    return list(results.values())

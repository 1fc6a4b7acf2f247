"""Options and the order things run in: probe, then rounds, then profile and import time.

A round starts a fresh server per implementation (and per server variant the chosen
scenarios need), checks every endpoint of every server, then, scenario by scenario, runs
the implementations one after the other in an order rotated by one each round, each run
after its own warm-up. Interleaving spreads slow drifts of the machine (thermal, other
tenants) over all implementations instead of charging them to whichever ran last. All
servers of a round are stopped at its end, whatever happened.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, NoReturn

from httpbench import load, payloads, procstat, profiling, report
from httpbench.catalog import (
    IMPLS,
    PROFILED,
    PROFILED_SCENARIOS,
    SCENARIOS,
    Impl,
    Scenario,
)
from httpbench.servers import BENCH_DIR, Server, ServerGroup, clean_env

VERSIONS = ("aiostrata", "aiostrata-http-parser", "aiohttp", "multidict", "yarl", "httptools",
            "uvloop")  # fmt: skip


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="http_bench.py",
        description="aiostrata vs aiohttp vs a raw asyncio ceiling, interleaved, on 127.0.0.1.",
        epilog="Run throughput benches one at a time (e.g. under `flock /tmp/bench.lock`).",
    )
    p.add_argument("--impls", default=",".join(IMPLS), help="comma list from: " + ", ".join(IMPLS))
    p.add_argument(
        "--scenarios", default=",".join(SCENARIOS), help="comma list from: " + ", ".join(SCENARIOS)
    )
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--duration", type=int, default=5, help="measured seconds per run")
    p.add_argument("--warmup", type=int, default=1, help="unmeasured seconds before each run")
    p.add_argument("--connections", type=int, default=64, help="wrk connections (-t1)")
    p.add_argument("--ws-connections", type=int, default=32)
    p.add_argument("--server-cpu", type=int, default=0)
    p.add_argument("--client-cpu", type=int, default=1)
    p.add_argument("--python", default=sys.executable, help="interpreter for the servers")
    p.add_argument("--saturation", type=float, default=90.0,
                   help="server CPU %% below which a run counts as client-bound")  # fmt: skip
    p.add_argument("--max-foreign", type=float, default=10.0,
                   help="redo a client-bound run when other processes took more than this "
                        "%% of a pinned core")  # fmt: skip
    p.add_argument("--retries", type=int, default=2, help="re-runs per measurement for that")
    p.add_argument("--profile-seconds", type=int, default=2,
                   help="wrk run profiled for calls per request (0: skip)")  # fmt: skip
    p.add_argument("--import-runs", type=int, default=7, help="import-time samples (0: skip)")
    p.add_argument("--report", type=Path, help="also write the markdown report here")
    p.add_argument("--json", type=Path, help="also write every run's figures here")
    p.add_argument("--keep", action="store_true", help="keep the work folder (server logs)")
    return p.parse_args(argv)


def _pick(text: str, known: dict[str, Any], what: str) -> list[Any]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in known]
    if unknown:
        sys.exit(f"unknown {what}: {', '.join(unknown)}; known: {', '.join(known)}")
    return [known[n] for n in names]


def _tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if not found:
        sys.exit(
            f"{name} not found on PATH: install it (Debian/Ubuntu: apt-get install {package}). "
            "`nox -s bench` installs wrk by itself when it runs as root."
        )
    return found


def _python_says(python: str, code: str, env: dict[str, str]) -> tuple[bool, str]:
    try:
        done = subprocess.run(  # noqa: S603 - fixed argv, no shell
            [python, "-c", code], capture_output=True, text=True, timeout=60, env=env,
            cwd=BENCH_DIR, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, repr(exc)
    if done.returncode:
        lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
        return False, lines[-1]
    return True, done.stdout.strip()


def _meta(args: argparse.Namespace, tools: load.Tools) -> dict[str, Any]:
    model = "?"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    code = (
        "import importlib.metadata as m, sys\n"
        f"for d in {VERSIONS!r}:\n"
        "    try: print(d + ' ' + m.version(d))\n"
        "    except m.PackageNotFoundError: pass\n"
    )
    _, versions = _python_says(tools.python, code, clean_env({}))
    _, version = _python_says(tools.python, "import sys; print(sys.version.split()[0])", {})
    wrk = subprocess.run([tools.wrk, "-v"], capture_output=True, text=True, timeout=10, check=False)  # noqa: S603
    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "host": f"{model}, {len(procstat.usable_cpus())} usable CPUs, {platform.platform()}",
        "python": f"{version} ({tools.python})",
        "wrk": (wrk.stdout + wrk.stderr).split("Copyright")[0].strip(),
        "versions": ", ".join(versions.splitlines()),
        "settings": (
            f"{args.rounds} rounds x {args.duration} s measured after {args.warmup} s warm-up; "
            f"wrk -t1 -c{args.connections}; ws {args.ws_connections} connections; server on "
            f"CPU {args.server_cpu}, load on CPU {args.client_cpu}; order rotated per round; "
            f"saturated = server CPU ≥ {args.saturation:.0f} %; an unsaturated run is redone "
            f"(≤ {args.retries}x) when others took > {args.max_foreign:.0f} % of a pinned core"
        ),
        "command": "benchmarks/http_bench.py " + " ".join(sys.argv[1:]),
    }


def _variant_of(scenario: Scenario, impl: Impl) -> str:
    return "main" if impl.ceiling else scenario.variant


def _log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def run_round(
    rnd: int, args: argparse.Namespace, tools: load.Tools, res: report.Results, workdir: Path,
    base_env: dict[str, str],
) -> None:  # fmt: skip
    shift = rnd % len(res.impls)
    order = res.impls[shift:] + res.impls[:shift]
    variants: dict[str, dict[str, str]] = {"main": {}}
    variants |= {s.variant: s.variant_env for s in res.scenarios}
    with ServerGroup() as group:
        for impl in order:
            for variant, variant_env in variants.items():
                if impl.ceiling and variant != "main":
                    continue
                group.add(
                    (impl.name, variant),
                    Server(
                        f"{impl.name}/{variant}", impl.module,
                        {**impl.env, **base_env, **variant_env},
                        python=tools.python, taskset=tools.taskset, cpu=tools.server_cpu,
                        log_path=workdir / f"r{rnd + 1}-{impl.name}-{variant}.log",
                    ),
                )  # fmt: skip
        for (name, variant), server in group:
            if not server.wait_ready():
                for s in res.scenarios:
                    if _variant_of(s, IMPLS[name]) == variant:
                        res.failures.setdefault(
                            (s.name, name), f"server did not start: {server.log_tail()}"
                        )
        time.sleep(0.5)
        idle = {name: srv.memory("VmRSS") for (name, v), srv in group if v == "main"}
        for scenario in res.scenarios:  # the correctness gate: nothing wrong gets timed
            for impl in order:
                key = (scenario.name, impl.name)
                if key in res.failures or not scenario.runs_on(impl):
                    continue
                server = group.servers[(impl.name, _variant_of(scenario, impl))]
                if scenario.websocket:
                    problem = load.check_ws(tools, server)
                else:
                    problem = load.check_http(server, scenario, ceiling=impl.ceiling)
                if problem:
                    res.failures[key] = f"round {rnd + 1}: wrong answer: {problem}"
                    _log(f"r{rnd + 1} {scenario.name:10s} {impl.name:20s} CHECK FAILED: {problem}")
        for scenario in res.scenarios:
            for impl in order:
                key = (scenario.name, impl.name)
                if key in res.failures or not scenario.runs_on(impl):
                    continue
                server = group.servers[(impl.name, _variant_of(scenario, impl))]
                if not server.alive():
                    res.failures[key] = f"round {rnd + 1}: server died: {server.log_tail()}"
                    continue
                run = load.measure(tools, server, scenario, args.duration, args.warmup)
                res.runs.setdefault(key, []).append(run)
                _log(_progress(rnd, scenario, impl, run, args))
                if run.failure:  # no figure, or the server died under load: not a result
                    res.failures[key] = f"round {rnd + 1}: {run.failure}"
        for (name, variant), server in group:
            if variant == "main" and server.alive():
                res.memory.setdefault(name, []).append((idle.get(name), server.memory("VmHWM")))


def _progress(
    rnd: int, scenario: Scenario, impl: Impl, run: load.Run, args: argparse.Namespace
) -> str:
    line = f"r{rnd + 1} {scenario.name:10s} {impl.name:20s} {run.rate:11,.0f}/s"
    if run.server_cpu_pct is not None:
        line += f"  server cpu {run.server_cpu_pct:3.0f}%"
    if run.client_cpu_pct is not None:
        line += f"  client cpu {run.client_cpu_pct:3.0f}%"
    if run.foreign_pct is not None:
        line += f"  others {run.foreign_pct:3.0f}%"
    if run.p99_ms is not None:
        line += f"  p99 {run.p99_ms:6.2f} ms"
    if run.attempts > 1:
        line += f"  attempts {run.attempts}"
    if run.client_bound(args.saturation) and not run.failure:
        line += "  CLIENT-BOUND" + (" (NOISE)" if run.noisy(args.max_foreign) else "")
    if run.errors:
        line += f"  errors {run.errors}"
    if run.failure:
        line += f"  FAILED: {run.failure}"
    return line


def _on_signal(signum: int, frame: object) -> NoReturn:
    raise SystemExit(128 + signum)  # unwinds through every ServerGroup: servers get stopped


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    impls: list[Impl] = _pick(args.impls, IMPLS, "implementations")
    scenarios: list[Scenario] = _pick(args.scenarios, SCENARIOS, "scenarios")
    cpus = procstat.usable_cpus()
    if args.server_cpu == args.client_cpu or not {args.server_cpu, args.client_cpu} <= cpus:
        sys.exit(f"--server-cpu and --client-cpu must be two different CPUs of {sorted(cpus)}")
    if min(args.rounds, args.duration) < 1 or args.warmup < 0:
        sys.exit("--rounds and --duration must be ≥ 1, --warmup ≥ 0")
    tools = load.Tools(
        wrk=_tool("wrk", "wrk"), taskset=_tool("taskset", "util-linux"), python=args.python,
        server_cpu=args.server_cpu, client_cpu=args.client_cpu,
        connections=args.connections, ws_connections=args.ws_connections,
        saturation=args.saturation, max_foreign=args.max_foreign, retries=max(0, args.retries),
        retry_budget=max(0, args.retries) * 10,
    )  # fmt: skip
    res = report.Results(
        impls=[], scenarios=scenarios, threshold=args.saturation, max_foreign=args.max_foreign
    )
    for impl in impls:
        ok, said = _python_says(args.python, impl.probe, clean_env(impl.env))
        if ok:
            res.impls.append(impl)
        else:
            res.skipped[impl.name] = f"probe failed: {said}"
            _log(f"skip {impl.name}: {said}")
    if not res.impls:
        sys.exit("no implementation can run with " + args.python)
    if any(s.websocket for s in scenarios):
        ok, said = _python_says(args.python, "import aiohttp", clean_env({}))
        if not ok:
            res.scenarios = [s for s in scenarios if not s.websocket]
            _log(f"skip the websocket scenario: its client needs aiohttp ({said})")
    res.meta = _meta(args, tools)
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)

    workdir = Path(tempfile.mkdtemp(prefix="aiostrata-bench-"))
    try:
        static = workdir / "static"
        static.mkdir()
        (static / payloads.STATIC_NAME).write_bytes(payloads.pattern(payloads.STATIC_SIZE))
        base_env = {"BENCH_STATIC_DIR": str(static)}
        tools.scripts = load.write_wrk_scripts(workdir, list(SCENARIOS.values()))
        per_run = args.duration + args.warmup + 0.5
        estimate = args.rounds * (len(res.impls) * len(res.scenarios) * per_run + 10)
        _log(
            f"{len(res.impls)} impls x {len(res.scenarios)} scenarios x {args.rounds} rounds: "
            f"about {estimate / 60:.0f} min; logs in {workdir}"
        )
        for rnd in range(args.rounds):
            run_round(rnd, args, tools, res, workdir, base_env)
        if args.profile_seconds > 0:
            for impl in [i for i in res.impls if i.name in PROFILED]:
                for name in PROFILED_SCENARIOS:
                    if name in SCENARIOS:
                        counted = profiling.calls_per_request(
                            tools, impl, SCENARIOS[name], base_env, workdir,
                            warmup=max(1, args.warmup), seconds=args.profile_seconds,
                        )  # fmt: skip
                        res.calls.append(counted)
                        _log(
                            f"calls/request {impl.name} {name}: {counted.python_calls:.1f} "
                            f"Python + {counted.c_calls:.1f} C {counted.failure or ''}"
                        )
        if args.import_runs > 0:
            res.imports = profiling.import_times(
                tools, ["aiostrata.web", "aiohttp.web"], args.import_runs
            )
    finally:
        keep = args.keep or res.failed()
        if keep:
            _log(f"kept {workdir} (server logs, wrk scripts, profiles)")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    text = report.render(res)
    print(text)
    if args.report:
        args.report.write_text(text)
    if args.json:
        args.json.write_text(json.dumps(_as_json(res), indent=1))
    return 1 if res.failed() else 0


def _as_json(res: report.Results) -> dict[str, Any]:
    return {
        "meta": res.meta,
        "impls": [i.name for i in res.impls],
        "skipped": res.skipped,
        "scenarios": [s.name for s in res.scenarios],
        "runs": {f"{s}|{i}": [dataclasses.asdict(r) for r in v] for (s, i), v in res.runs.items()},
        "failures": {f"{s}|{i}": why for (s, i), why in res.failures.items()},
        "memory": res.memory,
        "calls": [dataclasses.asdict(c) for c in res.calls],
        "imports": [dataclasses.asdict(t) for t in res.imports],
    }

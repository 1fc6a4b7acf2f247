"""The markdown report: what ran, the medians and ratios, and why a figure is missing.

The rule that makes the ratios trustworthy lives here. A run whose server used less than
the threshold of its core (``--saturation``, 90 % by default) was waiting for the load
generator or lost its core to another process: its requests/s measure the client or the
noise, and a ratio built on it is compressed toward 1.0. Such runs are left out of the
medians the ratios are computed from; a cell where no round saturated the server shows
its requests/s marked ``c`` and no ratio at all.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from httpbench.catalog import BASELINE, CEILING, Impl, Scenario
from httpbench.load import Run
from httpbench.profiling import CallCount, ImportTime

Key = tuple[str, str]  # (scenario, impl)


@dataclass
class Results:
    impls: list[Impl]
    scenarios: list[Scenario]
    threshold: float
    max_foreign: float = 10.0
    runs: dict[Key, list[Run]] = field(default_factory=dict)
    failures: dict[Key, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # impl -> why
    memory: dict[str, list[tuple[float | None, float | None]]] = field(default_factory=dict)
    calls: list[CallCount] = field(default_factory=list)
    imports: list[ImportTime] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def good(self, key: Key) -> list[Run]:
        return [r for r in self.runs.get(key, []) if not r.failure]

    def saturated(self, key: Key) -> list[Run]:
        return [r for r in self.good(key) if not r.client_bound(self.threshold)]

    def ratio_base(self, key: Key) -> float | None:
        """Median req/s over the rounds that saturated the server (None if none did)."""
        return median([r.rate for r in self.saturated(key)])

    def failed(self) -> bool:
        return bool(self.failures)


def median(values: list[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return statistics.median(kept) if kept else None


def _ratio(value: float | None, base: float | None) -> str:
    if value is None:
        return "—"
    if base is None:
        return "c"
    return f"{value / base:.2f}"


def throughput_cell(res: Results, scenario: Scenario, impl: Impl) -> str:
    key = (scenario.name, impl.name)
    if not scenario.runs_on(impl):
        return "n/a"
    if key in res.failures:
        return "FAIL"
    good = res.good(key)
    if not good:
        return "—"
    flags = "!" if any(r.errors for r in good) else ""
    own = res.ratio_base(key)
    if own is None:
        noise = "n" if any(r.noisy(res.max_foreign) for r in good) else ""
        return f"{median([r.rate for r in good]):,.0f} c{noise}{flags} (client-bound)"
    dropped = len(good) - len(res.saturated(key))
    if dropped:
        flags += f" ({len(good) - dropped}/{len(good)})"
    ratios = []
    present = {i.name: i for i in res.impls}
    for other in (BASELINE, CEILING):
        other_key = (scenario.name, other)
        if other not in present or other_key in res.failures or not res.good(other_key):
            ratios.append("—")  # not run, not supported, or failed: nothing to divide by
        else:
            ratios.append(_ratio(own, res.ratio_base(other_key)))
    return f"{own:,.0f}{flags} ({ratios[0]} · {ratios[1]})"


def detail_cell(res: Results, scenario: Scenario, impl: Impl) -> str:
    good = res.good((scenario.name, impl.name))
    if not good:
        return "—"
    server = median([r.server_cpu_pct for r in good])
    client = median([r.client_cpu_pct for r in good])
    p99 = median([r.p99_ms for r in good])
    others = median([r.foreign_pct for r in good])
    parts = [
        f"cpu {server:.0f}/{client:.0f} %" if server is not None and client is not None else "",
        f"others {others:.0f} %" if others is not None and others >= 2 else "",
        f"p99 {p99:.1f} ms" if p99 is not None else "",
    ]
    return " · ".join(p for p in parts if p)


def _table(res: Results, cell: Any) -> list[str]:
    lines = [
        "| scenario | " + " | ".join(i.name for i in res.impls) + " |",
        "|---|" + "---:|" * len(res.impls),
    ]
    for scenario in res.scenarios:
        cells = [cell(res, scenario, impl) for impl in res.impls]
        lines.append(f"| {scenario.name} | " + " | ".join(cells) + " |")
    return lines


def render(res: Results) -> str:
    meta = res.meta
    out: list[str] = [f"# aiostrata HTTP bench, {meta.get('date', '')}", ""]
    labels = ("host", "python", "versions", "wrk", "settings", "command")
    out += [f"- {label}: {meta[label]}" for label in labels if meta.get(label)]
    out += ["", "Implementations:", ""]
    out += [f"- `{i.name}`: {i.description}" for i in res.impls]
    out += [f"- `{name}`: SKIPPED, {why}" for name, why in res.skipped.items()]
    out += ["", "Scenarios:", ""]
    out += [f"- `{s.name}`: {s.description}" for s in res.scenarios]
    out += [
        "",
        "## Throughput (req/s; ws: messages/s), median of rounds",
        "",
        f"Cell: median (÷ `{BASELINE}` · ÷ `{CEILING}`), both ratios of medians. Only runs where "
        f"the server used ≥ {res.threshold:.0f} % of its core count: `c` = no round did "
        "(client-bound: req/s shown, no ratio; as a ratio, `c` = the other cell was), "
        "`(k/n)` = only k of n rounds did, `!` = socket errors or non-2xx answers, "
        f"`cn` = other processes also took > {res.max_foreign:.0f} % of a pinned core, even "
        "after re-runs (the noise, more than the client, kept the server below), "
        "`FAIL` = a wrong answer (never timed), `n/a` = not supported.",
        "",
    ]
    out += _table(res, throughput_cell)
    out += [
        "",
        "## Server / client CPU % and p99 latency, median of rounds",
        "",
        "Server CPU from /proc/PID/stat over the run; client = wrk or the websocket client; "
        "others = the most CPU other processes took from either pinned core (shown from 2 %).",
        "",
    ]
    out += _table(res, detail_cell)
    out += ["", "## Memory (MiB, median of rounds)", ""]
    out += ["| impl | RSS idle after start | peak RSS (VmHWM) after all load |", "|---|---:|---:|"]
    for impl in res.impls:
        rows = res.memory.get(impl.name, [])
        idle, peak = median([m[0] for m in rows]), median([m[1] for m in rows])
        out.append(f"| {impl.name} | {_mib(idle)} | {_mib(peak)} |")
    if res.calls:
        out += _calls_section(res.calls)
    if res.imports:
        out += ["", "## Import time (fresh interpreter per sample, median)", ""]
        out += ["| import | median ms | min ms | modules loaded |", "|---|---:|---:|---:|"]
        for it in res.imports:
            if it.failure:
                out.append(f"| `import {it.module}` | FAIL: {it.failure} | | |")
            else:
                out.append(
                    f"| `import {it.module}` | {it.median_ms:.1f} | {it.min_ms:.1f} | "
                    f"{it.modules_loaded} |"
                )
    if res.failures:
        out += ["", "## Failures", ""]
        out += [f"- `{impl}` / `{sc}`: {why}" for (sc, impl), why in sorted(res.failures.items())]
    return "\n".join(out) + "\n"


def _mib(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _calls_section(calls: list[CallCount]) -> list[str]:
    out = [
        "",
        "## Function calls per request (cProfile, one short wrk run, asyncio loop)",
        "",
        "Python = functions written in Python (the app, the framework, asyncio); C = builtins "
        "and methods of C types. Requests = the handler's calls in the profiled window.",
        "",
        "| impl | scenario | requests | Python calls/req | C calls/req | total/req |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for c in calls:
        if c.failure:
            out.append(f"| {c.impl} | {c.scenario} | FAIL: {c.failure} | | | |")
        else:
            out.append(
                f"| {c.impl} | {c.scenario} | {c.requests:,} | {c.python_calls:.1f} | "
                f"{c.c_calls:.1f} | {c.python_calls + c.c_calls:.1f} |"
            )
    shown = [c for c in calls if c.top and c.scenario == "plaintext"]
    shown = [c for c in shown if c.impl == "aiostrata"] or [
        c for c in shown if c.impl.startswith("aiostrata")
    ][:1]
    for c in shown:
        out += [
            "",
            f"Most-called Python functions, `{c.impl}` / plaintext (calls per request):",
        ]
        out += [""] + [f"- {n:.2f} `{name}`" for name, n in c.top]
    return out

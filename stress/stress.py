"""Stress runs over loopback (``nox -s stress``, opt-in): slow clients, shutdown, memory.

Each scenario runs a server in a subprocess (so its RSS is its own), drives it from
here with raw asyncio sockets, and prints one table row per measure:

1. ``slow``: ``--slow-clients`` of each kind (silent, a head in bursts that never ends,
   a head one byte at a time, a body at a byte every two seconds) against one server
   with short time bounds, while a normal client measures its latency (p50/p99);
   every slow connection must be closed by its bound. Server RSS before, peak, after.
2. ``shutdown``: SIGTERM while keep-alive clients drive requests; every request the
   server started must reach its client whole (zero lost or truncated), and new
   connections are refused afterwards.
3. ``keepalive``: ``--requests`` keep-alive requests (pipelined); the server's RSS
   after warm-up and at the end must agree within 5 %.
4. ``idle``: ``--idle-connections`` idle keep-alive connections; server RSS per
   connection, aiostrata against aiohttp.

Everything is bounded in time. ``--scale`` multiplies every count (0.01 for a smoke
run); the exit status is 1 when a check fails.

    python stress/stress.py --scale 0.05
    python stress/stress.py --only slow shutdown
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import resource
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Short bounds, so that every slow client is closed within seconds (the defaults are
# 15 s, 20-40 s and 20 s; the mechanism is the same).
SHORT_BOUNDS: dict[str, float] = {
    "initial_idle_timeout": 2.0,
    "header_timeout": 3.0,
    "header_timeout_max": 6.0,
    "header_min_rate": 500.0,
    "body_min_rate": 500.0,
    "body_rate_grace": 3.0,
    "lingering_time": 2.0,
}
CLOSE_DEADLINE = 15.0  # a slow connection still open after this was not closed by a bound
GET = b"GET / HTTP/1.1\r\nHost: stress\r\n\r\n"


# -- the server (a subprocess) ---------------------------------------------------------------


def serve(impl: str, port: int, bounds: bool) -> None:
    """Run a server until SIGTERM; print READY once listening, counts at the end."""
    counts = {"started": 0, "finished": 0}

    def ready(*_: object, **__: object) -> None:
        print("READY", flush=True)

    if impl == "aiohttp":
        from aiohttp import web as aiohttp_web

        app: Any = aiohttp_web.Application()
        web: Any = aiohttp_web
    else:
        from aiostrata import web as aiostrata_web

        app = aiostrata_web.Application()
        web = aiostrata_web

    async def ok(request: Any) -> Any:
        return web.Response(text="ok")

    async def slow(request: Any) -> Any:
        counts["started"] += 1
        await asyncio.sleep(0.05)
        counts["finished"] += 1
        return web.Response(text="slow ok")

    async def upload(request: Any) -> Any:
        return web.Response(text=str(len(await request.read())))

    async def report(app: Any) -> None:
        print(f"COUNTS {counts['started']} {counts['finished']}", flush=True)

    app.router.add_get("/", ok)
    app.router.add_get("/slow", slow)
    app.router.add_post("/upload", upload)
    app.on_cleanup.append(report)
    extra: dict[str, Any] = dict(SHORT_BOUNDS) if bounds and impl == "aiostrata" else {}
    web.run_app(
        app, host="127.0.0.1", port=port, print=ready, backlog=4096, shutdown_timeout=20, **extra
    )


@dataclass
class Server:
    process: subprocess.Popen[str]
    port: int

    @property
    def rss(self) -> int:
        """Resident set size in bytes, from /proc."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            out, _ = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, _ = self.process.communicate()
        return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(impl: str = "aiostrata", *, bounds: bool = True) -> Server:
    port = free_port()
    args = [sys.executable, __file__, "--serve", impl, "--port", str(port)]
    if not bounds:
        args.append("--no-bounds")
    process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)  # noqa: S603 - ourselves
    line = process.stdout.readline() if process.stdout is not None else ""
    if line.strip() != "READY":
        process.kill()
        raise SystemExit(f"the {impl} server did not start: {line!r}")
    return Server(process, port)


# -- measuring -------------------------------------------------------------------------------


@dataclass
class Table:
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)
    failed: bool = False

    def add(self, scenario: str, measure: str, value: str, check: bool | None = None) -> None:
        verdict = "" if check is None else ("ok" if check else "FAIL")
        self.failed |= check is False
        self.rows.append((scenario, measure, value, verdict))
        print(f"  {scenario:<10} {measure:<48} {value:>24} {verdict}", flush=True)

    def print(self) -> None:
        widths = [max(len(row[i]) for row in self.rows) for i in range(4)]
        print()
        print(
            " | ".join(
                h.ljust(w)
                for h, w in zip(("scenario", "measure", "value", ""), widths, strict=True)
            )
        )
        print("-+-".join("-" * w for w in widths))
        for row in self.rows:
            print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))


def mib(size: float) -> str:
    return f"{size / 2**20:.1f} MiB"


class RssSampler:
    """Samples a server's RSS in the background: the peak between start() and stop()."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.peak = 0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(OSError):
                self.peak = max(self.peak, self.server.rss)
            await asyncio.sleep(0.1)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> int:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        return self.peak


async def read_response(reader: asyncio.StreamReader) -> bytes:
    """One Content-Length response."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    return head + await reader.readexactly(length)


async def gather_in_batches(
    makers: list[Callable[[], Coroutine[Any, Any, Any]]], batch: int = 200
) -> list[Any]:
    """Start coroutines ``batch`` at a time (a connect storm would only fill the backlog)."""
    tasks: list[asyncio.Task[Any]] = []
    for start in range(0, len(makers), batch):
        tasks += [asyncio.create_task(make()) for make in makers[start : start + batch]]
        await asyncio.sleep(0.05)
    return await asyncio.gather(*tasks, return_exceptions=True)


# -- 1. slow clients --------------------------------------------------------------------------


async def _until_closed(reader: asyncio.StreamReader) -> bytes:
    try:
        return await asyncio.wait_for(reader.read(), CLOSE_DEADLINE)
    except ConnectionError:
        return b""


async def _slow_client(port: int, kind: str) -> tuple[str, bool, float, bytes]:
    """(kind, closed by the server in time, seconds to the close, first line received)."""
    start = time.monotonic()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)

    async def trickle(data: bytes, step: int, pause: float) -> None:
        for i in range(0, len(data), step):
            writer.write(data[i : i + step])
            await writer.drain()
            await asyncio.sleep(pause)

    sender: asyncio.Task[None] | None = None
    if kind == "head-bursts":
        endless = b"GET / HTTP/1.1\r\nHost: s\r\n" + b"X-Filler: abcdef\r\n" * 400
        sender = asyncio.create_task(trickle(endless, 5, 0.05))
    elif kind == "head-bytes":
        sender = asyncio.create_task(trickle(GET * 10, 1, 0.3))
    elif kind == "body-bytes":
        writer.write(b"POST /upload HTTP/1.1\r\nHost: s\r\nContent-Length: 1000\r\n\r\n")
        sender = asyncio.create_task(trickle(b"x" * 1000, 1, 2.0))
    try:
        data = await _until_closed(reader)
        closed = True
    except TimeoutError:
        data, closed = b"", False
    finally:
        if sender is not None:
            sender.cancel()
            with contextlib.suppress(BaseException):
                await sender
        writer.close()
    return kind, closed, time.monotonic() - start, data.partition(b"\r\n")[0]


async def _measure_latency(port: int, stop: asyncio.Event) -> list[float]:
    latencies: list[float] = []
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while not stop.is_set():
            start = time.perf_counter()
            writer.write(GET)
            await read_response(reader)
            latencies.append(time.perf_counter() - start)
            await asyncio.sleep(0.01)
    finally:
        writer.close()
    return latencies


async def slow_clients(table: Table, count: int) -> None:
    server = start_server()
    try:
        await asyncio.sleep(0.5)
        before = server.rss
        sampler = RssSampler(server)
        sampler.start()
        stop = asyncio.Event()
        latency = asyncio.create_task(_measure_latency(server.port, stop))
        kinds = ("silent", "head-bursts", "head-bytes", "body-bytes")
        makers: list[Callable[[], Coroutine[Any, Any, Any]]] = [
            functools.partial(_slow_client, server.port, kind)
            for kind in kinds
            for _ in range(count)
        ]
        results = await gather_in_batches(makers)
        stop.set()
        latencies = await latency
        await asyncio.sleep(1.0)
        peak = await sampler.stop()
        after = server.rss
        failures = [r for r in results if isinstance(r, BaseException)]
        table.add("slow", "bounds (s)", " ".join(f"{v:g}" for v in SHORT_BOUNDS.values()))
        for kind in kinds:
            rows = [r for r in results if isinstance(r, tuple) and r[0] == kind]
            closed = [r for r in rows if r[1]]
            answered = sum(1 for r in closed if r[3].startswith(b"HTTP/1.1 408"))
            slowest = max((r[2] for r in closed), default=0.0)
            table.add(
                "slow",
                f"{kind}: closed by its bound / clients",
                f"{len(closed)}/{count} (408: {answered})",
                len(closed) == count,
            )
            table.add("slow", f"{kind}: slowest close", f"{slowest:.1f} s")
        table.add("slow", "client errors (connect, reset)", str(len(failures)), not failures)
        if latencies:
            ordered = sorted(latencies)
            p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
            table.add(
                "slow",
                "normal client p50 / p99",
                f"{statistics.median(ordered) * 1e3:.1f} / {p99 * 1e3:.1f} ms",
            )
        table.add(
            "slow",
            "server RSS before / peak / after",
            f"{mib(before)} / {mib(peak)} / {mib(after)}",
        )
    finally:
        server.stop()


# -- 2. graceful shutdown ----------------------------------------------------------------------


@dataclass
class ShutdownCounts:
    completed: int = 0
    truncated: int = 0
    unanswered_before_signal: int = 0
    refused_after_signal: int = 0
    accepted_after_signal: int = 0


async def _keepalive_driver(port: int, signalled: asyncio.Event, counts: ShutdownCounts) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            if signalled.is_set():
                counts.refused_after_signal += 1
                return
            await asyncio.sleep(0.01)
            continue
        if signalled.is_set():
            counts.accepted_after_signal += 1
        try:
            while time.monotonic() < deadline:
                sent_before_signal = not signalled.is_set()
                writer.write(b"GET /slow HTTP/1.1\r\nHost: s\r\n\r\n")
                try:
                    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
                except (asyncio.IncompleteReadError, ConnectionError) as exc:
                    partial = getattr(exc, "partial", b"")
                    if partial:
                        counts.truncated += 1
                    elif sent_before_signal:
                        counts.unanswered_before_signal += 1
                    break
                try:
                    length = int(head.lower().partition(b"content-length:")[2].split(b"\r\n")[0])
                    await asyncio.wait_for(reader.readexactly(length), 30)
                except (asyncio.IncompleteReadError, ConnectionError, ValueError):
                    counts.truncated += 1
                    break
                counts.completed += 1
                if b"connection: close" in head.lower():
                    break
        finally:
            writer.close()


async def graceful_shutdown(table: Table, clients: int) -> None:
    server = start_server()
    signalled = asyncio.Event()
    counts = ShutdownCounts()
    drivers = [
        asyncio.create_task(_keepalive_driver(server.port, signalled, counts))
        for _ in range(clients)
    ]
    await asyncio.sleep(2.0)
    server.process.send_signal(signal.SIGTERM)
    signalled.set()
    await asyncio.wait_for(asyncio.gather(*drivers, return_exceptions=True), 60)
    out = server.stop()
    started: int = -1
    finished: int = -1
    for line in out.splitlines():
        if line.startswith("COUNTS"):
            started, finished = (int(v) for v in line.split()[1:])
    lost = started - counts.completed
    table.add("shutdown", "keep-alive clients", str(clients))
    table.add(
        "shutdown",
        "requests started by the server / answered whole",
        f"{started} / {counts.completed}",
    )
    table.add(
        "shutdown",
        "lost (started, never answered whole)",
        str(lost),
        lost == 0 and started == finished,
    )
    table.add("shutdown", "truncated responses", str(counts.truncated), counts.truncated == 0)
    table.add(
        "shutdown",
        "sent just before SIGTERM, idle connection closed first",
        str(counts.unanswered_before_signal),
    )
    table.add(
        "shutdown",
        "new connections after SIGTERM refused / accepted",
        f"{counts.refused_after_signal} / {counts.accepted_after_signal}",
        counts.refused_after_signal > 0,
    )


# -- 3. keep-alive requests, RSS flat ----------------------------------------------------------


async def _pipelined(port: int, requests: int, on_progress: Callable[[int], None]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(GET)
        one = len(await read_response(reader))
        done, batch = 1, 32
        while done < requests:
            n = min(batch, requests - done)
            writer.write(GET * n)
            await reader.readexactly(one * n)
            done += n
            on_progress(n)
    finally:
        writer.close()


async def keepalive_requests(table: Table, requests: int, connections: int = 8) -> None:
    server = start_server()
    try:
        served = 0
        warm: int | None = None
        warm_at = requests // 10

        def progress(n: int) -> None:
            nonlocal served, warm
            served += n
            if warm is None and served >= warm_at:
                warm = server.rss

        sampler = RssSampler(server)
        sampler.start()
        start = time.monotonic()
        per = requests // connections
        await asyncio.gather(*(_pipelined(server.port, per, progress) for _ in range(connections)))
        took = time.monotonic() - start
        peak = await sampler.stop()
        end = server.rss
        warm = warm or end
        growth = (end - warm) / warm * 100
        table.add(
            "keepalive",
            "requests (pipelined, 8 connections)",
            f"{per * connections} in {took:.0f} s",
        )
        table.add(
            "keepalive",
            "server RSS after warm-up / peak / end",
            f"{mib(warm)} / {mib(peak)} / {mib(end)}",
        )
        table.add(
            "keepalive", "growth after warm-up (within 5 %)", f"{growth:+.1f} %", abs(growth) <= 5
        )
    finally:
        server.stop()


# -- 4. idle keep-alive connections --------------------------------------------------------------


async def _idle_connection(port: int, opened: list[asyncio.StreamWriter]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(GET)
    await read_response(reader)
    opened.append(writer)


async def idle_connections(table: Table, count: int) -> None:
    per_connection: dict[str, float] = {}
    for impl in ("aiostrata", "aiohttp"):
        server = start_server(impl, bounds=False)
        opened: list[asyncio.StreamWriter] = []
        try:
            await asyncio.sleep(0.5)
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            writer.write(GET)  # warm the server up before measuring
            await read_response(reader)
            writer.close()
            await asyncio.sleep(0.5)
            before = server.rss
            results = await gather_in_batches(
                [functools.partial(_idle_connection, server.port, opened) for _ in range(count)]
            )
            await asyncio.sleep(1.0)
            after = server.rss
            errors = sum(1 for r in results if isinstance(r, BaseException))
            per_connection[impl] = (after - before) / max(len(opened), 1)
            table.add(
                "idle", f"{impl}: idle connections held", f"{len(opened)}/{count}", errors == 0
            )
            table.add("idle", f"{impl}: RSS before / after", f"{mib(before)} / {mib(after)}")
            table.add(
                "idle", f"{impl}: RSS per connection", f"{per_connection[impl] / 1024:.1f} KiB"
            )
        finally:
            for held in opened:
                held.close()
            server.stop()
    if per_connection.get("aiohttp"):
        ratio = per_connection["aiostrata"] / per_connection["aiohttp"]
        table.add("idle", "aiostrata / aiohttp per connection", f"{ratio:.2f}")


# -- main --------------------------------------------------------------------------------------


def raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def run(args: argparse.Namespace) -> int:
    table = Table()
    scenarios = args.only or ["slow", "shutdown", "keepalive", "idle"]
    scale = args.scale
    if "slow" in scenarios:
        print("slow clients...", flush=True)
        await slow_clients(table, max(1, int(args.slow_clients * scale)))
    if "shutdown" in scenarios:
        print("graceful shutdown under load...", flush=True)
        await graceful_shutdown(table, max(2, int(args.shutdown_clients * scale)))
    if "keepalive" in scenarios:
        print("keep-alive requests...", flush=True)
        await keepalive_requests(table, max(1000, int(args.requests * scale)))
    if "idle" in scenarios:
        print("idle connections...", flush=True)
        await idle_connections(table, max(10, int(args.idle_connections * scale)))
    table.print()
    return 1 if table.failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", choices=["aiostrata", "aiohttp"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--no-bounds", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--only", nargs="+", choices=["slow", "shutdown", "keepalive", "idle"])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--slow-clients", type=int, default=2000, help="of each kind")
    parser.add_argument("--shutdown-clients", type=int, default=200)
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--idle-connections", type=int, default=10_000)
    args = parser.parse_args(argv)
    raise_fd_limit()
    if args.serve:
        serve(args.serve, args.port, bounds=not args.no_bounds)
        return 0
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())

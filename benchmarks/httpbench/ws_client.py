"""Websocket echo load: N connections, each a ping-pong of one 64-byte text message.

Run as ``python -m httpbench.ws_client --port P [--server-pid PID] ...`` pinned (by the
driver) to the load generator's CPU. It uses aiohttp's client (``ws_connect``, no
compression) on uvloop when available, so the frames on the wire are a real client's.
Each connection sends a message, waits for its echo and compares it, then sends the next:
one message in flight per connection. After all connections are open, ``--warmup`` seconds
are not counted; then ``--duration`` seconds are. CPU use of the server (from
/proc/PID/stat), of this client, and of other processes on both pinned cores is sampled
at the window's edges, so start-up and handshakes are outside the figures. Prints one JSON
line; exits 1 when something failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from typing import Any

from httpbench import payloads, procstat


class Window:
    """When counting starts and ends, plus what the connections report."""

    def __init__(self) -> None:
        self.start = float("inf")
        self.end = float("inf")
        self.ready = 0
        self.messages = 0
        self.errors: list[str] = []
        self.latencies: list[float] = []
        self.go = asyncio.Event()


async def ping_pong(session: Any, url: str, window: Window) -> None:
    import aiohttp

    message = payloads.WS_MESSAGE
    clock = time.perf_counter
    latencies = window.latencies
    counted = 0
    async with session.ws_connect(url, compress=0, autoping=True, max_msg_size=0) as ws:
        window.ready += 1
        await window.go.wait()
        while True:
            sent_at = clock()
            await ws.send_str(message)
            reply = await ws.receive()
            now = clock()
            if reply.type is not aiohttp.WSMsgType.TEXT or reply.data != message:
                window.errors.append(f"bad echo: {reply.type!r} {str(reply.data)[:60]!r}")
                break
            if now >= window.end:
                break
            if now >= window.start:
                counted += 1
                latencies.append(now - sent_at)
    window.messages += counted


Sample = tuple[float, float | None, float, dict[int, float]]  # time, server, client, cores


def sample(args: argparse.Namespace) -> Sample:
    cores = tuple(c for c in (args.server_core, args.client_core) if c >= 0)
    return (
        time.perf_counter(),
        procstat.cpu_seconds(args.server_pid),
        procstat.own_cpu_seconds(),
        procstat.cores_busy_seconds(cores),
    )


async def sample_at(when: float, args: argparse.Namespace, out: list[Sample]) -> None:
    await asyncio.sleep(max(0.0, when - time.perf_counter()))
    out.append(sample(args))


async def run(args: argparse.Namespace) -> dict[str, Any]:
    import aiohttp

    url = f"http://127.0.0.1:{args.port}/ws"
    window = Window()
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        tasks = [
            asyncio.ensure_future(ping_pong(session, url, window)) for _ in range(args.connections)
        ]
        deadline = time.perf_counter() + 10.0
        while window.ready < args.connections and time.perf_counter() < deadline:
            if any(task.done() for task in tasks):
                break
            await asyncio.sleep(0.01)
        window.start = time.perf_counter() + args.warmup
        window.end = window.start + args.duration
        window.go.set()
        samples: list[Sample] = []
        samplers = [
            asyncio.ensure_future(sample_at(edge, args, samples))
            for edge in (window.start, window.end)
        ]
        outcomes = await asyncio.wait_for(
            asyncio.gather(*tasks, return_exceptions=True), args.warmup + args.duration + 30
        )
        for sampler in samplers:
            sampler.cancel()
    window.errors += [repr(o) for o in outcomes if isinstance(o, BaseException)]
    if window.ready < args.connections:
        window.errors.append(f"only {window.ready} of {args.connections} connections opened")
    result: dict[str, Any] = {
        "connections": window.ready,
        "messages": window.messages,
        "rate": window.messages / args.duration if args.duration else 0.0,
        "errors": len(window.errors),
        "failures": window.errors[:3],
        "server_cpu_pct": None,
        "client_cpu_pct": None,
        "foreign_pct": None,
        "p50_ms": None,
        "p99_ms": None,
    }
    if len(samples) == 2 and samples[1][0] > samples[0][0]:
        (t0, s0, c0, k0), (t1, s1, c1, k1) = samples
        result["client_cpu_pct"] = 100.0 * (c1 - c0) / (t1 - t0)
        if s0 is not None and s1 is not None:
            result["server_cpu_pct"] = 100.0 * (s1 - s0) / (t1 - t0)
            own = {args.server_core: s1 - s0, args.client_core: c1 - c0}
            result["foreign_pct"] = procstat.foreign_pct(k0, k1, own, t1 - t0)
        result["rate"] = window.messages / (t1 - t0)
    if len(window.latencies) >= 2:
        cuts = statistics.quantiles(window.latencies, n=100)
        result["p50_ms"] = 1000.0 * cuts[49]
        result["p99_ms"] = 1000.0 * cuts[98]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--server-pid", type=int, default=0, help="sample its CPU use")
    parser.add_argument("--server-core", type=int, default=-1, help="sample others' use of it")
    parser.add_argument("--client-core", type=int, default=-1, help="the same for this one's")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--no-uvloop", action="store_true", help="use asyncio's own loop")
    args = parser.parse_args()
    runner = asyncio.run
    if not args.no_uvloop:
        try:
            import uvloop

            runner = uvloop.run
        except ImportError:
            pass
    try:
        result = runner(run(args))
    except Exception as exc:  # noqa: BLE001 - always answer with one JSON line, never a trace
        result = {"rate": 0.0, "messages": 0, "errors": 1, "failures": [repr(exc)]}
    print(json.dumps(result))
    sys.exit(1 if result["errors"] or not result["messages"] else 0)


if __name__ == "__main__":
    main()

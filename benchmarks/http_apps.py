"""The same small app on aiostrata and on aiohttp, under the same load, on 127.0.0.1.

Each server runs in its own process; a separate load process (``wrk`` if it is on
PATH, else the asyncio keep-alive client below: N connections, no pipelining) hits
one endpoint for a fixed duration. Runs are interleaved (aiostrata, aiohttp,
aiostrata, ...) for several rounds, then the table gives requests/s (median of the
rounds), p50/p99 latency and the aiostrata/aiohttp ratio per endpoint. Everything is
bounded: each run by its duration, each process by a timeout, and it stops by itself.

    python benchmarks/http_apps.py [--seconds 5] [--rounds 3] [--connections 32]
                                   [--profile PATH]   # also profile aiostrata once

``aiostrata`` uses the parser backend ``make_request_parser`` selects; the
``aiostrata-pure`` variant runs with AIOSTRATA_NO_EXTENSIONS=1 to compare backends.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ENDPOINTS: dict[str, tuple[str, str, bytes]] = {
    "plain text": ("GET", "/text", b""),
    "json": ("GET", "/json", b""),
    "/hello/{name}": ("GET", "/hello/strata", b""),
    "POST echo 1 KiB": ("POST", "/echo", b"x" * 1024),
}
VARIANTS: dict[str, tuple[str, dict[str, str]]] = {
    "aiostrata": ("aiostrata", {}),
    "aiostrata-pure": ("aiostrata", {"AIOSTRATA_NO_EXTENSIONS": "1"}),
    "aiohttp": ("aiohttp", {}),
}

# -- the app --------------------------------------------------------------------------------------


def build_app(framework: str) -> Any:
    web: Any = importlib.import_module(f"{framework}.web")

    async def text(request: Any) -> Any:
        return web.Response(text="Hello, World!")

    async def json_view(request: Any) -> Any:
        return web.json_response({"message": "Hello, World!"})

    async def hello(request: Any) -> Any:
        return web.Response(text=f"Hello, {request.match_info['name']}!")

    async def echo(request: Any) -> Any:
        return web.Response(body=await request.read())

    app = web.Application()
    app.router.add_get("/text", text)
    app.router.add_get("/json", json_view)
    app.router.add_get("/hello/{name}", hello)
    app.router.add_post("/echo", echo)
    return app


def serve(framework: str, port: int, profile: str | None) -> None:
    web: Any = importlib.import_module(f"{framework}.web")
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    web.run_app(build_app(framework), host="127.0.0.1", port=port, print=None, access_log=None)
    if profiler is not None and profile:
        write_top_frames(profiler.stop(), Path(profile))


def write_top_frames(session: Any, path: Path, count: int = 10) -> None:
    """The frames with the most self time (time in their own code, not their callees)."""
    totals: dict[str, float] = {}
    root = session.root_frame()
    stack = [root] if root is not None else []
    while stack:
        frame = stack.pop()
        stack.extend(frame.children)
        if frame.is_synthetic:
            continue
        key = f"{frame.function}  {frame.file_path_short}:{frame.line_no}"
        totals[key] = totals.get(key, 0.0) + frame.total_self_time
    overall = sum(totals.values()) or 1.0
    lines = [f"{t / overall:6.1%}  {key}" for key, t in sorted(totals.items(), key=lambda i: -i[1])]
    path.write_text("\n".join(lines[:count]) + "\n")


# -- the load -------------------------------------------------------------------------------------


def _request_bytes(method: str, target: str, body: bytes) -> bytes:
    head = f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: strata-bench\r\n"
    if body:
        head += f"Content-Length: {len(body)}\r\nContent-Type: application/octet-stream\r\n"
    return head.encode() + b"\r\n" + body


async def _one_connection(
    port: int, request: bytes, deadline: float, latencies: list[float]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.monotonic() < deadline:
            start = time.perf_counter()
            writer.write(request)
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            match = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
            if not head.startswith(b"HTTP/1.1 200") or match is None:
                raise RuntimeError(f"unexpected response head: {head[:200]!r}")
            await asyncio.wait_for(reader.readexactly(int(match[1])), 10)
            latencies.append(time.perf_counter() - start)
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


async def _load(port: int, request: bytes, connections: int, seconds: float) -> dict[str, float]:
    latencies: list[float] = []
    deadline = time.monotonic() + seconds
    started = time.perf_counter()
    await asyncio.gather(
        *(_one_connection(port, request, deadline, latencies) for _ in range(connections))
    )
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50": latencies[len(latencies) // 2] * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    }


def _parse_wrk_latency(text: str, label: str) -> float:
    match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.MULTILINE)
    if match is None:
        return float("nan")
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[match[2]]
    return float(match[1]) * scale


def run_wrk(
    wrk: str, port: int, endpoint: str, connections: int, seconds: float
) -> dict[str, float]:
    method, target, body = ENDPOINTS[endpoint]
    script = Path(__file__).with_name(".wrk-post.lua")
    command = [wrk, f"-c{connections}", "-t2", f"-d{int(seconds)}s", "--latency"]
    if body:
        script.write_text(
            f'wrk.method = "{method}"\nwrk.body = string.rep("x", {len(body)})\n'
            'wrk.headers["Content-Type"] = "application/octet-stream"\n'
        )
        command += ["-s", str(script)]
    command.append(f"http://127.0.0.1:{port}{target}")
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30, check=True)  # noqa: S603
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out.stdout)
    return {
        "rps": float(rps[1]) if rps else float("nan"),
        "p50": _parse_wrk_latency(out.stdout, "50"),
        "p99": _parse_wrk_latency(out.stdout, "99"),
    }


def run_load(port: int, endpoint: str, connections: int, seconds: float) -> dict[str, float]:
    wrk = shutil.which("wrk")
    if wrk:
        return run_wrk(wrk, port, endpoint, connections, seconds)
    method, target, body = ENDPOINTS[endpoint]
    command = [sys.executable, __file__, "load", str(port), method, target, str(len(body))]
    command += [str(connections), str(seconds)]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True)  # noqa: S603
    result: dict[str, float] = json.loads(out.stdout)
    return result


# -- orchestration --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_listening(port: int, process: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.05)
    raise RuntimeError("the server did not start listening in time")


@contextlib.contextmanager
def server(variant: str, profile: str | None = None) -> Any:
    framework, extra_env = VARIANTS[variant]
    port = _free_port()
    command = [sys.executable, __file__, "serve", framework, str(port)]
    if profile:
        command += ["--profile", profile]
    process = subprocess.Popen(command, env={**os.environ, **extra_env})  # noqa: S603
    try:
        _wait_listening(port, process)
        yield port
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def bench(args: argparse.Namespace) -> None:
    variants = args.variants.split(",")
    results: dict[tuple[str, str], list[dict[str, float]]] = {}
    loader = "wrk" if shutil.which("wrk") else "asyncio keep-alive client"
    print(
        f"{len(variants)} servers x {len(ENDPOINTS)} endpoints x {args.rounds} rounds, "
        f"{args.seconds:g} s each, {args.connections} connections, load: {loader}",
        flush=True,
    )
    for round_index in range(args.rounds):
        for variant in variants:
            with server(variant) as port:
                run_load(port, "plain text", args.connections, 1.0)  # warm-up
                for endpoint in ENDPOINTS:
                    result = run_load(port, endpoint, args.connections, args.seconds)
                    results.setdefault((variant, endpoint), []).append(result)
                    print(
                        f"  round {round_index + 1} {variant:<15} {endpoint:<17}"
                        f" {result['rps']:>9,.0f} req/s",
                        flush=True,
                    )
    header = f"{'endpoint':<17} {'server':<15} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}"
    header += f" {'vs aiohttp':>11}"
    print("\n" + header + "\n" + "-" * len(header))
    for endpoint in ENDPOINTS:
        reference = statistics.median(
            r["rps"] for r in results.get(("aiohttp", endpoint), [{"rps": 0}])
        )
        for variant in variants:
            runs = results[(variant, endpoint)]
            rps = statistics.median(r["rps"] for r in runs)
            p50 = statistics.median(r["p50"] for r in runs)
            p99 = statistics.median(r["p99"] for r in runs)
            ratio = f"{rps / reference:.2f}x" if reference else "-"
            print(f"{endpoint:<17} {variant:<15} {rps:>9,.0f} {p50:>8.2f} {p99:>8.2f} {ratio:>11}")
        print()
    if args.profile:
        with server("aiostrata", profile=args.profile) as port:
            for endpoint in ENDPOINTS:
                run_load(port, endpoint, args.connections, args.seconds / 2)
        print(f"aiostrata under load, top frames by self time (pyinstrument, {args.profile}):")
        print(Path(args.profile).read_text())


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        parser = argparse.ArgumentParser(prog="http_apps.py serve")
        parser.add_argument("framework", choices=["aiostrata", "aiohttp"])
        parser.add_argument("port", type=int)
        parser.add_argument("--profile")
        args = parser.parse_args(sys.argv[2:])
        serve(args.framework, args.port, args.profile)
        return
    if len(sys.argv) > 1 and sys.argv[1] == "load":
        port, method, target, size, connections, seconds = sys.argv[2:8]
        request = _request_bytes(method, target, b"x" * int(size))
        print(json.dumps(asyncio.run(_load(int(port), request, int(connections), float(seconds)))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--variants", default="aiostrata,aiohttp,aiostrata-pure")
    parser.add_argument("--profile", help="also profile aiostrata once; top frames go here")
    bench(parser.parse_args())


if __name__ == "__main__":
    main()

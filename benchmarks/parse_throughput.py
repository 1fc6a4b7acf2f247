"""Request parsing throughput: our two backends against httptools and h11 used directly.

Each input is parsed from bytes to complete messages (head, body, end) by a new
parser per iteration, the best of several timed repeats is kept, and the table
gives requests/s, MB/s and the ratio to our pure-Python backend.

    python benchmarks/parse_throughput.py [--seconds-per-case 0.3]

h11 note: as a server h11 refuses to read the next pipelined request before a
response to the current one was sent, so its pipelined figure includes sending a
minimal response per request.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import h11
import httptools

from aiostrata.http_parser import HttpRequestParser, MessageComplete, ParseError
from aiostrata.http_parser.httptools_backend import HttptoolsRequestParser

BROWSER_HEADERS = (
    b"Host: www.example.com\r\n"
    b"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
    b"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
    b"Accept-Language: en-US,en;q=0.5\r\n"
    b"Accept-Encoding: gzip, deflate, br, zstd\r\n"
    b"Referer: https://www.example.com/index.html\r\n"
    b"Connection: keep-alive\r\n"
    b"Cookie: session=6f1e2d3c4b5a69788796a5b4c3d2e1f0; theme=dark; lang=en\r\n"
    b"Upgrade-Insecure-Requests: 1\r\n"
    b"Sec-Fetch-Dest: document\r\n"
    b"Sec-Fetch-Mode: navigate\r\n"
    b"Sec-Fetch-Site: same-origin\r\n"
    b"Sec-Fetch-User: ?1\r\n"
    b"Priority: u=0, i\r\n"
    b"Cache-Control: max-age=0\r\n"
)
SMALL_GET = b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
BODY_64K = bytes(range(256)) * 256


def _chunked(body: bytes, size: int) -> bytes:
    out = b"".join(
        b"%x\r\n%s\r\n" % (len(body[i : i + size]), body[i : i + size])
        for i in range(0, len(body), size)
    )
    return out + b"0\r\n\r\n"


CASES: dict[str, tuple[bytes, int]] = {
    "small GET": (SMALL_GET, 1),
    "browser GET (15 headers)": (
        b"GET /docs/page.html?x=1 HTTP/1.1\r\n" + BROWSER_HEADERS + b"\r\n",
        1,
    ),
    "64 KiB POST (Content-Length)": (
        b"POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
        b"Content-Length: %d\r\n\r\n" % len(BODY_64K) + BODY_64K,
        1,
    ),
    "chunked POST (16 x 4 KiB)": (
        b"POST /upload HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
        + _chunked(BODY_64K, 4096),
        1,
    ),
    "pipelined 100 small GETs": (SMALL_GET * 100, 100),
}


def ours(backend: type[HttpRequestParser]) -> Callable[[bytes, int], None]:
    def parse(data: bytes, expected: int) -> None:
        events = backend().feed_data(data)
        done = sum(isinstance(event, MessageComplete) for event in events)
        if done != expected or any(isinstance(event, ParseError) for event in events):
            raise RuntimeError(f"{backend.__name__} parsed {done}/{expected}: {events[-1]!r}")

    return parse


class _MinimalProtocol:
    """httptools callbacks doing the least a server must: keep url, fields and body."""

    __slots__ = ("body", "done", "fields", "url")

    def __init__(self) -> None:
        self.url = b""
        self.fields: list[tuple[bytes, bytes]] = []
        self.body: list[bytes] = []
        self.done = 0

    def on_url(self, url: bytes) -> None:
        self.url = url

    def on_header(self, name: bytes, value: bytes) -> None:
        self.fields.append((name, value))

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        self.done += 1


def httptools_direct(data: bytes, expected: int) -> None:
    protocol = _MinimalProtocol()
    httptools.HttpRequestParser(protocol).feed_data(data)
    if protocol.done != expected:
        raise RuntimeError(f"httptools parsed {protocol.done}/{expected}")


_H11_RESPONSE = h11.Response(status_code=200, headers=[("Content-Length", "0")])


def h11_direct(data: bytes, expected: int) -> None:
    conn = h11.Connection(h11.SERVER)
    conn.receive_data(data)
    done = 0
    while True:
        event = conn.next_event()
        if isinstance(event, h11.EndOfMessage):
            done += 1
            if done == expected:
                break
            conn.send(_H11_RESPONSE)
            conn.send(h11.EndOfMessage())
            conn.start_next_cycle()
        elif event is h11.NEED_DATA or isinstance(event, h11.ConnectionClosed):
            break
    if done != expected:
        raise RuntimeError(f"h11 parsed {done}/{expected}")


PARSERS: dict[str, Callable[[bytes, int], None]] = {
    "aiostrata pure": ours(HttpRequestParser),
    "aiostrata httptools": ours(HttptoolsRequestParser),
    "httptools direct": httptools_direct,
    "h11 direct": h11_direct,
}


def best_rate(parse: Callable[[bytes, int], None], data: bytes, count: int, budget: float) -> float:
    """Iterations per second, best of five repeats of about ``budget / 5`` seconds each."""
    parse(data, count)  # correctness and warm-up
    loops = 1
    while True:
        start = time.perf_counter()
        for _ in range(loops):
            parse(data, count)
        elapsed = time.perf_counter() - start
        if elapsed > budget / 10:
            break
        loops *= 2
    best = elapsed / loops
    for _ in range(4):
        start = time.perf_counter()
        for _ in range(loops):
            parse(data, count)
        best = min(best, (time.perf_counter() - start) / loops)
    return 1 / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds-per-case", type=float, default=0.3)
    args = parser.parse_args()
    header = f"{'input':<30} {'parser':<22} {'requests/s':>12} {'MB/s':>9} {'vs pure':>8}"
    print(header)
    print("-" * len(header))
    for case, (data, count) in CASES.items():
        baseline = 0.0
        for name, parse in PARSERS.items():
            rate = best_rate(parse, data, count, args.seconds_per_case)
            baseline = baseline or rate
            print(
                f"{case:<30} {name:<22} {rate * count:>12,.0f} {rate * len(data) / 1e6:>9.1f}"
                f" {rate / baseline:>7.2f}x"
            )
        print()


if __name__ == "__main__":
    main()

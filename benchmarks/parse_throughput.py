"""Request parsing throughput: our two backends against httptools and h11 used directly.

Each input is parsed from bytes to complete messages (head, body, end) by a new
parser per iteration, the best of several timed repeats is kept, and the table
gives requests/s, MB/s, microseconds per request and the ratio to our pure-Python
backend.

    python benchmarks/parse_throughput.py [--seconds-per-case 0.3]
    python benchmarks/parse_throughput.py --heads   # our backends, us per head

``--heads`` feeds single heads to one parser, as a keep-alive connection does: the
same head again and again ("hot"), a new Cookie value in each ("one new line"), and
a new value in every line ("all new"); it shows what the parser's caches (request
line, field lines, Host, Connection) are worth and what they cost when they miss.

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
from aiostrata.http_parser.compiled import compiled_in_use
from aiostrata.http_parser.httptools_backend import HttptoolsRequestParser

# The package's own parser: compiled where http-parser was built with AIOSTRATA_MYPYC=1.
OURS = "aiostrata compiled" if compiled_in_use() else "aiostrata pure"

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
BROWSER_GET_12 = (
    b"GET /docs/page.html?x=1 HTTP/1.1\r\n"
    + b"".join(line + b"\r\n" for line in BROWSER_HEADERS.split(b"\r\n")[:12])
    + b"\r\n"
)
BODY_64K = bytes(range(256)) * 256


def _chunked(body: bytes, size: int) -> bytes:
    out = b"".join(
        b"%x\r\n%s\r\n" % (len(body[i : i + size]), body[i : i + size])
        for i in range(0, len(body), size)
    )
    return out + b"0\r\n\r\n"


CASES: dict[str, tuple[bytes, int]] = {
    "small GET": (SMALL_GET, 1),
    "browser GET (12 headers)": (BROWSER_GET_12, 1),
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
    OURS: ours(HttpRequestParser),
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


HEAD_CASES: dict[str, bytes] = {"small GET": SMALL_GET, "browser GET (12 headers)": BROWSER_GET_12}
HEAD_VARIANTS = ("hot", "one new line", "all new")


def head_variants(data: bytes, variant: str, count: int) -> list[bytes]:
    """``count`` heads like ``data``: the same, with a new Cookie each, or all lines new."""
    lines = data.removesuffix(b"\r\n\r\n").split(b"\r\n")
    heads = []
    for i in range(count):
        if variant == "hot":
            new = lines
        elif variant == "one new line":
            kept = [line for line in lines if not line.startswith(b"Cookie:")]
            new = [*kept, b"Cookie: n=%d" % i]
        else:
            new = lines[:1] + [line + b"%d" % i for line in lines[1:]]
        heads.append(b"\r\n".join(new) + b"\r\n\r\n")
    return heads


def per_head(repeats: int = 40, count: int = 500) -> None:
    """Microseconds per feed_data of one whole head, best of ``repeats`` runs of ``count``."""
    backends = {OURS: HttpRequestParser, "aiostrata httptools": HttptoolsRequestParser}
    header = f"{'head':<26} {'variant':<14}" + "".join(f" {name:>20}" for name in backends)
    print(header + "\n" + "-" * len(header))
    for case, data in HEAD_CASES.items():
        for variant in HEAD_VARIANTS:
            heads = head_variants(data, variant, count)
            best = dict.fromkeys(backends, float("inf"))
            for _ in range(repeats):
                for name, backend in backends.items():
                    parser = backend()
                    feed = parser.feed_data
                    start = time.perf_counter()
                    for head in heads:
                        feed(head)
                    best[name] = min(best[name], (time.perf_counter() - start) / count)
            cells = "".join(f" {best[name] * 1e6:>17.2f} us" for name in backends)
            print(f"{case:<26} {variant:<14}{cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds-per-case", type=float, default=0.3)
    parser.add_argument("--heads", action="store_true", help="us per head, our backends only")
    args = parser.parse_args()
    if args.heads:
        per_head()
        return
    header = (
        f"{'input':<30} {'parser':<22} {'requests/s':>12} {'us/req':>8} {'MB/s':>9} {'vs pure':>8}"
    )
    print(header)
    print("-" * len(header))
    for case, (data, count) in CASES.items():
        baseline = 0.0
        for name, parse in PARSERS.items():
            rate = best_rate(parse, data, count, args.seconds_per_case)
            baseline = baseline or rate
            print(
                f"{case:<30} {name:<22} {rate * count:>12,.0f} {1e6 / (rate * count):>8.2f}"
                f" {rate * len(data) / 1e6:>9.1f} {rate / baseline:>7.2f}x"
            )
        print()


if __name__ == "__main__":
    main()

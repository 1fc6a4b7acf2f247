"""Differential, split-invariance fuzzing of the request parser backends (``nox -s fuzz``).

For every input: nothing but the parser's own events may come out (no exception
escapes ``feed_data``/``feed_eof``), the pure-Python and httptools backends return
the same events as a reference parser that takes no fast path and no cache (every
head through ``_parse_head_strictly``), the server's fast lane (``take_bodiless_request``
tried before ``feed_data`` on every piece) changes nothing, and feeding the same bytes
in other pieces changes nothing but how body bytes are cut into ``BodyData``.
Coverage-guided with atheris when it is installed; otherwise a seeded random mutator
over the same corpus. Bounded in time:

    python fuzz/request_parser_fuzz.py --seconds 60
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

try:
    import atheris
except ImportError:  # the stdlib mutator below stands in
    atheris = None

if atheris is not None:
    with atheris.instrument_imports(include=["aiostrata.http_parser"]):
        from aiostrata.http_parser import (
            BodyData,
            ChunkEnd,
            Event,
            HttpRequestParser,
            MessageComplete,
            ParseError,
            ParserLimits,
            RawRequestMessage,
            RequestHead,
            UpgradedData,
        )
        from aiostrata.http_parser.httptools_backend import HttptoolsRequestParser
else:
    from aiostrata.http_parser import (
        BodyData,
        ChunkEnd,
        Event,
        HttpRequestParser,
        MessageComplete,
        ParseError,
        ParserLimits,
        RawRequestMessage,
        RequestHead,
        UpgradedData,
    )
    from aiostrata.http_parser.httptools_backend import HttptoolsRequestParser


class StrictReference(HttpRequestParser):
    """Every head by the reference rules alone: no fast path, no line or section cache."""

    def _parse_message_head(self, head: bytes) -> RawRequestMessage:
        return self._parse_head_strictly(head)


BACKENDS: tuple[type[HttpRequestParser], ...] = (
    HttpRequestParser,
    HttptoolsRequestParser,
    StrictReference,
)
LIMITS = (
    ParserLimits(),
    ParserLimits(
        max_line_size=40, max_field_size=40, max_headers=4, max_head_size=200,
        max_chunk_line_size=24, max_trailers=2, max_trailer_size=48, max_body_size=64,
        max_empty_lines=2,
    ),
)  # fmt: skip

SEEDS: tuple[bytes, ...] = (
    b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
    b"GET /a/b?c=d&e HTTP/1.0\r\nConnection: keep-alive\r\nX-Empty:\r\n\r\n",
    b"POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Encoding: gzip\r\n\r\nhello",
    b"POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
    b'3;ext=1;q="a\\"b"\r\nabc\r\n0\r\nX-Trailer: t\r\n\r\n',
    b"GET /ws HTTP/1.1\r\nHost: a:80\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n\x81\x00",
    b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\nraw tunnel bytes",
    b"OPTIONS * HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n",
    b"GET http://user@example.com:8080/p?q HTTP/1.1\r\nHost: example.com\r\n\r\n",
    b"\r\n\r\nDELETE /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n"
    b"POST /3 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nok",
    b"PUT /t HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: a\r\nX:  v\t \r\nY: \x80\xff\r\nCookie: a=b; c=d\r\n\r\n",
)
DICTIONARY = (
    b"\r\n", b"\n", b"\r", b" ", b"\t", b":", b";", b",", b"\x00", b"\x7f", b"\xe2\x84\xaa",
    b"HTTP/1.1", b"HTTP/1.0", b"HTTP/2.0", b"Host:", b"Content-Length:", b"Transfer-Encoding:",
    b"chunked", b"Connection:", b"close", b"keep-alive", b"Upgrade:", b"websocket", b"CONNECT",
    b"OPTIONS", b"HEAD", b"PRI", b"M-SEARCH", b"get", b"*", b"#", b"%", b"?", b"@", b"[", b"]",
    b"0\r\n\r\n", b"ffffffffffffffffff", b"1;a=b", b"\r\n ", b"Expect: 100-continue",
)  # fmt: skip


class Finding(AssertionError):
    """A property of the parser does not hold for some input."""


def require(condition: bool, message: str) -> None:
    if not condition:
        raise Finding(message)


def signature(events: Sequence[Event]) -> list[tuple[object, ...]]:
    """The events with adjacent body (and upgraded) bytes joined: split points vanish."""
    out: list[tuple[object, ...]] = []
    for event in events:
        if isinstance(event, BodyData | UpgradedData):
            kind = type(event).__name__
            previous = out[-1] if out else None
            if previous is not None and previous[0] == kind and isinstance(previous[1], bytes):
                out[-1] = (kind, previous[1] + event.data)
            else:
                out.append((kind, event.data))
        elif isinstance(event, RequestHead):
            m = event.message
            out.append(
                ("head", event.has_body, m.method, m.path, m.version, tuple(m.headers.items()),
                 m.raw_headers, m.should_close, m.compression, m.upgrade, m.chunked, str(m.url))
            )  # fmt: skip
        elif isinstance(event, ChunkEnd):
            out.append(("chunk_end",))
        elif isinstance(event, MessageComplete):
            out.append(("complete", event.trailers))
        elif isinstance(event, ParseError):
            error = event.error
            out.append(("error", type(error).__name__, error.code, error.message))
        else:
            raise Finding(f"not an event: {event!r}")
    return out


def errors_collapsed(signature: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """The signature with a ParseError's class left out.

    Known and accepted: when one input breaks several rules, which one is reported can
    depend on how much of the head had arrived (a request line too long while still
    partial is a 414; the same bytes complete with a bare LF are a 400).
    """
    return [("error",) if item[0] == "error" else item for item in signature]


def run(
    backend: type[HttpRequestParser],
    pieces: Sequence[bytes],
    limits: ParserLimits,
    *,
    fast_lane: bool = False,
) -> list[tuple[object, ...]]:
    parser = backend(limits)
    events: list[Event] = []
    for piece in pieces:
        taken = parser.take_bodiless_request(piece) if fast_lane else None
        if taken is not None:
            events += [RequestHead(taken, False), MessageComplete()]
        else:
            events += parser.feed_data(piece)
    events += parser.feed_eof()
    return signature(events)


def split(data: bytes, rng: random.Random) -> list[bytes]:
    """Cut into 1 to 8 pieces at random points (a single-byte split included sometimes)."""
    if not data:
        return [data]
    count = rng.randrange(1, 8)
    cuts = sorted({rng.randrange(0, len(data) + 1) for _ in range(count)} | {0, len(data)})
    return [data[a:b] for a, b in itertools.pairwise(cuts)]


def check(data: bytes, seed: int) -> None:
    """Every property on one input; an AssertionError (or any exception) is a finding."""
    limits = LIMITS[seed % len(LIMITS)]
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    whole = [run(backend, [data], limits) for backend in BACKENDS]
    whole.append(run(HttpRequestParser, [data], limits, fast_lane=True))
    for other in whole[1:]:
        require(whole[0] == other, f"backends disagree on {data!r}:\n{whole[0]}\n{other}")
    expected = errors_collapsed(whole[0])
    for pieces in (split(data, rng), [data[i : i + 1] for i in range(len(data))]):
        results = [run(backend, pieces, limits) for backend in BACKENDS]
        fast = run(HttpRequestParser, pieces, limits, fast_lane=True)
        require(fast == results[0], f"the fast lane changes {pieces!r}:\n{results[0]}\n{fast}")
        for other in results[1:]:
            require(results[0] == other, f"backends disagree on {pieces!r}:\n{results}")
        for backend, got in zip(BACKENDS, results, strict=True):
            require(
                errors_collapsed(got) == expected,
                f"{backend.__name__} depends on the split of {data!r} "
                f"({[len(p) for p in pieces]}):\n{whole[0]}\n{got}",
            )


def mutate(data: bytes, rng: random.Random) -> bytes:
    """A few byte-level edits, dictionary words, line duplications and case flips."""
    out = bytearray(data)
    for _ in range(rng.randrange(1, 5)):
        op = rng.randrange(7)
        pos = rng.randrange(0, len(out) + 1)
        if op == 0 and out:
            del out[pos : pos + rng.randrange(1, 4)]
        elif op == 1:
            out[pos:pos] = rng.choice(DICTIONARY)
        elif op == 2 and out:
            out[min(pos, len(out) - 1)] = rng.randrange(256)
        elif op == 3:
            lines = bytes(out).split(b"\r\n")
            index = rng.randrange(len(lines))
            lines.insert(index, lines[index])
            out = bytearray(b"\r\n".join(lines))
        elif op == 4 and out:
            i = min(pos, len(out) - 1)
            out[i : i + 1] = bytes(out[i : i + 1]).swapcase()
        elif op == 5:
            out += rng.choice(SEEDS)
        else:
            out[pos:pos] = bytes(rng.choice(b" \t\r\n0123456789abcdef") for _ in range(3))
    return bytes(out)


def fuzz_with_stdlib(seconds: float, seed: int) -> int:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    deadline = time.monotonic() + seconds
    runs = 0
    for data in SEEDS:
        check(data, 0)
        check(data, 1)
    while time.monotonic() < deadline:
        data = mutate(rng.choice(SEEDS), rng)
        check(data, rng.randrange(1 << 30))
        runs += 1
    return runs


def fuzz_with_atheris(seconds: float, extra: list[str]) -> None:
    if atheris is None:
        raise SystemExit("atheris is not installed: use --engine stdlib")
    corpus = Path(tempfile.mkdtemp(prefix="aiostrata-fuzz-corpus-"))
    for index, data in enumerate(SEEDS):
        for limits_index in range(len(LIMITS)):
            (corpus / f"seed-{index}-{limits_index}").write_bytes(bytes([limits_index, 0]) + data)
    words = corpus.parent / (corpus.name + ".dict")
    words.write_text("".join('"' + "".join(f"\\x{b:02x}" for b in w) + '"\n' for w in DICTIONARY))

    def one_input(raw: bytes) -> None:
        if len(raw) < 2:
            return
        check(raw[2:], raw[0] | raw[1] << 8)

    argv = [sys.argv[0], f"-max_total_time={int(seconds)}", f"-dict={words}", "-max_len=4096"]
    argv += [*extra, str(corpus)]
    atheris.Setup(argv, one_input)
    atheris.Fuzz()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--engine", choices=["auto", "atheris", "stdlib"], default="auto")
    args, extra = parser.parse_known_args(argv)
    engine = args.engine
    if engine == "auto":
        engine = "atheris" if atheris is not None else "stdlib"
    print(f"fuzzing the request parser for {args.seconds:g} s with {engine}", flush=True)
    if engine == "atheris":
        fuzz_with_atheris(args.seconds, extra)  # exits the process when done
        return 0
    runs = fuzz_with_stdlib(args.seconds, args.seed)
    print(f"stdlib mutator: {runs} inputs (seed {args.seed}), no finding")
    return 0


if __name__ == "__main__":
    sys.exit(main())

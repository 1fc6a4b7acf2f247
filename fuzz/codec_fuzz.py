"""Split-invariance fuzzing of the WebSocket reader and the multipart reader (``nox -s fuzz``).

For every mutated input, fed whole, in random pieces and (for short inputs) a byte at
a time:

- WebSocket: ``feed_data`` returns only ``WSMessage`` values (a protocol violation is
  one ERROR message, never an exception), the same messages whatever the split, no
  message larger than ``max_msg_size``, nothing after an error or a close, and the
  memory held while parsing bounded (tracemalloc peak);
- multipart: reading every part to its end raises nothing but the documented
  ``MultipartError`` family (400/413), never hangs (each input runs under a timeout
  after its end of body was fed), gives the same parts whatever the split, and stays
  within its limits' memory.

A seeded stdlib mutator, bounded in time; a finding prints the input and exits 1:

    python fuzz/codec_fuzz.py --target ws --seconds 60
    python fuzz/codec_fuzz.py --target multipart --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import sys
import time
import tracemalloc
import warnings
import zlib
from collections.abc import Callable, Sequence

from multidict import CIMultiDict, CIMultiDictProxy

from aiostrata.http_parser import (
    BodyPartReader,
    DeflateParams,
    MultipartError,
    MultipartLimits,
    MultipartReader,
    StreamReader,
    WebSocketReader,
    WSMessage,
    WSMsgType,
)

WS_MAX_MSG = 4096
# What one input may allocate at its peak beyond its own bytes: the reader's buffers
# are bounded by max_msg_size (and the multipart limits below), never by the input.
PEAK_ALLOWANCE = 2**20
MULTIPART_LIMITS = MultipartLimits(
    max_parts=20,
    max_part_headers=8,
    max_header_line=200,
    max_headers_size=1024,
    max_preamble_size=256,
    max_epilogue_size=256,
    max_field_size=8192,
    max_nesting_depth=3,
)
MULTIPART_TIMEOUT = 5.0


class Finding(AssertionError):
    """A property of a reader does not hold for some input."""


def require(condition: bool, message: str) -> None:
    if not condition:
        raise Finding(message)


def split(data: bytes, rng: random.Random) -> list[bytes]:
    """Cut into 1 to 8 pieces at random points."""
    if not data:
        return [data]
    cuts = sorted({rng.randrange(0, len(data) + 1) for _ in range(rng.randrange(1, 8))})
    cuts = sorted({0, len(data), *cuts})
    return [data[a:b] for a, b in itertools.pairwise(cuts)]


def splits(data: bytes, rng: random.Random) -> list[list[bytes]]:
    out = [[data], split(data, rng)]
    if len(data) <= 512:
        out.append([data[i : i + 1] for i in range(len(data))])
    return out


def mutate(seeds: Sequence[bytes], dictionary: Sequence[bytes], rng: random.Random) -> bytes:
    """A few byte-level edits, dictionary words, splices of other seeds, duplications."""
    out = bytearray(rng.choice(seeds))
    for _ in range(rng.randrange(1, 6)):
        op = rng.randrange(7)
        pos = rng.randrange(0, len(out) + 1)
        if op == 0 and out:
            del out[pos : pos + rng.randrange(1, 8)]
        elif op == 1:
            out[pos:pos] = rng.choice(dictionary)
        elif op == 2 and out:
            out[min(pos, len(out) - 1)] = rng.randrange(256)
        elif op == 3 and out:
            start = rng.randrange(len(out))
            out[pos:pos] = out[start : start + rng.randrange(1, 64)]
        elif op == 4:
            out += rng.choice(seeds)
        elif op == 5 and out:
            out[min(pos, len(out) - 1)] ^= 1 << rng.randrange(8)
        else:
            out[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4)))
    return bytes(out)


def bounded_peak(run: Callable[[], object], size: int, what: str) -> object:
    tracemalloc.start()
    try:
        result = run()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    require(peak <= PEAK_ALLOWANCE + 8 * size, f"{what}: peak {peak} bytes for {size} bytes")
    return result


# -- WebSocket ---------------------------------------------------------------------------------


def ws_frame(
    opcode: int, payload: bytes, *, fin: bool = True, rsv1: bool = False, mask: bool = True
) -> bytes:
    first = (0x80 if fin else 0) | (0x40 if rsv1 else 0) | opcode
    length = len(payload)
    if length < 126:
        head = bytes([first, (0x80 if mask else 0) | length])
    elif length < 2**16:
        head = bytes([first, (0x80 if mask else 0) | 126]) + length.to_bytes(2, "big")
    else:
        head = bytes([first, (0x80 if mask else 0) | 127]) + length.to_bytes(8, "big")
    if not mask:
        return head + payload
    key = b"\x12\x34\x56\x78"
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def deflated(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-15)
    out = compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)
    return out[:-4]  # RFC 7692 7.2.1: without the final 00 00 ff ff


WS_SEEDS: tuple[bytes, ...] = (
    ws_frame(0x1, b"hello"),
    ws_frame(0x2, bytes(range(200))),
    ws_frame(0x1, b"frag", fin=False) + ws_frame(0x0, b"ment", fin=False) + ws_frame(0x0, b"!"),
    ws_frame(0x9, b"ping") + ws_frame(0x1, "grüße".encode()) + ws_frame(0xA, b""),
    ws_frame(0x8, b"\x03\xe8bye"),
    ws_frame(0x1, deflated(b"compressed text " * 20), rsv1=True),
    ws_frame(0x2, deflated(b"\x00" * 3000), rsv1=True),
    ws_frame(0x2, b"x" * 70_000),
    ws_frame(0x1, b"unmasked", mask=False),
)
WS_DICTIONARY = (
    b"\x81", b"\x01", b"\x80", b"\x88", b"\x89", b"\x8a", b"\xc1", b"\x7e", b"\x7f",
    b"\xfe\xff\xff", b"\xff" * 8, b"\x00\x00\xff\xff", b"\xed\xa0\x80", b"\x03\xe8",
)  # fmt: skip


def ws_run(pieces: Sequence[bytes], deflate: bool) -> list[tuple[object, ...]]:
    reader = WebSocketReader(WS_MAX_MSG, deflate=DeflateParams() if deflate else None)
    out: list[tuple[object, ...]] = []
    ended = False
    for piece in pieces:
        messages = reader.feed_data(piece)
        for message in messages:
            require(type(message) is WSMessage, f"not a WSMessage: {message!r}")
            require(not ended, f"a message after an error or a close: {message!r}")
            if message.type in (WSMsgType.TEXT, WSMsgType.BINARY):
                require(len(message.data) <= WS_MAX_MSG, f"message over max_msg_size: {message!r}")
            if message.type is WSMsgType.ERROR:
                out.append(("error", message.data.code))
            else:
                out.append((message.type, message.data, message.extra))
            ended = ended or message.type in (WSMsgType.ERROR, WSMsgType.CLOSE)
    return out


def ws_check(data: bytes, seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    deflate = bool(seed & 1)
    whole = bounded_peak(lambda: ws_run([data], deflate), len(data), "ws reader")
    for pieces in splits(data, rng):
        got = ws_run(pieces, deflate)
        require(got == whole, f"depends on the split {[len(p) for p in pieces]}:\n{whole}\n{got}")


# -- multipart ---------------------------------------------------------------------------------

BOUNDARY = "fz0und"


def part(head: str, body: bytes) -> bytes:
    return f"--{BOUNDARY}\r\n{head}\r\n\r\n".encode() + body + b"\r\n"


MULTIPART_SEEDS: tuple[bytes, ...] = (
    part('Content-Disposition: form-data; name="a"', b"1") + f"--{BOUNDARY}--\r\n".encode(),
    b"preamble\r\n"
    + part(
        'Content-Disposition: form-data; name="f"; filename="x.bin"\r\n'
        "Content-Type: application/octet-stream",
        bytes(range(256)),
    )
    + part(
        'Content-Disposition: form-data; name="t"\r\nContent-Transfer-Encoding: base64',
        b"aGVsbG8gd29ybGQ=",
    )
    + f"--{BOUNDARY}--\r\nepilogue".encode(),
    part(
        'Content-Disposition: form-data; name="q"\r\nContent-Transfer-Encoding: quoted-printable',
        b"caf=C3=A9 =\r\nsoft",
    )
    + part(
        "Content-Type: multipart/mixed; boundary=inner",
        b"--inner\r\nContent-Type: text/plain\r\n\r\nnested\r\n--inner--",
    )
    + f"--{BOUNDARY}--".encode(),
    part('Content-Disposition: form-data; name="e"', b"") * 3 + f"--{BOUNDARY}--\r\n".encode(),
)
MULTIPART_DICTIONARY = (
    b"\r\n", b"--", f"--{BOUNDARY}".encode(), f"--{BOUNDARY}--".encode(), b"\r\n\r\n",
    b"Content-Disposition: form-data; name=", b"Content-Transfer-Encoding: base64",
    b"Content-Type: multipart/mixed; boundary=x", b"--x\r\n", b"=\r\n", b"=", b"\x00", b" \t",
)  # fmt: skip


async def _read_all(reader: MultipartReader, depth: int = 0) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    while (item := await reader.next()) is not None:
        if isinstance(item, MultipartReader):
            out.append(("nested", await _read_all(item, depth + 1)))
        else:
            require(isinstance(item, BodyPartReader), f"not a part: {item!r}")
            data = bytes(await item.read(decode=True))
            out.append(("part", tuple(item.headers.items()), data))
    return out


async def multipart_run(pieces: Sequence[bytes]) -> list[tuple[object, ...]]:
    stream = StreamReader(None, 2**16, loop=asyncio.get_running_loop())
    for piece in pieces:
        stream.feed_data(piece)
    stream.feed_eof()
    headers = CIMultiDictProxy(
        CIMultiDict({"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
    )
    try:
        reader = MultipartReader(headers, stream, limits=MULTIPART_LIMITS)
        return await asyncio.wait_for(_read_all(reader), MULTIPART_TIMEOUT)
    except TimeoutError:
        raise Finding("the reader hung after the end of the body") from None
    except MultipartError as exc:
        require(exc.code in (400, 413), f"a multipart error with status {exc.code}: {exc!r}")
        return [("error",)]


def multipart_check(data: bytes, seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    whole = bounded_peak(lambda: asyncio.run(multipart_run([data])), len(data), "multipart reader")
    for pieces in splits(data, rng)[1:]:
        got = asyncio.run(multipart_run(pieces))
        require(got == whole, f"depends on the split {[len(p) for p in pieces]}:\n{whole}\n{got}")


TARGETS: dict[str, tuple[Callable[[bytes, int], None], tuple[bytes, ...], tuple[bytes, ...]]] = {
    "ws": (ws_check, WS_SEEDS, WS_DICTIONARY),
    "multipart": (multipart_check, MULTIPART_SEEDS, MULTIPART_DICTIONARY),
}


def fuzz(target: str, seconds: float, seed: int) -> int:
    check, seeds, dictionary = TARGETS[target]
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    for index, data in enumerate(seeds):
        check(data, index)
    deadline = time.monotonic() + seconds
    runs = 0
    while time.monotonic() < deadline:
        data = mutate(seeds, dictionary, rng)
        input_seed = rng.randrange(1 << 30)
        try:
            check(data, input_seed)
        except Exception:
            print(f"finding for {target} (input seed {input_seed}): {data!r}", file=sys.stderr)
            raise
        runs += 1
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", choices=sorted(TARGETS), action="append")
    parser.add_argument("--seconds", type=float, default=60.0, help="per target")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args, _ = parser.parse_known_args(argv)  # e.g. request_parser_fuzz.py's --engine
    # The documented warnings for a malformed Content-Disposition (the part keeps no name).
    warnings.simplefilter("ignore", RuntimeWarning)
    for target in args.target or sorted(TARGETS):
        print(f"fuzzing the {target} reader for {args.seconds:g} s", flush=True)
        runs = fuzz(target, args.seconds, args.seed)
        print(f"{target}: {runs} inputs (seed {args.seed}), no finding", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Helpers for the multipart tests: bodies delivered in chosen pieces, and a byte sink."""

from __future__ import annotations

from collections.abc import Iterable

from aiostrata.http_parser import MultipartReader, MultipartWriter


class PiecewiseContent:
    """A body stream whose reads return at most one of the given pieces each (``b""`` at end)."""

    def __init__(self, pieces: Iterable[bytes]) -> None:
        self._pieces = [p for p in pieces if p]
        self.reads = 0

    async def read(self, n: int = -1) -> bytes:
        self.reads += 1
        if not self._pieces:
            return b""
        piece = self._pieces[0]
        if 0 < n < len(piece):
            self._pieces[0] = piece[n:]
            return piece[:n]
        self._pieces.pop(0)
        return piece


def split_every(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


class MemorySink:
    def __init__(self) -> None:
        self.data = bytearray()

    async def write(self, chunk: bytes) -> None:
        self.data += chunk


async def render(writer: MultipartWriter) -> bytes:
    sink = MemorySink()
    await writer.write(sink)
    return bytes(sink.data)


def reader_for(
    body: bytes, boundary: str = "b0und", *, piece: int = 0, **kwargs: object
) -> MultipartReader:
    """A form reader over ``body`` with ``boundary``, in pieces of ``piece`` bytes (0: one)."""
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    pieces = split_every(body, piece) if piece else [body]
    return MultipartReader(headers, PiecewiseContent(pieces), **kwargs)  # type: ignore[arg-type]


def form(*parts: tuple[str, bytes], boundary: str = "b0und", preamble: bytes = b"") -> bytes:
    """A form-data body from (header block, body) pairs, as bytes on the wire."""
    out = bytearray(preamble)
    if preamble:
        out += b"\r\n"
    for head, body in parts:
        out += f"--{boundary}\r\n{head}\r\n\r\n".encode() + body + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out)

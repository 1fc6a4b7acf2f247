"""A fake request satisfying ``ConditionalRequest`` on top of the test kit's fake request.

It parses the validator headers the simple way (enough for well-formed test
input); the real parsing, and its hostile-input tests, live in web_request.
"""

from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass
from pathlib import Path

from _web_response_testkit import FakeRequest, Wire, parse_wire

from aiostrata.web_response import ETag, FileResponse
from aiostrata.web_response.http_dates import parse_http_date

_RANGE = re.compile(r"bytes=([0-9]*)-([0-9]*)", re.ASCII)


def _etags(value: str | None) -> tuple[ETag, ...] | None:
    if value is None:
        return None
    tags = []
    for item in value.split(","):
        item = item.strip()
        weak = item.startswith("W/")
        tags.append(ETag(item.removeprefix("W/").strip('"'), is_weak=weak))
    return tuple(tags)


@dataclass
class ConditionalFakeRequest(FakeRequest):
    """Satisfies ``aiostrata.web_response.ConditionalRequest``."""

    @property
    def http_range(self) -> slice:
        value = self.headers.get("Range")
        if value is None:
            return slice(None, None, 1)
        match = _RANGE.fullmatch(value)
        if match is None:
            raise ValueError("range not in acceptable format")
        start = int(match.group(1)) if match.group(1) else None
        end = int(match.group(2)) if match.group(2) else None
        if start is None:
            if end is None:
                raise ValueError("no start or end")
            return slice(-end, None, 1)
        if end is not None:
            if start > end:
                raise ValueError("start after end")
            end += 1
        return slice(start, end, 1)

    @property
    def if_match(self) -> tuple[ETag, ...] | None:
        return _etags(self.headers.get("If-Match"))

    @property
    def if_none_match(self) -> tuple[ETag, ...] | None:
        return _etags(self.headers.get("If-None-Match"))

    @property
    def if_modified_since(self) -> datetime.datetime | None:
        return parse_http_date(self.headers.get("If-Modified-Since"))

    @property
    def if_unmodified_since(self) -> datetime.datetime | None:
        return parse_http_date(self.headers.get("If-Unmodified-Since"))

    @property
    def if_range(self) -> datetime.datetime | None:
        return parse_http_date(self.headers.get("If-Range"))


def make_request(method: str = "GET", **headers: str) -> ConditionalFakeRequest:
    """A request with *headers* (``If_None_Match="..."`` spelled with underscores)."""
    return ConditionalFakeRequest(
        method=method, raw_headers={k.replace("_", "-"): v for k, v in headers.items()}
    )


async def serve_file(path: Path, request: ConditionalFakeRequest | None = None) -> Wire:
    """Prepare a FileResponse for *path* (which sends everything) and parse the bytes."""
    request = request or make_request()
    response = FileResponse(path)
    await response.prepare(request)
    return parse_wire(request.wire)


def write_file(path: Path, data: bytes, *, mtime: float = 1_700_000_000.25) -> Path:
    """Write *data* to *path* with a fixed, fractional modification time."""
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))
    return path

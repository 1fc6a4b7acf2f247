"""Building multipart bodies for responses: aiohttp's ``MultipartWriter``.

Supported part bodies: ``bytes`` (and ``bytearray``/``memoryview``), ``str``
(encoded with the charset of its Content-Type, UTF-8 by default), JSON
(``append_json``), urlencoded forms (``append_form``) and nested
``MultipartWriter``\\ s. Other objects (files, async iterables) are refused
with ``TypeError``: read them into bytes first. The whole body's size is known
in advance (``size``), so a response can send a Content-Length.

Boundaries are checked against RFC 2046 5.1.1, and every part header goes
through :func:`~.serialize.encode_head`, which refuses CR, LF and NUL, so no
value can inject a header or a boundary.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import TracebackType
from typing import Any, Protocol
from urllib.parse import urlencode

from multidict import CIMultiDict

from .content_disposition import content_disposition_header
from .header_grammar import HeaderParamError, is_token, parse_parameterized, quote_string
from .multipart_boundary import check_boundary
from .serialize import encode_head

__all__ = ("ByteSink", "MultipartWriter", "PartPayload")

_CRLF = b"\r\n"


class ByteSink(Protocol):
    """Where a body is written: an ``AbstractStreamWriter`` or a prepared ``StreamResponse``."""

    async def write(self, chunk: bytes) -> None: ...


def _charset_of(content_type: str) -> str:
    try:
        _, params = parse_parameterized(content_type, media_type=True)
    except HeaderParamError:
        return "utf-8"
    return next((p.value for p in params if p.name == "charset"), "utf-8")


def _transfer_encode(body: bytes, encoding: str) -> bytes:
    """Apply a part's Content-Transfer-Encoding (RFC 2045 6) to its body."""
    encoding = encoding.strip().lower()
    if encoding in ("", "binary", "8bit", "7bit"):
        return body
    if encoding == "base64":
        return base64.encodebytes(body).replace(b"\n", _CRLF)
    if encoding == "quoted-printable":
        return binascii.b2a_qp(body)
    raise ValueError(f"unknown Content-Transfer-Encoding {encoding!r}")


class PartPayload:
    """One part of a :class:`MultipartWriter`: its headers and its (already encoded) body."""

    def __init__(self, body: bytes, headers: CIMultiDict[str]) -> None:
        self.headers = headers
        self._body = _transfer_encode(body, headers.get("Content-Transfer-Encoding", ""))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.content_type} {self.size} bytes>"

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "application/octet-stream")

    @property
    def size(self) -> int:
        return len(self._body)

    @property
    def body(self) -> bytes:
        return self._body

    def set_content_disposition(
        self, disptype: str, quote_fields: bool = True, _charset: str = "utf-8", **params: str
    ) -> None:
        """Set Content-Disposition, e.g. ``("form-data", name="f", filename="a.txt")``."""
        self.headers["Content-Disposition"] = content_disposition_header(
            disptype, quote_fields, _charset, **params
        )

    async def write(self, writer: ByteSink) -> None:
        await writer.write(self._body)


class MultipartWriter:
    """A ``multipart/<subtype>`` body made of appended parts (RFC 2046 5.1)."""

    def __init__(self, subtype: str = "mixed", boundary: str | None = None) -> None:
        if not is_token(subtype):
            raise ValueError(f"invalid multipart subtype {subtype!r}")
        self._boundary = check_boundary(uuid.uuid4().hex if boundary is None else boundary)
        self._subtype = subtype
        value = self._boundary if is_token(self._boundary) else quote_string(self._boundary)
        self.headers: CIMultiDict[str] = CIMultiDict(
            {"Content-Type": f"multipart/{subtype}; boundary={value}"}
        )
        self._parts: list[PartPayload | MultipartWriter] = []

    def __repr__(self) -> str:
        return f"<{type(self).__name__} multipart/{self._subtype} parts={len(self._parts)}>"

    def __enter__(self) -> MultipartWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    def __iter__(self) -> Iterator[PartPayload | MultipartWriter]:
        return iter(self._parts)

    def __len__(self) -> int:
        return len(self._parts)

    def __bool__(self) -> bool:
        return True

    @property
    def boundary(self) -> str:
        return self._boundary

    @property
    def content_type(self) -> str:
        return self.headers["Content-Type"]

    def set_content_disposition(
        self, disptype: str, quote_fields: bool = True, _charset: str = "utf-8", **params: str
    ) -> None:
        """Set Content-Disposition, for a writer nested as a part of another."""
        self.headers["Content-Disposition"] = content_disposition_header(
            disptype, quote_fields, _charset, **params
        )

    # -- adding parts --------------------------------------------------------

    def append(
        self,
        obj: bytes | bytearray | memoryview | str | MultipartWriter,
        headers: Mapping[str, str] | None = None,
    ) -> PartPayload | MultipartWriter:
        """Add a part; returns it, so ``set_content_disposition`` can be called on it."""
        part_headers: CIMultiDict[str] = CIMultiDict(headers or {})
        if isinstance(obj, MultipartWriter):
            if obj is self:
                raise ValueError("a MultipartWriter cannot contain itself")
            if "Content-Type" in part_headers:
                raise ValueError("a nested MultipartWriter's Content-Type carries its boundary")
            obj.headers.update(part_headers)
            self._parts.append(obj)
            return obj
        if isinstance(obj, str):
            part_headers.setdefault("Content-Type", "text/plain; charset=utf-8")
            body = obj.encode(_charset_of(part_headers["Content-Type"]))
        elif isinstance(obj, (bytes, bytearray, memoryview)):
            part_headers.setdefault("Content-Type", "application/octet-stream")
            body = bytes(obj)
        else:
            raise TypeError(
                f"cannot append {type(obj).__name__}: MultipartWriter takes bytes, str, "
                "JSON (append_json), forms (append_form) and nested MultipartWriters"
            )
        # Checked now, so a bad header fails at append() rather than mid-response.
        encode_head("--" + self._boundary, part_headers.items())
        payload = PartPayload(body, part_headers)
        self._parts.append(payload)
        return payload

    def append_json(
        self,
        obj: Any,
        headers: Mapping[str, str] | None = None,
        *,
        dumps: Callable[[Any], str] = json.dumps,
    ) -> PartPayload | MultipartWriter:
        part_headers: CIMultiDict[str] = CIMultiDict(headers or {})
        part_headers.setdefault("Content-Type", "application/json")
        return self.append(dumps(obj).encode("utf-8"), part_headers)

    def append_form(
        self,
        obj: Mapping[str, Any] | Iterable[tuple[str, Any]],
        headers: Mapping[str, str] | None = None,
    ) -> PartPayload | MultipartWriter:
        part_headers: CIMultiDict[str] = CIMultiDict(headers or {})
        part_headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        pairs = list(obj.items()) if isinstance(obj, Mapping) else list(obj)
        return self.append(urlencode(pairs, doseq=True).encode("ascii"), part_headers)

    # -- output --------------------------------------------------------------

    def _part_head(self, part: PartPayload | MultipartWriter) -> bytes:
        # RFC 2046 5.1.1: dash-boundary CRLF, then the part's header fields and an empty line.
        return encode_head("--" + self._boundary, part.headers.items())

    def _close_line(self) -> bytes:
        return f"--{self._boundary}--\r\n".encode("ascii")

    @property
    def size(self) -> int:
        """The exact number of bytes :meth:`write` sends."""
        total = len(self._close_line())
        for part in self._parts:
            total += len(self._part_head(part)) + part.size + len(_CRLF)
        return total

    async def write(self, writer: ByteSink, close_boundary: bool = True) -> None:
        """Write the whole body; with ``close_boundary=False`` the closing line is left out."""
        for part in self._parts:
            await writer.write(self._part_head(part))
            await part.write(writer)
            await writer.write(_CRLF)
        if close_boundary:
            await writer.write(self._close_line())

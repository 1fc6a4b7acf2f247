"""An uploaded file in ``await request.post()``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from multidict import CIMultiDictProxy


@dataclass(frozen=True)
class FileField:
    """A file part of a multipart/form-data body, spooled to a temporary file."""

    name: str
    filename: str
    file: BinaryIO
    content_type: str
    headers: CIMultiDictProxy[str]

"""Variable paths such as ``/users/{name}``, ``/{a}.{b}`` or ``/get/{num:\\d+}``.

A ``{var}`` matches one or more characters other than ``/`` (aiohttp's default), while
``{var:regex}`` uses the given regular expression, which may itself contain braces
(``{id:\\d{4}}``). Captured values are decoded, so ``%2F`` arrives as ``/``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from yarl import URL

from .path_quoting import decode_path_safe, quote_path, requote_path, unquote_captured
from .resources import Resource, _check_prefix

if TYPE_CHECKING:
    from .typedefs import InfoDict

_VAR_NAME: Final = re.compile(r"[_a-zA-Z][_a-zA-Z0-9]*")
# aiohttp's default for ``{var}``: a non-empty piece of one path segment.
DEFAULT_VAR_PATTERN: Final = r"[^{}/]+"


@dataclass(frozen=True, slots=True)
class _Variable:
    name: str
    pattern: str


def _split_template(path: str) -> list[str | _Variable]:
    """Cut *path* into literal text and variables; ``ValueError`` on malformed braces."""
    parts: list[str | _Variable] = []
    literal_start = 0
    index = 0
    while index < len(path):
        char = path[index]
        if char == "}":
            raise ValueError(f"Invalid path '{path}': unexpected '}}' at {index}")
        if char != "{":
            index += 1
            continue
        end = _closing_brace(path, index)
        if literal_start < index:
            parts.append(path[literal_start:index])
        parts.append(_parse_variable(path, path[index + 1 : end]))
        index = literal_start = end + 1
    if literal_start < len(path):
        parts.append(path[literal_start:])
    return parts


def _closing_brace(path: str, start: int) -> int:
    # Braces nest so that regex quantifiers such as \d{2,4} stay inside the variable.
    depth = 0
    for index in range(start, len(path)):
        if path[index] == "{":
            depth += 1
        elif path[index] == "}":
            depth -= 1
            if depth == 0:
                return index
    raise ValueError(f"Invalid path '{path}': unclosed '{{' at {start}")


def _parse_variable(path: str, body: str) -> _Variable:
    name, colon, pattern = body.partition(":")
    if _VAR_NAME.fullmatch(name) is None:
        raise ValueError(f"Invalid path '{path}': bad variable name in '{{{body}}}'")
    if colon and not pattern:
        raise ValueError(f"Invalid path '{path}': empty regex in '{{{body}}}'")
    return _Variable(name, pattern if colon else DEFAULT_VAR_PATTERN)


def is_dynamic_path(path: str) -> bool:
    """Whether *path* needs a :class:`DynamicResource` (it contains braces)."""
    return "{" in path or "}" in path


class DynamicResource(Resource):
    """A resource whose path has variables; matched with one compiled regular expression."""

    def __init__(self, path: str, *, name: str | None = None) -> None:
        super().__init__(name=name)
        if not path.startswith("/"):
            raise ValueError("path should be started with /")
        self._orig_path = path
        pattern = ""
        formatter = ""
        for part in _split_template(path):
            if isinstance(part, _Variable):
                pattern += f"(?P<{part.name}>{part.pattern})"
                formatter += "{" + part.name + "}"
            else:
                # Literal text: URL-encoded for building URLs, decoded for matching.
                quoted = requote_path(part)
                formatter += quoted
                pattern += re.escape(decode_path_safe(quoted))
        try:
            self._pattern = re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"Bad pattern '{pattern}': {exc}") from None
        self._formatter = formatter

    @property
    def canonical(self) -> str:
        """The formatter: the path with each ``{var:regex}`` shortened to ``{var}``."""
        return self._formatter

    def add_prefix(self, prefix: str) -> None:
        _check_prefix(prefix)
        self._pattern = re.compile(re.escape(decode_path_safe(prefix)) + self._pattern.pattern)
        self._formatter = requote_path(prefix) + self._formatter

    def _match(self, path: str) -> dict[str, str] | None:
        found = self._pattern.fullmatch(path)
        if found is None:
            return None
        return {key: unquote_captured(value) for key, value in found.groupdict().items()}

    def raw_match(self, path: str) -> bool:
        return self._orig_path == path

    def get_info(self) -> InfoDict:
        return {"formatter": self._formatter, "pattern": self._pattern}

    def url_for(self, **parts: str) -> URL:  # type: ignore[override]
        """The URL with each variable replaced by its percent-encoded value.

        A missing variable raises ``KeyError``; unknown ones are ignored, as in aiohttp.
        """
        path = self._formatter.format_map({key: quote_path(value) for key, value in parts.items()})
        return URL.build(path=path, encoded=True)

    def __repr__(self) -> str:
        name = f"'{self.name}' " if self.name is not None else ""
        return f"<DynamicResource {name} {self._formatter}>"

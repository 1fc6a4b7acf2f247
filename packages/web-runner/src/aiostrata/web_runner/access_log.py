"""Access logging in aiohttp's format language (``%a %t "%r" %s %b ...``)."""

from __future__ import annotations

import abc
import datetime
import logging
import os
import re
from collections.abc import Callable
from typing import Final

from aiostrata.web_request import BaseRequest
from aiostrata.web_response import StreamResponse

__all__ = ("AbstractAccessLogger", "AccessLogger")

_FORMAT_ATOM: Final = re.compile(r"%(\{([A-Za-z0-9\-_]+)\}([ioe])|[atPrsbOD]|Tf?)")


class AbstractAccessLogger(abc.ABC):
    """What ``access_log_class`` must implement (``aiohttp.abc.AbstractAccessLogger``)."""

    __slots__ = ("log_format", "logger")

    def __init__(self, logger: logging.Logger, log_format: str) -> None:
        self.logger = logger
        self.log_format = log_format

    @abc.abstractmethod
    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        """Emit one line for a finished request; ``time`` is the seconds it took."""

    @property
    def enabled(self) -> bool:
        """False when nothing would be emitted, so the line is never formatted."""
        return True


_Atom = Callable[[BaseRequest, StreamResponse, float], str]


def _remote(request: BaseRequest, response: StreamResponse, time: float) -> str:
    return request.remote or "-"


def _request_start(request: BaseRequest, response: StreamResponse, time: float) -> str:
    started = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=time)
    return started.strftime("[%d/%b/%Y:%H:%M:%S +0000]")


def _pid(request: BaseRequest, response: StreamResponse, time: float) -> str:
    return f"<{os.getpid()}>"


def _first_line(request: BaseRequest, response: StreamResponse, time: float) -> str:
    version = request.version
    return f"{request.method} {request.path_qs} HTTP/{version.major}.{version.minor}"


def _status(request: BaseRequest, response: StreamResponse, time: float) -> str:
    return str(response.status)


def _size(request: BaseRequest, response: StreamResponse, time: float) -> str:
    return str(response.body_length)


def _seconds(request: BaseRequest, response: StreamResponse, time: float) -> str:
    return str(round(time))


def _seconds_fraction(request: BaseRequest, response: StreamResponse, time: float) -> str:
    return f"{time:.6f}"


def _microseconds(request: BaseRequest, response: StreamResponse, time: float) -> str:
    return str(round(time * 1_000_000))


_ATOMS: Final[dict[str, _Atom]] = {
    "a": _remote,
    "t": _request_start,
    "P": _pid,
    "r": _first_line,
    "s": _status,
    "b": _size,
    "O": _size,
    "T": _seconds,
    "Tf": _seconds_fraction,
    "D": _microseconds,
}


def _header_atom(name: str, where: str) -> _Atom:
    if where == "i":
        return lambda request, response, time: request.headers.get(name, "-")
    if where == "o":
        return lambda request, response, time: response.headers.get(name, "-")
    return lambda request, response, time: os.environ.get(name, "-")


class AccessLogger(AbstractAccessLogger):
    """Formats one line per request from an Apache-like format string, compiled once."""

    __slots__ = ("_atoms", "_template")

    LOG_FORMAT: Final = '%a %t "%r" %s %b "%{Referer}i" "%{User-Agent}i"'
    _cache: dict[str, tuple[str, tuple[_Atom, ...]]] = {}  # noqa: RUF012 - shared compile cache

    def __init__(self, logger: logging.Logger, log_format: str = LOG_FORMAT) -> None:
        super().__init__(logger, log_format)
        compiled = self._cache.get(log_format)
        if compiled is None:
            compiled = self._compile(log_format)
            self._cache[log_format] = compiled
        self._template, self._atoms = compiled

    @staticmethod
    def _compile(log_format: str) -> tuple[str, tuple[_Atom, ...]]:
        atoms: list[_Atom] = []

        def replace(match: re.Match[str]) -> str:
            if match.group(2):
                atoms.append(_header_atom(match.group(2), match.group(3)))
            else:
                atoms.append(_ATOMS[match.group(1)])
            return "\x01"

        template = _FORMAT_ATOM.sub(replace, log_format.replace("%%", "\x00"))
        template = template.replace("%", "%%").replace("\x01", "%s").replace("\x00", "%%")
        return template, tuple(atoms)

    @property
    def enabled(self) -> bool:
        return self.logger.isEnabledFor(logging.INFO)

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        try:
            values = tuple(atom(request, response, time) for atom in self._atoms)
            self.logger.info(self._template, *values)
        except Exception:
            self.logger.exception("Error in logging")

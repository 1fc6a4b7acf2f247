"""The compiled modules, and AIOSTRATA_NO_EXTENSIONS bringing their sources back.

Run against both builds: the pure wheel (``nox -s tests``), where there is nothing to
switch, and the compiled one (``nox -s compiled``), where the variable decides. Each
case runs in a child process, because the choice is made once, at import.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from aiostrata.http_parser import compiled

_REPORT = """
import json
import aiostrata.http_parser as package
from aiostrata.http_parser import compiled
from aiostrata.http_parser.backend_selection import select_backend
import importlib
files = {
    name: importlib.import_module(f"aiostrata.http_parser.{name}").__file__
    for name in compiled.COMPILED_MODULES
}
print(json.dumps({
    "files": files,
    "in_use": compiled.compiled_in_use(),
    "preferred": compiled.SOURCES_PREFERRED,
    "backend": select_backend().__name__,
}))
"""


def _report(no_extensions: str | None) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != compiled.NO_EXTENSIONS_VARIABLE}
    if no_extensions is not None:
        env[compiled.NO_EXTENSIONS_VARIABLE] = no_extensions
    out = subprocess.run(
        [sys.executable, "-c", _REPORT], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    report: dict[str, object] = json.loads(out.stdout)
    return report


def _installed_compiled() -> bool:
    return all(compiled._compiled_file(name) is not None for name in compiled.COMPILED_MODULES)


def test_the_build_is_all_compiled_or_all_source() -> None:
    found = [compiled._compiled_file(name) is not None for name in compiled.COMPILED_MODULES]
    assert all(found) or not any(found)


@pytest.mark.parametrize("value", ["1", "yes"])
def test_no_extensions_loads_every_compiled_module_from_its_source(value: str) -> None:
    report = _report(value)
    files = report["files"]
    assert isinstance(files, dict)
    assert all(str(path).endswith(f"{name}.py") for name, path in files.items())
    assert report["in_use"] is False
    assert report["preferred"] is _installed_compiled()
    assert report["backend"] == "HttpRequestParser"


@pytest.mark.parametrize("value", [None, ""])
def test_otherwise_the_compiled_modules_are_used_where_installed(value: str | None) -> None:
    report = _report(value)
    files = report["files"]
    assert isinstance(files, dict)
    suffix_is_source = [str(path).endswith(".py") for path in files.values()]
    assert report["in_use"] is _installed_compiled()
    assert report["preferred"] is False
    if _installed_compiled():
        assert not any(suffix_is_source)
        # The httptools backend only inherits: the compiled class is used as it is.
        assert report["backend"] == "HttpRequestParser"
    else:
        assert all(suffix_is_source)


def test_extensions_disabled_reads_the_variable_set_and_not_empty() -> None:
    assert compiled.extensions_disabled({}) is False
    assert compiled.extensions_disabled({"AIOSTRATA_NO_EXTENSIONS": ""}) is False
    assert compiled.extensions_disabled({"AIOSTRATA_NO_EXTENSIONS": "0"}) is True
    assert compiled.prefer_sources({}) is False


def test_a_parser_subclass_defined_in_python_works_over_either_build() -> None:
    from aiostrata.http_parser import Event, RequestHead
    from aiostrata.http_parser.request_parser import HttpRequestParser

    class Counting(HttpRequestParser):
        fed = 0

        def feed_data(
            self, data: bytes | bytearray | memoryview, *, max_heads: int | None = None
        ) -> list[Event]:
            self.fed += 1
            return super().feed_data(data, max_heads=max_heads)

    parser = Counting()
    for data in (
        b"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
        bytearray(b"GET /b HTTP/1.1\r\nHost: a\r\n\r\n"),
    ):
        events = parser.feed_data(data)
        assert isinstance(events[0], RequestHead)
    assert parser.fed == 2

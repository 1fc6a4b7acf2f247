"""docs/differences-from-aiohttp.md names a test for every difference: each named test exists.

A test that moves or is renamed must take its row along; this keeps the page true.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "differences-from-aiohttp.md"
# `package/tests/file.py::test_name`, `::test_name` (same file as before), or a whole file.
REFERENCE = re.compile(r"`((?:[\w-]+/tests|tests-integration)/[\w/]+\.py)?(?:::(\w+))?")


def _references() -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    current: str | None = None
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            continue
        tests_cell = line.rstrip(" |").rsplit("|", 1)[-1]
        for match in REFERENCE.finditer(tests_cell):
            path, name = match.groups()
            if path is None and name is None:
                continue
            current = path or current
            if current is not None:
                found.append((current, name))
    return found


def _file(path: str) -> Path:
    return ROOT / path if path.startswith("tests-integration/") else ROOT / "packages" / path


def test_the_page_is_linked_from_the_readme() -> None:
    assert "docs/differences-from-aiohttp.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_page_names_tests() -> None:
    assert len(_references()) >= 20


@pytest.mark.parametrize(("path", "name"), _references())
def test_every_test_the_page_names_exists(path: str, name: str | None) -> None:
    source = _file(path).read_text(encoding="utf-8")
    if name is not None:
        assert re.search(rf"^(async )?def {name}\(", source, re.MULTILINE), f"{path}::{name}"

"""The version rules of tools/versioning.py: what each fragment type does to a version."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.version import Version

from tools.monorepo import Package
from tools.versioning import (
    breaking_boundary,
    bump,
    compatible_range,
    fragments,
    is_breaking_step,
)


@pytest.mark.parametrize(
    ("version", "types", "expected"),
    [
        ("1.4.2", ["removal"], "2.0.0"),
        ("1.4.2", ["feature"], "1.5.0"),
        ("1.4.2", ["deprecation", "bugfix"], "1.5.0"),
        ("1.4.2", ["bugfix"], "1.4.3"),
        ("1.4.2", ["doc", "misc"], "1.4.3"),
        ("1.4.2", ["bugfix", "feature", "removal"], "2.0.0"),
        ("0.4.2", ["removal"], "0.5.0"),
        ("0.4.2", ["feature"], "0.4.3"),
        ("0.4.2", ["deprecation"], "0.4.3"),
        ("0.4.2", ["bugfix"], "0.4.3"),
        ("0.1.0", ["misc"], "0.1.1"),
    ],
)
def test_the_fragment_types_decide_the_bump(version: str, types: list[str], expected: str) -> None:
    assert bump(Version(version), types) == Version(expected)


def test_no_fragment_decides_nothing() -> None:
    with pytest.raises(ValueError, match="no changelog fragments"):
        bump(Version("0.1.0"), [])


@pytest.mark.parametrize(
    ("version", "boundary", "declared"),
    [
        ("0.1.0", "0.2.0", ">=0.1.0,<0.2"),
        ("0.4.2", "0.5.0", ">=0.4.2,<0.5"),
        ("1.4.2", "2.0.0", ">=1.4.2,<2"),
    ],
)
def test_the_breaking_boundary_and_the_range_dependants_declare(
    version: str, boundary: str, declared: str
) -> None:
    assert breaking_boundary(Version(version)) == Version(boundary)
    assert compatible_range(Version(version)) == declared
    assert is_breaking_step(Version(version), Version(boundary))
    assert not is_breaking_step(Version(version), bump(Version(version), ["feature"]))


def test_a_fragment_with_an_unknown_type_is_refused(tmp_path: Path) -> None:
    (tmp_path / "changes").mkdir()
    (tmp_path / "changes" / "12.feature.md").write_text("Added.\n")
    (tmp_path / "changes" / "+x.improvement.md").write_text("Better.\n")
    with pytest.raises(ValueError, match="improvement"):
        fragments(Package(tmp_path))


def test_fragments_are_grouped_by_type(tmp_path: Path) -> None:
    changes = tmp_path / "changes"
    changes.mkdir()
    for name in ("12.feature.md", "+a.bugfix.md", "13.bugfix.md", "14.bugfix.2.md"):
        (changes / name).write_text("x\n")
    found = fragments(Package(tmp_path))
    assert {kind: len(paths) for kind, paths in found.items()} == {"feature": 1, "bugfix": 3}

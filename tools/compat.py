"""Which sibling versions to test a package against: the lowest and the newest its ranges allow.

Used by the nox session ``compat``. The versions of a sibling that exist are its release tags
(``<distribution>-v<version>``) and the tree. Walking the package's siblings from dependants
to dependencies, each sibling gets the lowest (or the newest) existing version that every range
on it admits, the package's own (from the tree) and those of the sibling versions already
chosen (read from the pyproject.toml at their tag). At an equal version a release tag counts
as older than the tree, so "lowest" prefers what users got from the index and "newest" the
tree. With no release tags at all, both sets are the tree, which ``tests(<folder>)`` covers.

Needs ``packaging`` (nox depends on it).
"""

from __future__ import annotations

import subprocess
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from tools.monorepo import ROOT, Monorepo, Package, normalize
from tools.versioning import released_versions, tag_name

Which = Literal["lowest", "newest"]


class CompatError(Exception):
    """No existing version of a sibling satisfies the ranges on it."""


@dataclass(frozen=True)
class Candidate:
    """One existing version of a package: at a release tag, or the tree (tag None)."""

    package: Package
    version: Version
    tag: str | None
    requires: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.package.dist} {self.version} ({self.tag or 'tree'})"


def _requires_at(package: Package, tag: str, root: Path) -> tuple[str, ...]:
    relative = (package.path / "pyproject.toml").relative_to(root)
    text = subprocess.run(
        ["git", "show", f"{tag}:{relative.as_posix()}"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    dependencies = tomllib.loads(text).get("project", {}).get("dependencies", [])
    return tuple(str(d) for d in dependencies)


def candidates(package: Package, root: Path = ROOT) -> list[Candidate]:
    """Every existing version of the package, oldest first (a tag before the tree at a tie)."""
    found = [
        Candidate(
            package, v, tag_name(package, v), _requires_at(package, tag_name(package, v), root)
        )
        for v in released_versions(package, root)
    ]
    found.append(Candidate(package, Version(package.version), None, tuple(package.requires)))
    return sorted(found, key=lambda c: (c.version, c.tag is None))


def choose(
    repo: Monorepo, package: Package, which: Which, root: Path = ROOT
) -> dict[str, Candidate]:
    """The sibling version to install for each sibling the package needs (by distribution)."""
    ranges: dict[str, list[SpecifierSet]] = defaultdict(list)

    def add_ranges(requires: tuple[str, ...] | list[str]) -> None:
        for raw in requires:
            requirement = Requirement(raw)
            name = normalize(requirement.name)
            if name in repo.by_dist:
                ranges[name].append(requirement.specifier)

    add_ranges(package.requires)
    chosen: dict[str, Candidate] = {}
    for sibling in reversed(repo.closure(package)):  # dependants before their dependencies
        if sibling.dist == package.dist:
            continue
        fitting = [
            c
            for c in candidates(sibling, root)
            if all(r.contains(c.version, prereleases=True) for r in ranges[sibling.dist])
        ]
        if not fitting:
            wanted = " and ".join(str(r) for r in ranges[sibling.dist])
            raise CompatError(
                f"{package.dist}: no existing version of {sibling.dist} is {wanted} "
                "(release tags and the tree were looked at)"
            )
        pick = fitting[0] if which == "lowest" else fitting[-1]
        chosen[sibling.dist] = pick
        add_ranges(pick.requires)
    return chosen

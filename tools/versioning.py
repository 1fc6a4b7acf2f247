"""Versions, release tags and the bump rules, shared by the release, compat and api_diff tools.

Each package is released on its own and tagged ``<distribution>-v<version>``
(``aiostrata-web-router-v0.1.1``). Its unreleased changes are towncrier fragments in
``packages/<folder>/changes/`` named ``<issue or +slug>.<type>.md``; the types decide the
next version:

==================  =============================  ===========================
fragment type        from 1.0 on                   in 0.x (the minor digit breaks)
==================  =============================  ===========================
``removal``          major: 1.4.2 -> 2.0.0          minor: 0.4.2 -> 0.5.0
``feature``          minor: 1.4.2 -> 1.5.0          patch: 0.4.2 -> 0.4.3
``deprecation``      minor                          patch
``bugfix``           patch: 1.4.2 -> 1.4.3          patch
``doc``, ``misc``    patch                          patch
==================  =============================  ===========================

In 0.x the minor digit plays the part of the major one, as in Cargo's caret ranges and as the
sibling ranges already say (``>=0.1.0,<0.2``): a 0.x release breaks only when its minor digit
changes. Leaving 0.x (1.0.0) is a decision, not a fragment: ``--version 1.0.0``.

Needs ``packaging`` (nox depends on it, so the noxfile's interpreter has it).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.version import Version

from tools.monorepo import ROOT, Package

# Fragment types, in the order the changelog shows them (kept in sync with towncrier.toml).
BREAKING = ("removal",)
FEATURES = ("feature", "deprecation")
FIXES = ("bugfix", "doc", "misc")
FRAGMENT_TYPES = (*BREAKING, *FEATURES, *FIXES)
_FRAGMENT = re.compile(r"^(?P<id>[^.]+)\.(?P<type>[a-z]+)(?:\.\d+)?\.md$")


def tag_name(package: Package, version: Version | str) -> str:
    """The release tag: ``<distribution>-v<version>``."""
    return f"{package.dist}-v{version}"


def released_versions(package: Package, root: Path = ROOT) -> list[Version]:
    """The versions that have a release tag in the repository at root, oldest first."""
    prefix = f"{package.dist}-v"
    listed = subprocess.run(
        ["git", "tag", "--list", f"{prefix}*"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    versions = []
    for tag in listed:
        try:
            versions.append(Version(tag.removeprefix(prefix)))
        except ValueError:
            continue  # not one of ours (e.g. a hand-made tag)
    return sorted(versions)


def last_release(package: Package, root: Path = ROOT) -> Version | None:
    versions = released_versions(package, root)
    return versions[-1] if versions else None


def fragments(package: Package) -> dict[str, list[Path]]:
    """The package's changelog fragments by type; an unknown type is an error."""
    found: dict[str, list[Path]] = {}
    directory = package.path / "changes"
    for path in sorted(directory.glob("*.md")) if directory.is_dir() else []:
        match = _FRAGMENT.match(path.name)
        if path.name.lower() == "readme.md":
            continue
        if match is None or match.group("type") not in FRAGMENT_TYPES:
            raise ValueError(
                f"{path}: a fragment is named <issue or +slug>.<type>.md, "
                f"type one of {', '.join(FRAGMENT_TYPES)}"
            )
        found.setdefault(match.group("type"), []).append(path)
    return found


def breaking_boundary(version: Version) -> Version:
    """The first version that may break users of this one: 2.0.0 for 1.4.2, 0.5.0 for 0.4.2."""
    if version.major >= 1:
        return Version(f"{version.major + 1}.0.0")
    return Version(f"0.{version.minor + 1}.0")


def is_breaking_step(old: Version, new: Version) -> bool:
    """True if new is at or past old's breaking boundary (a major, or in 0.x a minor, step)."""
    return new >= breaking_boundary(old)


def bump(version: Version, types: Iterable[str]) -> Version:
    """The next version after version for fragments of the given types (the table above)."""
    kinds = set(types)
    if not kinds:
        raise ValueError("no changelog fragments: nothing decides the next version")
    major, minor, patch = version.major, version.minor, version.micro
    if kinds & set(BREAKING):
        return breaking_boundary(version)
    if kinds & set(FEATURES) and major >= 1:
        return Version(f"{major}.{minor + 1}.0")
    return Version(f"{major}.{minor}.{patch + 1}")


def compatible_range(version: Version) -> str:
    """The sibling range a dependant declares on a release: ``>=0.2.0,<0.3``."""
    boundary = breaking_boundary(version)
    upper = f"{boundary.major}" if boundary.major >= 1 else f"0.{boundary.minor}"
    return f">={version},<{upper}"


def allows(requirement_specifier: str, version: Version | str) -> bool:
    """True if the specifier (``>=0.1.0,<0.2``) admits version (pre-releases included)."""
    return SpecifierSet(requirement_specifier).contains(Version(str(version)), prereleases=True)

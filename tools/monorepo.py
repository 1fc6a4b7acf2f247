"""What the monorepo holds: the packages under packages/*/, read from their pyproject.toml files.

Shared by noxfile.py and the check scripts in tools/. Standard library only, so that it runs
in any session's interpreter. Nothing here is hard-coded per package: a package is a folder
under packages/ with a pyproject.toml, its distribution name is [project].name, and its import
name is the folder holding the file named by [tool.hatch.version].path.
"""

from __future__ import annotations

import ast
import re
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES_DIR = ROOT / "packages"
NAMESPACE = "aiostrata"

_REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")


class MonorepoError(Exception):
    """A package folder that does not have the shape the checks rely on."""


def normalize(name: str) -> str:
    """The PEP 503 normal form of a distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    """The normalized distribution name of a PEP 508 requirement string."""
    match = _REQUIREMENT_NAME.match(requirement)
    if match is None:
        raise MonorepoError(f"cannot read a distribution name from requirement {requirement!r}")
    return normalize(match.group(1))


@dataclass(frozen=True)
class Package:
    """One distribution of the monorepo, as its pyproject.toml describes it."""

    path: Path

    @property
    def folder(self) -> str:
        """The folder name under packages/, e.g. ``http-parser``; the id used by nox."""
        return self.path.name

    @cached_property
    def pyproject(self) -> dict[str, object]:
        try:
            with (self.path / "pyproject.toml").open("rb") as file:
                return tomllib.load(file)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise MonorepoError(f"{self.path}/pyproject.toml: {exc}") from exc

    def _table(self, *keys: str) -> dict[str, object]:
        table: object = self.pyproject
        for key in keys:
            if not isinstance(table, dict) or not isinstance(table.get(key), dict):
                raise MonorepoError(f"{self.path}/pyproject.toml: no [{'.'.join(keys)}] table")
            table = table[key]
        if not isinstance(table, dict):
            raise MonorepoError(f"{self.path}/pyproject.toml: no [{'.'.join(keys)}] table")
        return table

    @property
    def dist(self) -> str:
        """The normalized distribution name, e.g. ``aiostrata-http-parser``."""
        name = self._table("project").get("name")
        if not isinstance(name, str):
            raise MonorepoError(f"{self.path}/pyproject.toml: [project].name is missing")
        return normalize(name)

    @property
    def requires(self) -> list[str]:
        """The raw [project].dependencies strings."""
        deps = self._table("project").get("dependencies", [])
        if not isinstance(deps, list) or not all(isinstance(d, str) for d in deps):
            raise MonorepoError(f"{self.path}/pyproject.toml: [project].dependencies is malformed")
        return list(deps)

    @property
    def version_file(self) -> Path:
        path = self._table("tool", "hatch", "version").get("path")
        if not isinstance(path, str):
            raise MonorepoError(f"{self.path}/pyproject.toml: [tool.hatch.version].path is missing")
        return self.path / path

    @property
    def src(self) -> Path:
        return self.path / "src"

    @property
    def tests(self) -> Path:
        return self.path / "tests"

    @property
    def module(self) -> str:
        """The import name, e.g. ``aiostrata.http_parser``."""
        relative = self.version_file.parent.relative_to(self.src)
        if len(relative.parts) != 2 or relative.parts[0] != NAMESPACE:
            raise MonorepoError(
                f"{self.path}: the version file must be src/{NAMESPACE}/<module>/_version.py, "
                f"not {self.version_file.relative_to(self.path)}"
            )
        return ".".join(relative.parts)

    @property
    def version(self) -> str:
        """``__version__`` from the version file, read without importing it."""
        try:
            tree = ast.parse(self.version_file.read_text(encoding="utf-8"))
        except (OSError, SyntaxError) as exc:
            raise MonorepoError(f"{self.version_file}: {exc}") from exc
        for node in tree.body:
            if (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets)
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                return node.value.value
        raise MonorepoError(f'{self.version_file}: no `__version__ = "..."` assignment')


class Monorepo:
    """All packages, in dependency order (a package comes after every sibling it needs)."""

    def __init__(self, root: Path = ROOT) -> None:
        paths = sorted(p.parent for p in (root / "packages").glob("*/pyproject.toml"))
        if not paths:
            raise MonorepoError(f"no packages/*/pyproject.toml under {root}")
        found = [Package(p) for p in paths]
        self.by_dist = {p.dist: p for p in found}
        self.by_module = {p.module: p for p in found}
        self.by_folder = {p.folder: p for p in found}
        self.packages = self._dependency_order(found)

    def sibling_deps(self, package: Package) -> list[Package]:
        """The siblings named in the package's [project].dependencies."""
        names = {requirement_name(r) for r in package.requires}
        return [p for p in self.packages if p.dist in names]

    def closure(self, package: Package) -> list[Package]:
        """The package and every sibling it needs, directly or not, in dependency order."""
        seen = {package.dist}
        todo = [package]
        while todo:
            for dep in self.sibling_deps(todo.pop()):
                if dep.dist not in seen:
                    seen.add(dep.dist)
                    todo.append(dep)
        return [p for p in self.packages if p.dist in seen]

    def third_party_requires(self) -> list[str]:
        """Every non-sibling requirement string of every package, deduplicated."""
        reqs = {
            r for p in self.packages for r in p.requires if requirement_name(r) not in self.by_dist
        }
        return sorted(reqs)

    def _dependency_order(self, found: list[Package]) -> list[Package]:
        ordered: list[Package] = []
        done: set[str] = set()
        visiting: set[str] = set()
        dists = {p.dist for p in found}

        def visit(package: Package) -> None:
            if package.dist in done:
                return
            if package.dist in visiting:
                raise MonorepoError(f"dependency cycle through {package.dist}")
            visiting.add(package.dist)
            for req in package.requires:
                name = requirement_name(req)
                if name in dists:
                    visit(self.by_dist[name])
            visiting.discard(package.dist)
            done.add(package.dist)
            ordered.append(package)

        for package in found:
            visit(package)
        return ordered

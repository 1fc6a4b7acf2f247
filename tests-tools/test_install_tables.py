"""The install tables (README.md, docs/install.md) say what each package really pulls in."""

from __future__ import annotations

import re

import pytest

from tools.monorepo import ROOT, Monorepo, Package, requirement_name

REPO = Monorepo()
_ROW = re.compile(
    r"^\| `(?P<dist>[\w-]*aiostrata[\w-]*)`[^|]* \| (?P<siblings>[^|]*) \| (?P<third>[^|]*) \|"
    r"(?P<extras>[^|]*)\|"
)
_EXTRA = re.compile(r"`([\w-]+)`")
_NOTE = re.compile(r"\s*\([^)]*\)")  # "aiohttp (its client)": the note is for the reader


def names(cell: str) -> set[str]:
    return {_NOTE.sub("", n).strip() for n in cell.split(",")}


# "all six" in a row stands for the six packages the meta-package `aiostrata` gathers.
_META = REPO.by_module["aiostrata.web"]
_SIX = {p.folder for p in REPO.closure(_META) if p.dist != _META.dist}


def rows(text: str) -> dict[str, tuple[set[str], set[str], set[str]]]:
    found = {}
    for line in text.splitlines():
        match = _ROW.match(line)
        if match:
            siblings = names(match.group("siblings")) - {"—"}
            if "all six" in siblings:
                siblings = (siblings - {"all six"}) | _SIX
            third = names(match.group("third"))
            extras = set(_EXTRA.findall(match.group("extras")))
            found[match.group("dist")] = (siblings, third, extras)
    return found


def declared_extras(package: Package) -> set[str]:
    project = package.pyproject["project"]
    assert isinstance(project, dict)
    return set(project.get("optional-dependencies", {}))


def test_all_six_are_the_packages_below_the_meta_package() -> None:
    assert len(_SIX) == 6, _SIX


@pytest.mark.parametrize("page", ["README.md", "docs/install.md"])
def test_the_table_names_each_package_s_siblings_third_party_needs_and_extras(page: str) -> None:
    table = rows((ROOT / page).read_text(encoding="utf-8"))
    assert set(table) == set(REPO.by_dist), f"{page} lists {sorted(table)}"
    for dist, (siblings, third, extras) in table.items():
        package = REPO.by_dist[dist]
        closure = [p for p in REPO.closure(package) if p.dist != dist]
        assert siblings == {p.folder for p in closure}, dist
        requires = {
            requirement_name(r)
            for p in [package, *closure]
            for r in p.requires
            if requirement_name(r) not in REPO.by_dist
        }
        assert third == requires, dist
        assert extras == declared_extras(package), dist

"""The install tables (README.md, docs/install.md) say what each package really pulls in."""

from __future__ import annotations

import re

import pytest

from tools.monorepo import ROOT, Monorepo, requirement_name

REPO = Monorepo()
_ROW = re.compile(
    r"^\| `(?P<dist>aiostrata[\w-]*)`[^|]* \| (?P<siblings>[^|]*) \| (?P<third>[^|]*) \|"
)


def rows(text: str) -> dict[str, tuple[set[str], set[str]]]:
    found = {}
    for line in text.splitlines():
        match = _ROW.match(line)
        if match:
            names = {n.strip() for n in match.group("siblings").split(",")} - {"—"}
            third = {n.strip() for n in match.group("third").split(",")}
            found[match.group("dist")] = (names, third)
    return found


@pytest.mark.parametrize("page", ["README.md", "docs/install.md"])
def test_the_table_names_each_package_s_siblings_and_third_party_needs(page: str) -> None:
    table = rows((ROOT / page).read_text(encoding="utf-8"))
    assert set(table) == set(REPO.by_dist), f"{page} lists {sorted(table)}"
    for dist, (siblings, third) in table.items():
        closure = [p for p in REPO.closure(REPO.by_dist[dist]) if p.dist != dist]
        expected = {p.folder for p in closure}
        assert (siblings == {"all six"} and len(expected) == 6) or siblings == expected, dist
        requires = {
            requirement_name(r)
            for p in [REPO.by_dist[dist], *closure]
            for r in p.requires
            if requirement_name(r) not in REPO.by_dist
        }
        assert third == requires, dist

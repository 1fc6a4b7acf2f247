"""Compare each package's public API with its last release; a break needs a breaking bump.

    python -m tools.api_diff [FOLDER ...]      (nox -s api_diff; default: every package)

For each package, griffe (installed by the session) loads the public API from the tree and
from the package's last release tag (``<distribution>-v<version>``, read straight from git)
and lists the breaking changes between them: a public object removed, a parameter removed or
made required, a changed kind, and so on. A breaking change passes only when the next release
will be a breaking one (tools/versioning.py): the package has a ``removal`` fragment in its
``changes/``, or its version already stands at the breaking boundary (a major step; in 0.x a
minor one). A package with no release tag yet passes, saying so: there is nothing to compare.
Exit status 1 if any package breaks its API without the bump.
"""

from __future__ import annotations

import re
import sys

import griffe
from packaging.version import Version

from tools.monorepo import ROOT, Monorepo, Package
from tools.versioning import (
    BREAKING,
    breaking_boundary,
    fragments,
    is_breaking_step,
    last_release,
    tag_name,
)

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def breaking_changes(package: Package, tag: str) -> list[str]:
    """One line per breaking change of the package's API from tag to the tree."""
    search = [str(package.src.relative_to(ROOT))]
    old = griffe.load_git(
        package.module, ref=tag, repo=ROOT, search_paths=search, resolve_aliases=True
    )
    new = griffe.load(package.module, search_paths=[str(package.src)], resolve_aliases=True)
    return [
        _ANSI.sub("", change.explain(style=griffe.ExplanationStyle.ONE_LINE)).strip()
        for change in griffe.find_breaking_changes(old, new)
    ]


def check(package: Package) -> bool:
    last = last_release(package)
    if last is None:
        print(f"{package.dist}: no release tag yet, nothing to compare against: passes")
        return True
    tag = tag_name(package, last)
    changes = breaking_changes(package, tag)
    if not changes:
        print(f"{package.dist}: no breaking change to the public API since {tag}")
        return True
    tree = Version(package.version)
    declared = set(fragments(package)) & set(BREAKING)
    allowed = bool(declared) or is_breaking_step(last, tree)
    verdict = "declared by the next release's bump" if allowed else "NOT ALLOWED"
    print(f"{package.dist}: {len(changes)} breaking change(s) since {tag}, {verdict}:")
    for change in changes:
        print(f"    {change}")
    if not allowed:
        print(
            f"    -> the next release must be {breaking_boundary(last)} or later: add a "
            f"fragment packages/{package.folder}/changes/<issue or +slug>.removal.md "
            "saying what breaks, or keep the old API (deprecate first)."
        )
    return allowed


def main(argv: list[str]) -> int:
    repo = Monorepo()
    unknown = [f for f in argv if f not in repo.by_folder]
    if unknown:
        print(f"no such package folder: {', '.join(unknown)}", file=sys.stderr)
        return 2
    chosen = [repo.by_folder[f] for f in argv] if argv else repo.packages
    results = [check(package) for package in chosen]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

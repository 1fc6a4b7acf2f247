"""Check that each package declares exactly the sibling packages its code imports.

deptry cannot tell the siblings apart (they all live under the one top-level name
``aiostrata``), so this does the sibling half of the job. For every package:

* the sibling modules ``aiostrata.<mod>`` imported anywhere in ``src/`` (also inside
  ``if TYPE_CHECKING:``, in relative imports, and in ``importlib.import_module("...")``
  calls with a literal name) must be exactly the siblings listed in [project].dependencies:
  an import of an undeclared sibling is an error, and so is a declared sibling never imported;
* ``tests/`` may import only the package itself and siblings it depends on, directly or not,
  because its tests run in a venv that holds nothing else.

Usage: python -m tools.check_sibling_deps   (from the repo root; exit 1 on any finding)
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tools.monorepo import NAMESPACE, Monorepo, MonorepoError, Package


@dataclass(frozen=True)
class Use:
    """One place where a sibling module is imported."""

    module: str  # the sibling's import name, e.g. aiostrata.http_parser
    file: Path
    line: int


def module_name(file: Path, base: Path) -> str:
    """The dotted name of a source file below a base directory (``__init__`` names its package)."""
    parts = list(file.relative_to(base).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_names(tree: ast.AST, current: str, is_package: bool) -> Iterator[tuple[str, int]]:
    """Every absolute module name the tree imports (or may import), with its line number."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = current.split(".") if is_package else current.split(".")[:-1]
                keep = len(package) - (node.level - 1)
                if keep <= 0:
                    continue  # beyond the top level: Python itself rejects it
                base = ".".join(package[:keep])
                full = f"{base}.{node.module}" if node.module else base
            else:
                full = node.module or ""
            yield full, node.lineno
            for alias in node.names:  # `from aiostrata import web_router`
                yield f"{full}.{alias.name}", node.lineno
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if (
                name in {"import_module", "__import__"}
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                yield first.value, node.lineno


def sibling_uses(repo: Monorepo, root: Path, base: Path) -> tuple[list[Use], list[str]]:
    """Sibling imports in every .py file under root (module names computed from base)."""
    uses: list[Use] = []
    errors: list[str] = []
    for file in sorted(root.rglob("*.py")):
        try:
            tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
        except (OSError, SyntaxError, UnicodeDecodeError) as exc:
            errors.append(f"{file}: cannot parse: {exc}")
            continue
        current = module_name(file, base)
        for name, line in imported_names(tree, current, file.name == "__init__.py"):
            parts = name.split(".")
            if parts[0] != NAMESPACE or len(parts) < 2:
                continue
            sibling = f"{NAMESPACE}.{parts[1]}"
            if sibling in repo.by_module:
                use = Use(sibling, file, line)
                if use not in uses:  # `from aiostrata.x import y` names aiostrata.x twice
                    uses.append(use)
            else:
                errors.append(
                    f"{file}:{line}: imports {name}, which is no package of this repo "
                    f"(known: {', '.join(sorted(repo.by_module))})"
                )
    return uses, errors


def check_package(repo: Monorepo, package: Package) -> list[str]:
    errors: list[str] = []
    label = f"packages/{package.folder}"
    if not package.src.is_dir():
        return [f"{label}: no src/ folder"]

    uses, parse_errors = sibling_uses(repo, package.src, package.src)
    errors += parse_errors
    used: dict[str, Use] = {}
    for use in uses:
        if use.module != package.module:
            used.setdefault(use.module, use)
    declared = {dep.module: dep for dep in repo.sibling_deps(package)}

    for module in sorted(used.keys() - declared.keys()):
        use = used[module]
        where = f"{use.file.relative_to(package.path)}:{use.line}"
        errors.append(
            f"{label}: src imports {module} ({where}) but [project].dependencies "
            f"does not declare {repo.by_module[module].dist}"
        )
    for module in sorted(declared.keys() - used.keys()):
        errors.append(
            f"{label}: [project].dependencies declares {declared[module].dist} "
            f"but nothing in src/ imports {module}"
        )

    if package.tests.is_dir():
        allowed = {p.module for p in repo.closure(package)}
        test_uses, parse_errors = sibling_uses(repo, package.tests, package.path)
        errors += parse_errors
        for use in test_uses:
            if use.module not in allowed:
                errors.append(
                    f"{label}: {use.file.relative_to(package.path)}:{use.line} imports "
                    f"{use.module}, which is not installed with {package.dist} "
                    f"(its tests run in a venv holding only {', '.join(sorted(allowed))})"
                )
    return errors


def main() -> int:
    try:
        repo = Monorepo()
        errors: list[str] = []
        for package in repo.packages:
            found = check_package(repo, package)
            siblings = ", ".join(d.dist for d in repo.sibling_deps(package)) or "none"
            status = "FAILED" if found else "ok"
            print(f"{package.dist:24} siblings: {siblings} ... {status}")
            errors += found
    except MonorepoError as exc:
        errors = [str(exc)]
    if errors:
        print(f"\n{len(errors)} sibling dependency error(s):", file=sys.stderr)
        for error in errors:
            print(f"  - {error}", file=sys.stderr)
        return 1
    print("sibling dependencies: declared == imported for every package")
    return 0


if __name__ == "__main__":
    sys.exit(main())

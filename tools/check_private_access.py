"""Fail on any private name (``obj._name``) that crosses a package boundary.

Each aiostrata package is released on its own, so what one package calls on
another's objects must be public and documented (declared, for a lower package,
as a Protocol in its ``interfaces`` module). A ``._name`` reached across a
boundary is a join the other package may break in any release.

The check asks mypy, not a regex, whose attribute it is: every ``expr._name``
in the packages' ``src`` is looked up in the type of ``expr``, and the module of
the class that defines ``_name`` decides its package. It is an error when that
package differs from the file's. Two more rules close the gaps types leave:
a Protocol in an ``interfaces`` module may not declare a private member (its
satisfiers live in other packages), and ``getattr``/``hasattr`` on a string
literal naming a private attribute is refused outright (mypy cannot see it).

Run from the repository root: ``python -m tools.check_private_access``
(``nox -s layers`` runs it). Standard-library and third-party private names
(``zlib._Decompress``, ``sys._getframe``) are out of scope.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from mypy import build
from mypy.main import process_options
from mypy.modulefinder import BuildSource
from mypy.nodes import (
    Block,
    CallExpr,
    ClassDef,
    Expression,
    IndexExpr,
    MemberExpr,
    MypyFile,
    NameExpr,
    Node,
    RefExpr,
    Statement,
    StrExpr,
    TypeInfo,
)
from mypy.types import (
    CallableType,
    Instance,
    ProperType,
    TupleType,
    Type,
    TypedDictType,
    TypeType,
    TypeVarType,
    UnionType,
    get_proper_type,
)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.monorepo import Monorepo  # noqa: E402

# aiostrata.test_utils is its own distribution, with the same rule.
_PACKAGES = tuple(p.module for p in Monorepo().packages)


def _package_of(module: str) -> str | None:
    for package in _PACKAGES:
        if module == package or module.startswith(package + "."):
            return package
    return None


def _infos(typ: ProperType) -> list[TypeInfo]:
    """The classes whose attributes ``expr.name`` may read for an expression of this type."""
    if isinstance(typ, Instance):
        return [typ.type]
    if isinstance(typ, TypeType):
        return _infos(get_proper_type(typ.item))
    if isinstance(typ, CallableType) and typ.is_type_obj():
        return [typ.type_object()]
    if isinstance(typ, UnionType):
        return [i for item in typ.items for i in _infos(get_proper_type(item))]
    if isinstance(typ, TupleType | TypedDictType):
        return _infos(typ.partial_fallback if isinstance(typ, TupleType) else typ.fallback)
    if isinstance(typ, TypeVarType):
        return _infos(get_proper_type(typ.upper_bound))
    return []


def _owner_module(info: TypeInfo, name: str) -> str | None:
    """The module of the first class in ``info``'s MRO that defines ``name``."""
    for base in info.mro:
        if name in base.names:
            return base.module_name
    return None


# Public despite the underscore: a named tuple's documented methods.
_NAMEDTUPLE_API = frozenset({"_replace", "_asdict", "_fields", "_make", "_field_defaults"})
_SKIPPED_FIELDS = frozenset({"node", "info", "original_def", "def_var", "__match_args__"})


def _children(node: Node) -> Iterator[Node]:
    """The statements and expressions directly inside ``node``.

    mypy's own visitors are compiled (mypyc) and cannot be subclassed from here, so
    the tree is walked through the fields mypyc lists; references to other
    definitions (``node``, ``info``) are not followed.
    """
    for field in getattr(type(node), "__mypyc_attrs__", ()):
        if field in _SKIPPED_FIELDS:
            continue
        pending = [getattr(node, field, None)]
        while pending:
            value = pending.pop()
            if isinstance(value, Statement | Expression | Block):
                yield value
            elif isinstance(value, list | tuple):  # nested, as DictExpr's (key, value) pairs
                pending.extend(value)


class _Finder:
    def __init__(self, tree: MypyFile, types: Mapping[Expression, Type], package: str) -> None:
        self.tree = tree
        self.types = types
        self.package = package
        self.errors: list[str] = []
        self.in_interfaces = tree.fullname.rsplit(".", 1)[-1] == "interfaces"

    def run(self) -> list[str]:
        seen: set[int] = set()
        stack: list[Node] = list(self.tree.defs)
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, MemberExpr):
                self.member(node)
            elif isinstance(node, CallExpr):
                self.call(node)
            elif isinstance(node, ClassDef):
                self.class_def(node)
            elif isinstance(node, IndexExpr):
                self.dict_item(node)
            stack.extend(_children(node))
        return self.errors

    def _report(self, line: int, message: str) -> None:
        self.errors.append(f"{self.tree.path}:{line}: {message}")

    def _infos_of(self, expr: Expression) -> list[TypeInfo]:
        if isinstance(expr, RefExpr) and isinstance(expr.node, TypeInfo):
            return [expr.node]  # Class._name
        typ = self.types.get(expr)
        return _infos(get_proper_type(typ)) if typ is not None else []

    def member(self, o: MemberExpr) -> None:
        name = o.name
        if not name.startswith("_") or (name.startswith("__") and name.endswith("__")):
            return
        if name in _NAMEDTUPLE_API:
            return
        for info in self._infos_of(o.expr):
            owner = _owner_module(info, name)
            owner_package = _package_of(owner) if owner else None
            if owner_package is not None and owner_package != self.package:
                self._report(
                    o.line,
                    f"{self.package} reads {info.fullname}.{name}, private to {owner_package}",
                )
                return

    def dict_item(self, o: IndexExpr) -> None:
        """``obj.__dict__["_name"]``: the same private attribute, reached around ``__setattr__``."""
        base, index = o.base, o.index
        if not (isinstance(base, MemberExpr) and base.name == "__dict__"):
            return
        if not (isinstance(index, StrExpr) and index.value.startswith("_")):
            return
        for info in self._infos_of(base.expr):
            owner_package = _package_of(info.module_name)
            if owner_package is not None and owner_package != self.package:
                self._report(
                    o.line, f"{self.package} writes {info.fullname}.__dict__[{index.value!r}]"
                )
                return

    def call(self, o: CallExpr) -> None:
        callee = o.callee
        if not (
            isinstance(callee, NameExpr)
            and callee.name in ("getattr", "hasattr", "setattr")
            and len(o.args) >= 2
            and isinstance(o.args[1], StrExpr)
        ):
            return
        attr = o.args[1].value
        if attr.startswith("_") and not attr.startswith("__"):
            infos = self._infos_of(o.args[0])
            if any(_package_of(i.module_name) for i in infos):
                self._report(o.line, f"{callee.name}(..., {attr!r}) on an aiostrata object")

    def class_def(self, o: ClassDef) -> None:
        if not (self.in_interfaces and o.info.is_protocol):
            return
        for name in o.info.names:
            if name.startswith("_") and not (name.startswith("__") and name.endswith("__")):
                self._report(
                    o.line,
                    f"Protocol {o.info.fullname} declares private {name}: "
                    "its satisfiers are in other packages",
                )


def find_crossings(extra: Sequence[BuildSource] = ()) -> tuple[list[str], int]:
    """The crossings in every package's ``src`` (plus ``extra`` sources), and the modules checked.

    ``extra`` lets a test add a module, given as text, to a package and see what is reported.
    """
    # A full, uncached check: the types of every expression exist only for modules checked now.
    args = ["--config-file", str(ROOT / "pyproject.toml"), "--no-incremental"]
    args += ["--cache-dir", os.devnull]
    for package in _PACKAGES:
        args += ["-p", package]
    sources, options = process_options(args)
    options.export_types = True
    options.preserve_asts = True
    result = build.build([*sources, *extra], options)
    errors: list[str] = []
    for module_id, state in sorted(result.graph.items()):
        module_package = _package_of(module_id)
        if module_package is None or state.tree is None:
            continue
        errors += _Finder(state.tree, result.types, module_package).run()
    return errors, sum(1 for m in result.graph if _package_of(m))


def main() -> int:
    errors, checked = find_crossings()
    for error in errors:
        print(error)
    print(f"{len(errors)} private name(s) cross a package boundary ({checked} modules checked)")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())

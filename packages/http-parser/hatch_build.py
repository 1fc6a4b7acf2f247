"""Wheel build hook: the hot modules compiled with mypyc, when ``AIOSTRATA_MYPYC=1``.

Without the variable (the default) the wheel is pure Python, ``py3-none-any``. With
it, the modules listed in ``COMPILED_MODULES`` of ``src/aiostrata/http_parser/compiled.py``
are compiled by mypyc into extension modules that go into the wheel beside their
sources (which stay, for ``AIOSTRATA_NO_EXTENSIONS``), and the wheel is tagged for this
interpreter and platform. It needs a C compiler and the Python headers; mypy and
setuptools come in as build dependencies. Editable installs are never compiled.
"""

from __future__ import annotations

import ast
import importlib.machinery
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.config import BuilderConfig
from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SWITCH = "AIOSTRATA_MYPYC"
PACKAGE_DIR = "aiostrata/http_parser"
GROUP = (
    "aiostrata.http_parser.compiled"  # the shared library: aiostrata/http_parser/compiled__mypyc.*
)

# Run in a child process with the sources as its working directory, as mypyc's own
# command line does; the group name keeps every compiled file inside the package.
_BUILD = """
import sys
from mypyc.build import mypycify
from setuptools import setup

setup(
    name="aiostrata-http-parser-compiled",
    ext_modules=mypycify(
        ["--explicit-package-bases", "--namespace-packages", "--ignore-missing-imports",
         *sys.argv[1:]],
        opt_level="3",
        group_name={group!r},
    ),
    script_args=["build_ext", "--inplace"],
)
"""


def compiled_modules(src: Path) -> tuple[str, ...]:
    """The COMPILED_MODULES tuple of compiled.py, read without importing the package."""
    tree = ast.parse((src / PACKAGE_DIR / "compiled.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id == "COMPILED_MODULES"
            and node.value is not None
        ):
            names = ast.literal_eval(node.value)
            if isinstance(names, tuple) and all(isinstance(n, str) for n in names):
                return names
    raise RuntimeError(f"no COMPILED_MODULES tuple in {PACKAGE_DIR}/compiled.py")


class MypycBuildHook(BuildHookInterface[BuilderConfig]):
    PLUGIN_NAME = "custom"

    _work: Path | None = None

    def _wanted(self) -> bool:
        return os.environ.get(SWITCH) == "1"

    def dependencies(self) -> list[str]:
        # The package's own dependencies too: mypy type-checks the code it compiles.
        if not self._wanted():
            return []
        return ["mypy>=1.11", "setuptools>=68", "multidict>=6.0,<8", "yarl>=1.9,<2"]

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable" or not self._wanted():
            return
        self._work = Path(tempfile.mkdtemp(prefix="aiostrata-mypyc-"))
        src = self._work / "src"
        shutil.copytree(Path(self.root) / "src", src)
        names = compiled_modules(src)
        files = [f"{PACKAGE_DIR}/{name}.py" for name in names]
        self.app.display_info(f"compiling with mypyc: {', '.join(names)}")
        env = {**os.environ, "MYPYPATH": str(src)}
        subprocess.run(  # noqa: S603 - this interpreter, our own script and file names
            [sys.executable, "-c", _BUILD.format(group=GROUP), *files],
            cwd=src,
            env=env,
            check=True,
        )
        built = [
            path
            for suffix in importlib.machinery.EXTENSION_SUFFIXES
            for path in sorted((src / PACKAGE_DIR).glob(f"*{suffix}"))
        ]
        missing = [n for n in names if not any(p.name.startswith(f"{n}.") for p in built)]
        if missing:
            raise RuntimeError(f"mypyc built no extension for: {', '.join(missing)}")
        for path in built:
            build_data["force_include"][str(path)] = f"{PACKAGE_DIR}/{path.name}"
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if self._work is not None:
            shutil.rmtree(self._work, ignore_errors=True)
            self._work = None

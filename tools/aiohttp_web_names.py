#!/usr/bin/env python3
"""Record aiohttp's ``web.__all__`` for given versions, for the name comparison test.

    python3 tools/aiohttp_web_names.py 3.13.5 3.14.5

For each version, downloads aiohttp's wheel (``pip download``, no dependencies),
reads ``aiohttp/web.py`` from it without importing anything, takes the literal
``__all__`` and writes every version's sorted list to
``packages/web/tests/aiohttp_web_all.json`` (versions already recorded there and
not named again are kept). ``packages/web/tests/test_aiohttp_names.py`` compares
``aiostrata.web.__all__`` with each recorded list. Standard library and pip only.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "packages" / "web" / "tests" / "aiohttp_web_all.json"


def web_all_of(version: str, workdir: Path) -> list[str]:
    """The names in ``__all__`` of ``aiohttp/web.py`` in aiohttp ``version``'s wheel."""
    target = workdir / version
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "-q",
            "--no-deps",
            "--only-binary",
            ":all:",
            "-d",
            str(target),
            f"aiohttp=={version}",
        ],
        check=True,
    )
    wheel = next(target.glob("aiohttp-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        source = archive.read("aiohttp/web.py").decode("utf-8")
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            return sorted(ast.literal_eval(node.value))
    raise SystemExit(f"aiohttp {version}: no literal __all__ in aiohttp/web.py")


def main(versions: list[str]) -> int:
    if not versions:
        print(__doc__)
        return 2
    recorded: dict[str, list[str]] = json.loads(DATA.read_text()) if DATA.exists() else {}
    with tempfile.TemporaryDirectory() as tmp:
        for version in versions:
            recorded[version] = web_all_of(version, Path(tmp))
            print(f"aiohttp {version}: {len(recorded[version])} names")
    DATA.write_text(json.dumps(dict(sorted(recorded.items())), indent=1) + "\n")
    print(f"wrote {DATA.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

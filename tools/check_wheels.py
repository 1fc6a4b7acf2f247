"""Check built distributions, and what a session's venv installed from them.

    python -m tools.check_wheels dist DIR
        DIR holds exactly one sdist and one wheel per package, named and versioned as the tree
        says; each wheel holds ``aiostrata/<mod>/py.typed``, nothing outside ``aiostrata/<mod>/``
        (but its .dist-info), and no ``aiostrata/__init__.py`` (the namespace is PEP 420); no sdist
        ships ``src/aiostrata/__init__.py``.

    python -m tools.check_wheels installed DIR DIST [DIST ...]
        Run with a session venv's interpreter: the aiostrata distributions installed there are
        exactly DIST..., each at the tree's version, with every file identical to the wheel in
        DIR (so a stale install is caught), and each import package resolves to site-packages,
        not to the source tree.

Standard library only. Exit status 1 on any finding.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

from tools.monorepo import NAMESPACE, ROOT, Monorepo, MonorepoError, Package, normalize


def wheel_files(directory: Path) -> dict[str, Path]:
    """Wheels by normalized distribution name."""
    return {normalize(w.name.split("-")[0]): w for w in sorted(directory.glob("*.whl"))}


def check_wheel(package: Package, wheel: Path) -> list[str]:
    errors: list[str] = []
    version = wheel.name.split("-")[1]
    if version != package.version:
        errors.append(f"{wheel.name}: version {version}, but the tree says {package.version}")
    own = package.module.replace(".", "/") + "/"
    try:
        with zipfile.ZipFile(wheel) as archive:
            names = archive.namelist()
    except (OSError, zipfile.BadZipFile) as exc:
        return [f"{wheel.name}: unreadable: {exc}"]
    if f"{own}py.typed" not in names:
        errors.append(f"{wheel.name}: has no {own}py.typed")
    if f"{NAMESPACE}/__init__.py" in names:
        errors.append(f"{wheel.name}: ships {NAMESPACE}/__init__.py (breaks the PEP 420 namespace)")
    strays = [
        n
        for n in names
        if not n.startswith(own) and ".dist-info/" not in n and n != f"{NAMESPACE}/__init__.py"
    ]
    if strays:
        errors.append(f"{wheel.name}: files outside {own}: {', '.join(strays[:10])}")
    return errors


def check_sdist(package: Package, sdist: Path) -> list[str]:
    errors: list[str] = []
    version = sdist.name.removesuffix(".tar.gz").rsplit("-", 1)[1]
    if version != package.version:
        errors.append(f"{sdist.name}: version {version}, but the tree says {package.version}")
    try:
        with tarfile.open(sdist) as archive:
            names = archive.getnames()
    except (OSError, tarfile.TarError) as exc:
        return [f"{sdist.name}: unreadable: {exc}"]
    bad = [n for n in names if n.endswith(f"src/{NAMESPACE}/__init__.py")]
    if bad:
        errors.append(f"{sdist.name}: ships {bad[0]} (breaks the PEP 420 namespace)")
    typed = f"src/{package.module.replace('.', '/')}/py.typed"
    if not any(n.endswith(typed) for n in names):
        errors.append(f"{sdist.name}: has no {typed}")
    return errors


def check_dist(repo: Monorepo, directory: Path) -> list[str]:
    expected = len(repo.packages)
    wheels = sorted(directory.glob("*.whl"))
    sdists = sorted(directory.glob("*.tar.gz"))
    errors: list[str] = []
    if len(wheels) != expected:
        errors.append(f"{directory}: {len(wheels)} wheels, expected {expected}")
    if len(sdists) != expected:
        errors.append(f"{directory}: {len(sdists)} sdists, expected {expected}")
    by_wheel = wheel_files(directory)
    by_sdist = {normalize(s.name.removesuffix(".tar.gz").rsplit("-", 1)[0]): s for s in sdists}
    for package in repo.packages:
        wheel, sdist = by_wheel.get(package.dist), by_sdist.get(package.dist)
        found: list[str] = []
        if wheel is None:
            found.append(f"{package.dist}: no wheel in {directory}")
        else:
            found += check_wheel(package, wheel)
        if sdist is None:
            found.append(f"{package.dist}: no sdist in {directory}")
        else:
            found += check_sdist(package, sdist)
        names = " + ".join(p.name for p in (sdist, wheel) if p is not None)
        print(f"{package.dist:24} {names or '-'} ... {'FAILED' if found else 'ok'}")
        errors += found
    for extra in sorted((by_wheel.keys() | by_sdist.keys()) - repo.by_dist.keys()):
        errors.append(f"{directory}: a distribution {extra} that is no package of this repo")
    return errors


def check_installed(repo: Monorepo, directory: Path, wanted: list[str]) -> list[str]:
    errors: list[str] = []
    expected = {normalize(d) for d in wanted}
    unknown = expected - repo.by_dist.keys()
    if unknown:
        return [f"not packages of this repo: {', '.join(sorted(unknown))}"]
    installed = {
        normalize(d.metadata["Name"]): d
        for d in importlib.metadata.distributions()
        if normalize(d.metadata["Name"]) in repo.by_dist
    }
    errors += [
        f"{n} is installed but should not be in this venv" for n in installed.keys() - expected
    ]
    errors += [f"{n} is not installed" for n in expected - installed.keys()]

    purelib = Path(sysconfig.get_paths()["purelib"]).resolve()
    wheels = wheel_files(directory)
    for name in sorted(expected & installed.keys()):
        package, dist = repo.by_dist[name], installed[name]
        if dist.version != package.version:
            errors.append(f"{name}: {dist.version} installed, the tree says {package.version}")
        spec = importlib.util.find_spec(package.module)
        origin = Path(spec.origin).resolve() if spec and spec.origin else None
        if origin is None or not origin.is_relative_to(purelib):
            errors.append(f"{package.module} resolves to {origin}, not below {purelib}")
        elif origin.is_relative_to(ROOT / "packages"):
            errors.append(f"{package.module} resolves to the source tree: {origin}")
        wheel = wheels.get(name)
        if wheel is None:
            errors.append(f"{name}: no wheel in {directory} to compare with")
            continue
        with zipfile.ZipFile(wheel) as archive:
            for member in archive.namelist():
                if ".dist-info/" in member or member.endswith("/"):
                    continue
                target = Path(str(dist.locate_file(member)))
                digest = hashlib.sha256(archive.read(member)).hexdigest()
                if not target.is_file():
                    errors.append(f"{name}: {member} from {wheel.name} is not installed")
                elif hashlib.sha256(target.read_bytes()).hexdigest() != digest:
                    errors.append(
                        f"{name}: installed {member} differs from {wheel.name} "
                        "(stale install in a reused venv?)"
                    )
        print(f"{name:24} {dist.version} from {wheel.name} -> {origin}")
    return errors


def main(argv: list[str]) -> int:
    command, *rest = argv or [""]
    if not ((command == "dist" and len(rest) == 1) or (command == "installed" and len(rest) > 1)):
        print(__doc__, file=sys.stderr)
        return 2
    directory = Path(rest[0]).resolve()
    try:
        repo = Monorepo()
        if command == "dist":
            errors = check_dist(repo, directory)
        else:
            errors = check_installed(repo, directory, rest[1:])
    except MonorepoError as exc:
        errors = [str(exc)]
    if errors:
        print(f"\n{len(errors)} error(s):", file=sys.stderr)
        for error in errors:
            print(f"  - {error}", file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

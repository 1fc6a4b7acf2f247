"""Release one package: changelog, version, dependants' ranges, artifacts, commit and tag.

    python -m tools.release PACKAGE [--dry-run] [--version X.Y.Z] [--raise-dependants]

Run by ``nox -s release -- PACKAGE [--dry-run]`` (which installs towncrier and twine). PACKAGE
is a folder under packages/ (``web-router``) or a distribution name. In order:

1. The next version: the tree's own version for a package never released (no tag yet);
   otherwise the last release bumped by the types of the fragments in
   ``packages/<folder>/changes/`` (the rules: tools/versioning.py); ``--version`` overrides.
2. The changelog: towncrier renders the fragments (config: towncrier.toml at the root) into
   a ``## <version> (<date>)`` section, which also takes whatever was written by hand under
   ``## Unreleased``; the fragments are deleted. The version file gets the new version.
3. Dependants: a sibling whose range no longer admits the new version (a breaking release)
   gets the range of the new release (``>=0.2.0,<0.3``) and a ``misc`` fragment saying so,
   so its next release tells its users; with ``--raise-dependants`` every dependant's lower
   bound is raised to the new version (for when they start using what it adds).
4. An sdist and a wheel into dist/release/, checked (tools/check_wheels.py, twine --strict).
5. A commit "Release <distribution> <version>" and the annotated tag
   ``<distribution>-v<version>``. Nothing is pushed or uploaded; the commands to do so are
   printed.

``--dry-run`` does 1-4 in a copy of packages/ in a temporary folder, prints the version, the
changelog section, the dependants' changes and the tag, and leaves the tree as it was.
"""

from __future__ import annotations

import argparse
import datetime
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

from tools.check_wheels import check_sdist, check_wheel
from tools.monorepo import ROOT, Monorepo, MonorepoError, Package, normalize
from tools.versioning import (
    allows,
    bump,
    compatible_range,
    fragments,
    is_breaking_step,
    last_release,
    tag_name,
)

TOWNCRIER_CONFIG = ROOT / "towncrier.toml"
RELEASE_DIR = ROOT / "dist" / "release"
_UNRELEASED = re.compile(r"^## Unreleased[ \t]*\n(?P<body>.*?)(?=^## |\Z)", re.M | re.S)
_VERSION_LINE = re.compile(r'^__version__ = "[^"]*"', re.M)


class ReleaseError(Exception):
    """Something that stops the release before anything is committed."""


@dataclass
class Plan:
    package: Package
    old: Version
    last: Version | None
    new: Version
    section: str
    fragment_files: list[Path]
    dependants: dict[Path, tuple[str, str]] = field(default_factory=dict)  # pyproject: old, new


def log(message: str) -> None:
    print(f"[release] {message}", flush=True)


def git(*args: str, cwd: Path = ROOT) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ReleaseError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def find_package(repo: Monorepo, name: str) -> Package:
    package = repo.by_folder.get(name) or repo.by_dist.get(normalize(name))
    if package is None:
        known = ", ".join(p.folder for p in repo.packages)
        raise ReleaseError(f"no package {name!r}; the packages are: {known}")
    return package


def next_version(
    package: Package, last: Version | None, types: list[str], forced: str | None
) -> Version:
    """The version to release (see the module docstring, step 1)."""
    tree = Version(package.version)
    if forced:
        new = Version(forced)
    elif last is None:
        new = tree  # the first release of this package: the version the tree already says
    else:
        new = bump(last, types)
        if tree > new:
            new = tree  # bumped further by hand: respected
    if last is not None and new <= last:
        raise ReleaseError(f"{package.dist} {new} is not newer than the last release {last}")
    return new


def check_api(package: Package, last: Version, new: Version) -> None:
    """Refuse a release that breaks the public API (griffe) without a breaking bump."""
    from tools.api_diff import breaking_changes  # griffe: installed by the release session

    changes = breaking_changes(package, tag_name(package, last))
    if changes and not is_breaking_step(last, new):
        listed = "\n  ".join(changes)
        raise ReleaseError(
            f"{new} would break the API of {last} without a breaking bump "
            f"(add a removal fragment):\n  {listed}"
        )
    log(f"public API since {last}: {len(changes)} breaking change(s), bump {last} -> {new} ok")


def render_section(package: Package, new: Version, date: str, changelog: str) -> str:
    """The new changelog section: towncrier's rendering plus the hand-written Unreleased text."""
    if fragments(package):
        rendered = subprocess.run(
            [
                "towncrier", "build", "--draft", "--config", str(TOWNCRIER_CONFIG),
                "--dir", str(package.path), "--name", package.dist,
                "--version", str(new), "--date", date,
            ],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if rendered.returncode != 0:
            raise ReleaseError(f"towncrier failed:\n{rendered.stdout}{rendered.stderr}")
        section = rendered.stdout.strip() + "\n"
    else:
        section = f"## {new} ({date})\n"
    unreleased = _UNRELEASED.search(changelog)
    if unreleased and unreleased.group("body").strip():
        section = merge_sections(section, unreleased.group("body"))
    return section


def _split(text: str) -> tuple[str, dict[str, str]]:
    """The text before the first ``### `` heading, and each ``### `` subsection's body."""
    parts = re.split(r"^### (.+)\n", text, flags=re.M)
    subsections: dict[str, str] = {}
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        subsections[heading.strip()] = (subsections.get(heading.strip(), "") + body).strip()
    return parts[0].strip(), subsections


def merge_sections(rendered: str, written: str) -> str:
    """towncrier's section with the hand-written Unreleased text: same-named subsections
    (``### Changed``) become one, the rendered entries first."""
    head, rendered_parts = _split(rendered)
    intro, written_parts = _split(written)
    for heading, body in written_parts.items():
        before = rendered_parts.get(heading)
        rendered_parts[heading] = f"{before}\n{body}" if before else body
    blocks = [head, *([intro] if intro else [])]
    blocks += [f"### {heading}\n\n{body}" for heading, body in rendered_parts.items()]
    return "\n\n".join(blocks) + "\n"


def new_changelog(changelog: str, section: str) -> str:
    """The changelog with the Unreleased section replaced by (or the section put first)."""
    text = _UNRELEASED.sub("", changelog, count=1)
    first = re.search(r"^## ", text, re.M)
    head, rest = (text[: first.start()], text[first.start() :]) if first else (text, "")
    return f"{head.rstrip()}\n\n{section.rstrip()}\n" + (f"\n{rest.rstrip()}\n" if rest else "")


def plan_dependants(repo: Monorepo, plan: Plan, raise_lower: bool) -> None:
    """Ranges in dependants that must change for the new version (step 3)."""
    for dependant in repo.packages:
        for raw in dependant.requires:
            requirement = Requirement(raw)
            if normalize(requirement.name) != plan.package.dist:
                continue
            specifier = str(requirement.specifier)
            lowest = min(
                (Version(s.version) for s in requirement.specifier if s.operator in {">=", "=="}),
                default=None,
            )
            if not allows(specifier, plan.new) or (
                raise_lower and (lowest is None or lowest < plan.new)
            ):
                wanted = f"{requirement.name}{compatible_range(plan.new)}"
                plan.dependants[dependant.path / "pyproject.toml"] = (raw, wanted)


def apply(plan: Plan) -> None:
    """Write the plan into the packages it names (the tree, or the dry run's copy)."""
    package = plan.package
    changelog_path = package.path / "CHANGELOG.md"
    changelog = changelog_path.read_text(encoding="utf-8")
    changelog_path.write_text(new_changelog(changelog, plan.section), encoding="utf-8")
    version_text = package.version_file.read_text(encoding="utf-8")
    version_file_new, count = _VERSION_LINE.subn(f'__version__ = "{plan.new}"', version_text)
    if count != 1:
        raise ReleaseError(f"{package.version_file}: no single __version__ line to rewrite")
    package.version_file.write_text(version_file_new, encoding="utf-8")
    for path in plan.fragment_files:
        path.unlink()
    for pyproject, (old, new) in plan.dependants.items():
        text = pyproject.read_text(encoding="utf-8")
        if f'"{old}"' not in text:
            raise ReleaseError(f'{pyproject}: cannot find "{old}" to rewrite')
        pyproject.write_text(text.replace(f'"{old}"', f'"{new}"', 1), encoding="utf-8")
        slug = f"{package.folder}-{plan.new}".replace(".", "-")  # a fragment id has no dot
        note = pyproject.parent / "changes" / f"+{slug}.misc.md"
        note.parent.mkdir(exist_ok=True)
        note.write_text(f"Requires `{new}` (was `{old}`).\n", encoding="utf-8")


def build_and_check(package: Package, out_dir: Path) -> list[Path]:
    """Step 4: sdist + wheel of the package into out_dir, checked; the artifacts."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = package.dist.replace("-", "_")
    for old in [*out_dir.glob(f"{stem}-*.whl"), *out_dir.glob(f"{stem}-*.tar.gz")]:
        old.unlink()
    uv = shutil.which("uv")
    if uv:
        command = [uv, "build", "--python", sys.executable, "--out-dir", str(out_dir)]
    else:
        command = [sys.executable, "-m", "build", "--outdir", str(out_dir)]
    subprocess.run([*command, str(package.path)], check=True)
    version = package.version
    wheels = sorted(out_dir.glob(f"{stem}-{version}-*.whl"))
    sdists = sorted(out_dir.glob(f"{stem}-{version}.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        raise ReleaseError(f"expected one wheel and one sdist of {version} in {out_dir}")
    errors = check_wheel(package, wheels[0]) + check_sdist(package, sdists[0])
    if errors:
        raise ReleaseError("the artifacts fail the content check:\n  " + "\n  ".join(errors))
    subprocess.run(["twine", "check", "--strict", str(wheels[0]), str(sdists[0])], check=True)
    return [sdists[0], wheels[0]]


def show(plan: Plan, before: dict[Path, str], root: Path) -> None:
    package = plan.package
    since = f"last release {plan.last}" if plan.last else "no release yet: first release"
    log(f"{package.dist}: {plan.old} -> {plan.new} ({since})")
    log(f"tag: {tag_name(package, plan.new)}")
    types = sorted({p.name.split(".")[1] for p in plan.fragment_files})
    log(f"fragments: {len(plan.fragment_files)} ({', '.join(types) or 'none'})")
    print(f"\n----- {package.folder}/CHANGELOG.md, new section -----\n{plan.section}")
    for path, old_text in before.items():
        new_text = path.read_text(encoding="utf-8") if path.exists() else ""
        if path.name == "CHANGELOG.md" or old_text == new_text:
            continue
        rel = path.relative_to(root)
        sys.stdout.writelines(
            difflib.unified_diff(
                old_text.splitlines(keepends=True),
                new_text.splitlines(keepends=True),
                f"a/{rel}",
                f"b/{rel}",
            )
        )
    if not plan.dependants:
        log("dependants: every range already admits the new version, none changed")


def release(name: str, *, dry_run: bool, forced: str | None, raise_lower: bool) -> int:
    if not dry_run:
        dirty = git("status", "--porcelain", "--", "packages", "towncrier.toml")
        if dirty.strip():
            raise ReleaseError(
                f"commit or stash these first, a release commits packages/:\n{dirty}"
            )
    with tempfile.TemporaryDirectory(prefix="aiostrata-release-") as tmp:
        root = ROOT
        if dry_run:
            root = Path(tmp) / "tree"
            shutil.copytree(
                ROOT / "packages",
                root / "packages",
                ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", ".pytest_cache"),
            )
        repo = Monorepo(root)
        package = find_package(repo, name)
        last = last_release(package)
        found = fragments(package)
        if last is not None and not found and not forced:
            raise ReleaseError(
                f"{package.dist}: no fragments in {package.path / 'changes'} since {last}: "
                "nothing to release (add one: <issue or +slug>.<type>.md)"
            )
        new = next_version(package, last, list(found), forced)
        if last is not None:
            check_api(Monorepo().by_dist[package.dist], last, new)
        date = datetime.datetime.now(tz=datetime.UTC).date().isoformat()
        changelog = (package.path / "CHANGELOG.md").read_text(encoding="utf-8")
        plan = Plan(
            package=package,
            old=Version(package.version),
            last=last,
            new=new,
            section=render_section(package, new, date, changelog),
            fragment_files=[p for paths in found.values() for p in paths],
        )
        plan_dependants(repo, plan, raise_lower)
        touched = [
            package.path / "CHANGELOG.md",
            package.version_file,
            *plan.dependants,
        ]
        before = {p: p.read_text(encoding="utf-8") for p in touched}
        apply(plan)
        released = Monorepo(root).by_dist[package.dist]  # re-read: the new version
        out_dir = Path(tmp) / "dist" if dry_run else RELEASE_DIR
        artifacts = build_and_check(released, out_dir)
        show(plan, before, root)
        tag = tag_name(package, new)
        upload = "twine upload " + " ".join(
            str(RELEASE_DIR.relative_to(ROOT) / a.name) for a in artifacts
        )
        if dry_run:
            log(f"dry run: built and checked {', '.join(a.name for a in artifacts)}")
            log(f"dry run: would commit 'Release {package.dist} {new}' and tag {tag}")
            log("dry run: the tree is unchanged")
            return 0
        git("add", "-A", "--", "packages")
        git("commit", "-q", "-m", f"Release {package.dist} {new}", "--", "packages")
        git("tag", "-a", tag, "-m", f"{package.dist} {new}")
        log(f"committed and tagged {tag}; artifacts: {', '.join(str(a) for a in artifacts)}")
        log(f"publish (nothing was uploaded): git push origin HEAD {tag} && {upload}")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="nox -s release --", description=__doc__.split("\n")[0])
    parser.add_argument("package", help="folder under packages/ or distribution name")
    parser.add_argument("--dry-run", action="store_true", help="change nothing, show all")
    parser.add_argument("--version", help="release this version instead of the computed one")
    parser.add_argument(
        "--raise-dependants",
        action="store_true",
        help="raise every dependant's lower bound to the new version",
    )
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    try:
        return release(
            args.package,
            dry_run=args.dry_run,
            forced=args.version,
            raise_lower=args.raise_dependants,
        )
    except (ReleaseError, MonorepoError, ValueError, subprocess.CalledProcessError) as exc:
        print(f"[release] FAILED: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

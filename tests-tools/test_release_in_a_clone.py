"""Releases, compat's choice of versions and api_diff, for real, in a clone of this repository.

The clone is of the committed HEAD (what CI sees); every command runs in it, so the tags and
commits made here never reach the repository under test. Slow-ish: each release builds.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tools.compat import choose
from tools.monorepo import ROOT, Monorepo


def run(clone: Path, *argv: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(argv, cwd=clone, capture_output=True, text=True, check=False, timeout=300)
    if ok and done.returncode != 0:
        pytest.fail(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def release(clone: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    return run(clone, sys.executable, "-m", "tools.release", *args, ok=ok)


def commit_all(clone: Path, message: str) -> None:
    run(clone, "git", "add", "-A")
    run(clone, "git", "commit", "-q", "-m", message)


def tags(clone: Path) -> list[str]:
    return run(clone, "git", "tag", "--list").stdout.split()


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("clone") / "repo"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(path)], check=True, timeout=120)
    for key, value in (("user.name", "Release Test"), ("user.email", "release@test.invalid")):
        subprocess.run(["git", "config", key, value], cwd=path, check=True)
    assert not tags(path), "the clone starts without release tags"
    return path


def test_a_dry_run_shows_version_changelog_and_tag_and_changes_nothing(clone: Path) -> None:
    head = run(clone, "git", "rev-parse", "HEAD").stdout
    out = release(clone, "web-router", "--dry-run").stdout
    assert "aiostrata-web-router: 0.1.0 -> 0.1.0 (no release yet: first release)" in out
    assert "tag: aiostrata-web-router-v0.1.0" in out
    assert "## 0.1.0 (" in out
    assert "would commit 'Release aiostrata-web-router 0.1.0'" in out
    assert run(clone, "git", "status", "--porcelain").stdout == ""
    assert run(clone, "git", "rev-parse", "HEAD").stdout == head
    assert tags(clone) == []


def test_releases_bump_by_fragment_type_and_fix_the_dependants(clone: Path) -> None:
    response = clone / "packages" / "web-response"
    release(clone, "web-response")
    assert "aiostrata-web-response-v0.1.0" in tags(clone)
    assert "## 0.1.0 (" in (response / "CHANGELOG.md").read_text()
    assert not list((response / "changes").glob("*.md")), "the fragments were collected"
    refused = release(clone, "web-response", ok=False)
    assert refused.returncode == 1
    assert "nothing to release" in refused.stderr

    (response / "changes" / "+fix.bugfix.md").write_text("Fixed a thing.\n")
    commit_all(clone, "a bugfix fragment")
    release(clone, "web-response")
    assert "aiostrata-web-response-v0.1.1" in tags(clone)
    assert (
        '__version__ = "0.1.1"' in (response / "src/aiostrata/web_response/_version.py").read_text()
    )

    repo = Monorepo(clone)
    router = repo.by_folder["web-router"]
    lowest = choose(repo, router, "lowest", clone)["aiostrata-web-response"]
    newest = choose(repo, router, "newest", clone)["aiostrata-web-response"]
    assert (str(lowest.version), lowest.tag) == ("0.1.0", "aiostrata-web-response-v0.1.0")
    assert (str(newest.version), newest.tag) == ("0.1.1", None)

    (response / "changes" / "7.removal.md").write_text("Removed something.\n")
    commit_all(clone, "a removal fragment")
    out = release(clone, "web-response").stdout
    assert "aiostrata-web-response: 0.1.1 -> 0.2.0" in out
    assert "aiostrata-web-response-v0.2.0" in tags(clone)
    for dependant in ("web-request", "web-runner", "web"):
        pyproject = (clone / "packages" / dependant / "pyproject.toml").read_text()
        assert '"aiostrata-web-response>=0.2.0,<0.3"' in pyproject, dependant
        notes = list(
            (clone / "packages" / dependant / "changes").glob("+web-response-0-2-0.misc.md")
        )
        assert len(notes) == 1, dependant
    assert run(clone, "git", "status", "--porcelain").stdout == "", "the release committed all"

    repo = Monorepo(clone)
    lowest = choose(repo, repo.by_folder["web-router"], "lowest", clone)["aiostrata-web-response"]
    assert (str(lowest.version), lowest.tag) == ("0.2.0", "aiostrata-web-response-v0.2.0")


def test_api_diff_fails_a_break_without_a_removal_fragment(clone: Path) -> None:
    release(clone, "web-router")
    assert "aiostrata-web-router-v0.1.0" in tags(clone)
    untagged = run(clone, sys.executable, "-m", "tools.api_diff", "web-app").stdout
    assert "no release tag yet" in untagged

    dispatcher = clone / "packages/web-router/src/aiostrata/web_router/url_dispatcher.py"
    source = dispatcher.read_text()
    assert "    def add_get(\n" in source, "the test removes UrlDispatcher.add_get"
    dispatcher.write_text(source.replace("    def add_get(\n", "    def add_get_renamed(\n"))
    broken = run(clone, sys.executable, "-m", "tools.api_diff", "web-router", ok=False)
    assert broken.returncode == 1
    assert "UrlDispatcher.add_get" in broken.stdout
    assert "NOT ALLOWED" in broken.stdout

    (clone / "packages/web-router/changes/+rename.removal.md").write_text("Renamed add_get.\n")
    declared = run(clone, sys.executable, "-m", "tools.api_diff", "web-router")
    assert "declared by the next release's bump" in declared.stdout


def test_raise_dependants_raises_every_lower_bound_and_version_overrides(clone: Path) -> None:
    run(clone, "git", "checkout", "-q", "--", "packages")  # undo the API break made above
    run(clone, "git", "clean", "-fdq", "--", "packages")
    request = clone / "packages" / "web-request"
    release(clone, "web-request")
    assert "aiostrata-web-request-v0.1.0" in tags(clone)
    (request / "changes" / "+more.feature.md").write_text("Added a thing.\n")
    commit_all(clone, "a feature fragment")

    out = release(clone, "web-request", "--dry-run", "--raise-dependants").stdout
    assert "aiostrata-web-request: 0.1.0 -> 0.1.1" in out  # 0.x: a feature is a patch
    for dependant in ("web-app", "web-runner", "web"):
        assert f"+++ b/packages/{dependant}/pyproject.toml" in out, dependant
    assert '+    "aiostrata-web-request>=0.1.1,<0.2",' in out
    assert run(clone, "git", "status", "--porcelain").stdout == ""

    out = release(clone, "web-request", "--dry-run", "--version", "1.0.0").stdout
    assert "aiostrata-web-request: 0.1.0 -> 1.0.0" in out
    assert '+    "aiostrata-web-request>=1.0.0,<2",' in out  # outside <0.2: widened
    refused = release(clone, "web-request", "--dry-run", "--version", "0.1.0", ok=False)
    assert "is not newer than the last release 0.1.0" in refused.stderr

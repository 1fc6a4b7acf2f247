"""Every check of the aiostrata monorepo.

Run through the bootstrap script, which needs nothing but python3:

    python3 tools/dev.py check              # plain `nox`: every session below except `demo`
    python3 tools/dev.py demo               # `nox -s demo`: serve demo/app.py on 127.0.0.1:8080
    python3 tools/dev.py nox -s lint        # any nox arguments
    python3 tools/dev.py nox -s "tests(web-router)"   # one package's tests (`-s tests`: all)
    python3 tools/dev.py nox -l             # list the sessions

Sessions: lint, build, tests(<folder>) for each packages/<folder>, speedups, compiled,
typecheck, typing, layers, deps, integration, api, fuzz (15 s per codec); and demo, bench and
stress (not run by default).
Release engineering (see the sections at the end; RELEASING.md): install (the README's
install from the wheelhouse, in fresh venvs outside the tree), tests_py-3.X(<folder>) (each
package's tests on the other supported Pythons), compat(<folder>), api_diff, docs, tools; and dist
(the wheelhouse in dist/) and release (one package) not run by default.

The package list is read from packages/*/pyproject.toml (see tools/monorepo.py). The sessions
that test code install it from wheels built from the tree, never from src/: the wheels are built
once per nox process into .nox-dist/ (by whichever session first needs them) and checked by
tools/check_wheels.py, and every venv that installs them is checked to hold exactly those files.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

import nox
from nox.command import CommandFailed

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.check_wheels import wheel_files  # noqa: E402
from tools.monorepo import Monorepo, Package  # noqa: E402

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "no"  # sessions that only install tools opt in with reuse_venv=True
nox.options.error_on_external_run = True

REPO = Monorepo()
DIST_DIR = ROOT / ".nox-dist"
COMPILED_DIST_DIR = ROOT / ".nox-dist-compiled"
SHARED = ROOT.parent / "shared"
ROOT_PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
# deptry sees only the top-level name `aiostrata`; the siblings are judged by check_sibling_deps.
SIBLING_DISTS = [p.dist for p in REPO.packages]


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------


class _Dists:
    """The wheels of the current tree: built and checked at most once per nox process."""

    wheels: dict[str, Path] | None = None
    failed = False


def _uv() -> str | None:
    found = shutil.which("uv")
    if found:
        return found
    try:
        from uv import find_uv_bin  # the uv wheel installed beside nox (tools/dev.py does)
    except ImportError:
        return None
    try:
        return find_uv_bin()
    except FileNotFoundError:
        return None


def _build_all(
    session: nox.Session,
    out_dir: Path = DIST_DIR,
    packages: list[Package] | None = None,
    env: dict[str, str] | None = None,
) -> None:
    """An sdist, then a wheel from it, for each package (default: all) into a wiped out_dir."""
    packages = REPO.packages if packages is None else packages
    if out_dir.exists():
        session.log(f"wiping {out_dir}")
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    uv = _uv()
    if uv:
        session.log(f"building an sdist, then a wheel from it, for {len(packages)} packages")
        for package in packages:
            session.run(
                uv, "build", "--python", sys.executable, "--out-dir", str(out_dir),
                str(package.path), external=True, env=env,
            )  # fmt: skip
        return
    # No uv: `python -m build` from a venv of its own, so no session venv gets `build` in it.
    tools = ROOT / ".nox" / "_build-tools"
    python = tools / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    if not python.exists():
        session.run(sys.executable, "-m", "virtualenv", "-q", str(tools), external=True)
    session.run(str(python), "-m", "pip", "install", "-q", "build", external=True)
    for package in packages:
        session.run(
            str(python), "-m", "build", "--outdir", str(out_dir), str(package.path),
            external=True, env=env,
        )  # fmt: skip


def _dists(session: nox.Session) -> dict[str, Path]:
    """Wheel paths by distribution name, building and checking them if not yet done."""
    if _Dists.failed:
        session.error("building the distributions failed earlier in this nox run (see above)")
    if _Dists.wheels is None:
        _Dists.failed = True
        _build_all(session)
        session.log("checking the built distributions")
        session.run(
            sys.executable, "-m", "tools.check_wheels", "dist", str(DIST_DIR), external=True
        )
        _Dists.wheels = wheel_files(DIST_DIR)
        _Dists.failed = False
    else:
        session.log(f"distributions already built in this nox run: {DIST_DIR}")
    return _Dists.wheels


def _install_files(session: nox.Session, dists: list[str], files: list[Path], *extra: str) -> None:
    """Install these wheel files (plus extra requirements), replacing whatever version of
    ``dists`` the venv holds: a venv reused across runs gets the files, not its old copy."""
    paths = [str(f) for f in files]
    if session.venv_backend == "uv":
        session.install(*(f"--reinstall-package={d}" for d in dists), *paths, *extra)
    else:
        session.install(*paths, *extra)
        session.install("--force-reinstall", "--no-deps", *paths)


def _install_wheels(session: nox.Session, packages: list[Package], *extra: str) -> None:
    """Install the packages from the tree's wheels (plus extra requirements), then verify it."""
    wheels = _dists(session)
    session.log(f"installing from wheels: {', '.join(p.dist for p in packages)}")
    _install_files(session, [p.dist for p in packages], [wheels[p.dist] for p in packages], *extra)
    session.log("verifying the venv holds exactly these aiostrata distributions, from these wheels")
    session.run(
        "python",
        "-m",
        "tools.check_wheels",
        "installed",
        str(DIST_DIR),
        *(p.dist for p in packages),
    )


class _Compiled:
    """The http-parser wheel built with AIOSTRATA_MYPYC=1: at most once per nox process."""

    wheel: Path | None = None


def _compiled_parser_wheel(session: nox.Session) -> Path:
    """http-parser's wheel with its hot modules compiled by mypyc (hatch_build.py)."""
    if _Compiled.wheel is None:
        parser = REPO.by_folder["http-parser"]
        _build_all(session, COMPILED_DIST_DIR, [parser], env={"AIOSTRATA_MYPYC": "1"})
        wheels = sorted(COMPILED_DIST_DIR.glob("*.whl"))
        if len(wheels) != 1 or wheels[0].name.endswith("-none-any.whl"):
            session.error(f"expected one compiled wheel in {COMPILED_DIST_DIR}: {wheels}")
        _Compiled.wheel = wheels[0]
    return _Compiled.wheel


def _install_compiled(session: nox.Session, packages: list[Package], *extra: str) -> None:
    """Like _install_wheels, with http-parser's compiled wheel; checks that it is in use."""
    wheels = _dists(session)
    compiled = _compiled_parser_wheel(session)
    files = [compiled if p.folder == "http-parser" else wheels[p.dist] for p in packages]
    session.log(f"installing from wheels, http-parser compiled: {compiled.name}")
    _install_files(session, [p.dist for p in packages], files, *extra)
    session.run(
        "python", "-c",
        "from aiostrata.http_parser.compiled import compiled_in_use as c; "
        "print('compiled modules in use:', c()); assert c()",
    )  # fmt: skip


def _run_each(session: nox.Session, commands: list[tuple[str, Path, list[str]]]) -> None:
    """Run every (label, cwd, argv) even when one fails; fail the session at the end if any did."""
    failed = []
    for label, cwd, argv in commands:
        session.log(f"--- {label}")
        try:
            with session.chdir(cwd):
                session.run(*argv)
        except CommandFailed:
            failed.append(label)
    if failed:
        session.error(f"failed: {', '.join(failed)}")


def _has_python(directory: Path) -> bool:
    """True if the folder holds Python files (mypy refuses a target without any)."""
    return any(directory.rglob("*.py"))


def _test_requirements() -> list[str]:
    reqs: set[str] = set()
    for package in REPO.packages:
        reqs.update(nox.project.dependency_groups(package.pyproject, "test"))
    return sorted(reqs)


# ---------------------------------------------------------------------------------------------
# sessions
# ---------------------------------------------------------------------------------------------


@nox.session(reuse_venv=True)
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check over the whole repo (config: root pyproject.toml)."""
    session.install("ruff")
    session.run("ruff", "--version")
    _run_each(
        session,
        [
            ("ruff check", ROOT, ["ruff", "check", "."]),
            ("ruff format --check", ROOT, ["ruff", "format", "--check", "--diff", "."]),
        ],
    )


@nox.session(venv_backend="none")
def build(session: nox.Session) -> None:
    """An sdist and a wheel for every package into .nox-dist/, then check their contents."""
    _dists(session)


@nox.session
@nox.parametrize("folder", [p.folder for p in REPO.packages], ids=[p.folder for p in REPO.packages])
def tests(session: nox.Session, folder: str) -> None:
    """One package's tests against its wheel, in a fresh venv holding only what it declares."""
    _package_tests(session, folder)


def _package_tests(session: nox.Session, folder: str, *pytest_args: str) -> None:
    package = REPO.by_folder[folder]
    if not package.tests.is_dir():
        session.error(f"{package.tests} does not exist: every package must have tests")
    _install_wheels(
        session,
        REPO.closure(package),
        *nox.project.dependency_groups(package.pyproject, "test"),
    )
    session.log(f"running {folder}'s tests against the installed wheel (rootdir {package.path})")
    with session.chdir(package.path):
        session.run(
            "pytest", "-c", "pyproject.toml", "--rootdir", ".", "--import-mode=importlib",
            "tests", *pytest_args, *session.posargs,
        )  # fmt: skip


@nox.session
def speedups(session: nox.Session) -> None:
    """web-runner's wire tests again with the speedups extra: httptools backend, C ws masking.

    ``tests(web-runner)`` serves through the pure-Python parser; this run installs httptools, as
    ``aiostrata-http-parser[speedups]`` does, and checks that servers really pick it up, so both
    backends are held to the same suite over real sockets.
    """
    package = REPO.by_folder["web-runner"]
    parser = REPO.by_folder["http-parser"]
    project = parser.pyproject["project"]
    if not isinstance(project, dict):
        session.error(f"{parser.path}/pyproject.toml has no [project] table")
    extra: list[str] = project["optional-dependencies"]["speedups"]
    _install_wheels(
        session,
        REPO.closure(package),
        *nox.project.dependency_groups(package.pyproject, "test"),
        *extra,
    )
    session.run(
        "python", "-c",
        "from aiostrata.http_parser import make_request_parser as m; "
        "name = type(m()).__name__; print('servers parse with', name); "
        "assert name == 'HttptoolsRequestParser', name; "
        "from aiostrata.http_parser.ws_masking import MASKING_ACCELERATED as c; "
        "print('WebSocket masking in C:', c); assert c",
    )  # fmt: skip
    with session.chdir(package.path):
        session.run(
            "pytest", "-c", "pyproject.toml", "--rootdir", ".", "--import-mode=importlib",
            "tests", *session.posargs,
        )  # fmt: skip


@nox.session
def compiled(session: nox.Session) -> None:
    """Every package's tests again, against http-parser built with mypyc.

    http-parser's wheel is built with AIOSTRATA_MYPYC=1 (hatch_build.py compiles the modules
    of aiostrata.http_parser.compiled.COMPILED_MODULES) and installed with the other packages'
    wheels; each package's suite then runs against it, so the compiled build is held to the
    same suites as the pure one. http-parser's test_compiled_switch.py checks, in child
    processes, that AIOSTRATA_NO_EXTENSIONS brings the sources back.
    """
    groups = {
        req
        for package in REPO.packages
        for req in nox.project.dependency_groups(package.pyproject, "test")
    }
    _install_compiled(session, REPO.packages, *sorted(groups))
    pytest = ["pytest", "-c", "pyproject.toml", "--rootdir", ".", "--import-mode=importlib"]
    commands: list[tuple[str, Path, list[str]]] = [
        (f"{p.folder}'s tests, compiled", p.path, [*pytest, "tests", "-q", *session.posargs])
        for p in REPO.packages
    ]
    _run_each(session, commands)


@nox.session(reuse_venv=True)
def typecheck(session: nox.Session) -> None:
    """mypy --strict (config: root pyproject.toml): src, tests, tests-integration, demo,
    examples, tools."""
    integration = nox.project.dependency_groups(ROOT_PYPROJECT, "integration")
    requirements = {*REPO.third_party_requires(), *_test_requirements(), *integration}
    # griffe, mkdocs: imported by tools/api_diff.py and tools/docs_hooks.py
    # hatchling: imported by packages/http-parser/hatch_build.py
    session.install(
        "mypy", "nox", "uv", "griffe", "hatchling", *DOCS_REQUIREMENTS, *sorted(requirements)
    )
    mypy = ["mypy", "--config-file", str(ROOT / "pyproject.toml")]
    mypy += ["--cache-dir", str(ROOT / ".mypy_cache")]
    commands: list[tuple[str, Path, list[str]]] = [
        ("src of all packages", ROOT, [*mypy, *(f"--package={p.module}" for p in REPO.packages)]),
    ]
    # Each package's tests/ is checked from inside it, as top-level modules (pytest puts tests/ on
    # sys.path via `pythonpath`): the packages' tests/ folders would collide if checked in one run.
    commands += [
        (f"packages/{p.folder}/tests", p.tests, [*mypy, "."])
        for p in REPO.packages
        if _has_python(p.tests)
    ]
    integration_dir = ROOT / "tests-integration"
    if _has_python(integration_dir):
        commands.append(("tests-integration", integration_dir, [*mypy, "."]))
    if _has_python(ROOT / "tests-tools"):
        commands.append(("tests-tools", ROOT / "tests-tools", [*mypy, "."]))
    apps = [name for name in ("demo", "examples") if _has_python(ROOT / name)]
    hooks = [str(p.relative_to(ROOT)) for p in sorted(ROOT.glob("packages/*/hatch_build.py"))]
    tooling = ["noxfile.py", "tools", *hooks, *apps]
    commands.append((" ".join(tooling), ROOT, [*mypy, *tooling]))
    _run_each(session, commands)


@nox.session(name="typing")
def typing_session(session: nox.Session) -> None:
    """Types reach the user: mypy --strict over tests-typing/, against the installed wheels.

    router_alone_types.py is checked in a venv holding only web-router and what it needs (a
    router used without an application); app_types.py then with the meta-package installed.
    """
    folder = ROOT / "tests-typing"
    mypy = [
        "mypy",
        "--config-file",
        str(folder / "mypy.ini"),
        "--cache-dir",
        str(folder / ".mypy_cache"),
    ]
    router = REPO.by_module["aiostrata.web_router"]
    _install_wheels(session, REPO.closure(router), "mypy")
    with session.chdir(folder):
        session.run(*mypy, "router_alone_types.py")
    web = REPO.by_module["aiostrata.web"]
    _install_wheels(session, REPO.closure(web))
    with session.chdir(folder):
        session.run(*mypy, "app_types.py")
        session.run("python", "-c", "import app_types, router_alone_types")


@nox.session
def layers(session: nox.Session) -> None:
    """import-linter: who may import whom (contracts: [tool.importlinter] in root pyproject);
    then no private name (``obj._name``) crosses a package boundary (tools/check_private_access.py,
    which asks mypy whose attribute each one is)."""
    _install_wheels(session, REPO.packages, "import-linter", "mypy")
    session.run("lint-imports", str(ROOT / "pyproject.toml"))
    with session.chdir(ROOT):
        session.run("python", "-m", "tools.check_private_access")


@nox.session(reuse_venv=True)
def deps(session: nox.Session) -> None:
    """Declared vs imported dependencies: siblings (tools/check_sibling_deps.py), deptry."""
    # deptry maps distributions to modules from the installed metadata: install what is declared.
    session.install("deptry", *REPO.third_party_requires(), *_test_requirements())
    deptry = ["deptry", "src", "--known-first-party", "aiostrata"]
    # Every sibling is "aiostrata" to deptry, never reported as unused (DEP002) by it.
    deptry += ["--package-module-name-map", ",".join(f"{d}=aiostrata" for d in SIBLING_DISTS)]
    # mypy_extensions: http-parser's _compile_hints uses it where present (the mypyc build) and
    # stands in for it where not; never a dependency.
    deptry += [
        "--per-rule-ignores",
        "DEP002=" + "|".join(SIBLING_DISTS) + ",DEP001=mypy_extensions",
    ]
    commands: list[tuple[str, Path, list[str]]] = [
        (
            "sibling imports == sibling dependencies",
            ROOT,
            ["python", "-m", "tools.check_sibling_deps"],
        )
    ]
    commands += [(f"deptry packages/{p.folder}", p.path, deptry) for p in REPO.packages]
    _run_each(session, commands)


def _ensure_system_tools(session: nox.Session, tools: dict[str, str]) -> None:
    """On CI, install the real parts the integration tests drive (nginx, curl, chromium).

    CI runs as root on Debian, where apt-get reaches Debian's packages. Elsewhere a missing
    tool only makes its tests skip, with the reason printed; nothing is installed.
    """
    missing = [pkg for tool, pkg in tools.items() if not _on_path(tool)]
    if not missing:
        return
    can_install = os.environ.get("CI") and hasattr(os, "geteuid") and os.geteuid() == 0
    if not can_install or not shutil.which("apt-get"):
        session.log(f"not installing {', '.join(missing)}: their tests will skip")
        return
    env = {"DEBIAN_FRONTEND": "noninteractive"}
    try:
        session.run("apt-get", "update", "-qq", external=True, env=env)
        session.run("apt-get", "install", "-y", "-qq", *missing, external=True, env=env)
    except CommandFailed:
        session.log(f"could not install {', '.join(missing)}: their tests will skip")


def _on_path(tool: str) -> bool:
    return bool(shutil.which(tool) or shutil.which(tool, path="/usr/sbin:/sbin"))


@nox.session
def integration(session: nox.Session) -> None:
    """tests-integration/ against the meta-package `aiostrata` installed from the wheels.

    pytest-aiostrata is installed too: its plugin serves the apps under test (the fixtures
    ``aiostrata_client``, ``aiostrata_server``), as it serves users' own suites.
    """
    if not (ROOT / "tests-integration").is_dir():
        session.error("tests-integration/ does not exist")
    test_utils = REPO.by_module["aiostrata.test_utils"]
    _install_wheels(
        session,
        REPO.closure(test_utils),
        *nox.project.dependency_groups(ROOT_PYPROJECT, "integration"),
    )
    _ensure_system_tools(session, {"nginx": "nginx-light", "curl": "curl", "chromium": "chromium"})
    session.log("running tests-integration/ (cwd: repo root, so `demo` and `examples` import)")
    # `python -m pytest` puts the cwd (the repo root) on sys.path, for `import demo.app`.
    session.run(
        "python", "-m", "pytest", "tests-integration", "--rootdir", str(ROOT),
        "--import-mode=importlib", "-p", "asyncio", "-o", "asyncio_mode=auto",
        "-o", "asyncio_default_fixture_loop_scope=function", "--timeout=60",
        "--strict-markers", "-o", "xfail_strict=true", "-p", "no:cacheprovider",
        *session.posargs,
    )  # fmt: skip


@nox.session
def api(session: nox.Session) -> None:
    """Print the API coverage figure of aiostrata.web against aiohttp.web's reference.

    A low figure never fails the session (it measures progress); an aiostrata.web that cannot
    be imported does. Skipped, with a message, when ../shared/tools/api_coverage.py is absent.
    """
    tool = SHARED / "tools" / "api_coverage.py"
    if not tool.is_file():
        session.log(f"SKIPPED: {tool} does not exist, so there is no API coverage figure")
        return
    web = REPO.by_module["aiostrata.web"]
    _install_wheels(session, REPO.closure(web))
    session.run("python", str(tool), *session.posargs)


@nox.session(default=False, reuse_venv=True)
def demo(session: nox.Session) -> None:
    """Serve demo/app.py: python -m aiostrata.web -H 127.0.0.1 -P 8080 demo.app:init_app.

    Override with posargs: nox -s demo -- -H 0.0.0.0 -P 9000 [target] [args for init_app]
    """
    parser = argparse.ArgumentParser(prog="nox -s demo --")
    parser.add_argument("-H", "--hostname", default="127.0.0.1")
    parser.add_argument("-P", "--port", default="8080")
    parser.add_argument("target", nargs="?", default="demo.app:init_app")
    args, rest = parser.parse_known_args(session.posargs)
    session.install(*(f"--editable={p.path}" for p in REPO.packages))
    session.log(f"serving {args.target} on http://{args.hostname}:{args.port}/ (Ctrl+C stops)")
    session.run(
        "python", "-m", "aiostrata.web", "-H", args.hostname, "-P", str(args.port), args.target,
        *rest,
    )  # fmt: skip


def _bench_tools(session: nox.Session) -> None:
    """wrk and taskset for the bench: installed with apt-get when root, else a clear error."""
    if not _on_path("taskset"):
        session.error("taskset not found: install util-linux (it pins servers and load to CPUs)")
    if _on_path("wrk"):
        return
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    if not (root and shutil.which("apt-get")):
        session.error(
            "wrk not found and this session cannot install it (needs root and apt-get): "
            "install wrk yourself (e.g. `sudo apt-get install wrk`), then rerun"
        )
    env = {"DEBIAN_FRONTEND": "noninteractive"}
    session.run("apt-get", "update", "-qq", external=True, env=env)
    session.run("apt-get", "install", "-y", "-qq", "wrk", external=True, env=env)


def _bench_requirements() -> list[str]:
    """Peers and speedups for the bench; pinned like the owner's bench when its pins exist."""
    parser = nox.project.load_toml(REPO.by_module["aiostrata.http_parser"].path / "pyproject.toml")
    speedups: list[str] = parser["project"]["optional-dependencies"]["speedups"]  # httptools
    requirements = ["aiohttp", "uvloop", "h11", *speedups]
    pins = SHARED / "bench" / "requirements-peers.txt"
    return [*requirements, "-c", str(pins)] if pins.is_file() else requirements


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Parser throughput, then aiostrata vs aiohttp vs a raw asyncio ceiling (not default).

    Installs the tree's wheels (http-parser built with AIOSTRATA_MYPYC=1), aiohttp, uvloop, the
    parser's speedups extra, and wrk when missing (root only). Servers on CPU 0, wrk on CPU 1,
    interleaved rounds, answers checked before timing; method in benchmarks/README.md. posargs go to
    benchmarks/http_bench.py: nox -s bench -- --rounds 1 --duration 2 --scenarios plaintext
    """
    _bench_tools(session)
    web = REPO.by_module["aiostrata.web"]
    # http-parser compiled: the `aiostrata` impls run it, `aiostrata-py` its sources.
    _install_compiled(session, REPO.closure(web), *_bench_requirements())
    session.run("python", str(ROOT / "benchmarks" / "parse_throughput.py"))
    session.run("python", str(ROOT / "benchmarks" / "http_bench.py"), *session.posargs)


@nox.session(default=False)
def stress(session: nox.Session) -> None:
    """Slow clients, shutdown under load, RSS over many requests and idle connections (not default).

    Loopback only, bounded in time; prints a table and fails when a check does (every slow
    client closed by its bound, zero lost or truncated responses on SIGTERM, RSS flat within
    5 %). posargs go to stress/stress.py: nox -s stress -- --scale 0.05 --only slow shutdown
    """
    web = REPO.by_module["aiostrata.web"]
    _install_wheels(session, REPO.closure(web), "aiohttp")
    session.run("python", str(ROOT / "stress" / "stress.py"), *session.posargs)


@nox.session
def fuzz(session: nox.Session) -> None:
    """Fuzzing of the three codecs: request parser, WebSocket and multipart readers.

    The request parser differentially (both backends) and split-invariantly; the WebSocket and
    multipart readers split-invariantly, for documented errors only, no hang and bounded memory
    (fuzz/codec_fuzz.py). posargs go to both scripts. In the default run (CI) each of the three
    targets gets a bounded 15 s; longer on request: nox -s fuzz -- --seconds 300
    """
    args = session.posargs or ["--seconds", "15"]
    parser_package = REPO.by_module["aiostrata.http_parser"]
    _install_wheels(session, REPO.closure(parser_package), "httptools")
    try:
        session.install("atheris")  # coverage-guided when it installs on this Python
    except CommandFailed:
        session.log("atheris did not install: using the stdlib random mutator instead")
    session.run("python", str(ROOT / "fuzz" / "request_parser_fuzz.py"), *args)
    session.run("python", str(ROOT / "fuzz" / "codec_fuzz.py"), *args)


# ---------------------------------------------------------------------------------------------
# distribution: the wheelhouse users install from, and installing from it as a user would
# ---------------------------------------------------------------------------------------------

WHEELHOUSE = ROOT / "dist"


def _twine_check(session: nox.Session, directory: Path) -> None:
    """twine check --strict on every sdist and wheel in directory (the session has twine)."""
    artifacts = sorted(str(p) for p in (*directory.glob("*.whl"), *directory.glob("*.tar.gz")))
    if not artifacts:
        session.error(f"nothing to check in {directory}")
    session.run("twine", "check", "--strict", *artifacts)


@nox.session(default=False, reuse_venv=True)
def dist(session: nox.Session) -> None:
    """The wheelhouse: every package's sdist and wheel into dist/, checked (twine, contents).

    Users install from it: pip install --find-links dist aiostrata-web-router
    (`python3 tools/dev.py dist` runs this session).
    """
    session.install("twine")
    _build_all(session, WHEELHOUSE)
    session.run(sys.executable, "-m", "tools.check_wheels", "dist", str(WHEELHOUSE), external=True)
    _twine_check(session, WHEELHOUSE)
    session.log(f"wheelhouse ready: pip install --find-links {WHEELHOUSE} <distribution>")


def _fresh_venv(session: nox.Session, path: Path) -> Path:
    """A new venv with pip at path (outside the tree); its interpreter."""
    uv = _uv()
    if uv:
        session.run(
            uv, "venv", "-q", "--seed", "--python", sys.executable, str(path), external=True
        )
    else:
        session.run(sys.executable, "-m", "venv", str(path), external=True)
    return path / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


@nox.session(reuse_venv=True)
def install(session: nox.Session) -> None:
    """Each package installed as the README says, in a fresh venv outside the tree, and used.

    `pip install --find-links <wheelhouse> <distribution>`, then a check that it pulled in
    exactly its siblings (the README's table), and an import and real use of it
    (tools/install_smoke.py, run from a folder holding nothing of the repository).

    posargs: package folders to try (default: all), e.g. nox -s install -- web-router
    """
    import tempfile

    session.install("twine")
    _dists(session)
    _twine_check(session, DIST_DIR)
    folders = session.posargs or [p.folder for p in REPO.packages]
    unknown = sorted(set(folders) - REPO.by_folder.keys())
    if unknown:
        session.error(f"no such package folder: {', '.join(unknown)}")
    failed = []
    for folder in folders:
        package = REPO.by_folder[folder]
        expected = ",".join(sorted(p.dist for p in REPO.closure(package)))
        with tempfile.TemporaryDirectory(prefix=f"aiostrata-install-{folder}-") as tmp:
            home = Path(tmp)
            session.log(f"--- {package.dist}: fresh venv in {home}")
            python = str(_fresh_venv(session, home / "venv"))
            smoke = shutil.copy(ROOT / "tools" / "install_smoke.py", home / "install_smoke.py")
            try:
                with session.chdir(home):
                    session.run(
                        python, "-m", "pip", "install", "-q", "--disable-pip-version-check",
                        "--find-links", str(DIST_DIR), package.dist, external=True,
                    )  # fmt: skip
                    session.run(python, "-I", str(smoke), package.module, expected, external=True)
            except CommandFailed:
                failed.append(package.dist)
    if failed:
        session.error(f"install from the wheelhouse failed for: {', '.join(failed)}")


# ---------------------------------------------------------------------------------------------
# Python versions: every package's tests on every supported Python
# ---------------------------------------------------------------------------------------------

# Supported: the classifiers of every package say so. 3.14 is tried only where it is installed.
REQUIRED_PYTHONS = ("3.11", "3.12", "3.13")
OPTIONAL_PYTHONS = ("3.14",)
PYTHON_LINKS = ROOT / ".nox" / "_pythons"
nox.options.download_python = "never"  # the machines reach no interpreter downloads


def _find_interpreter(version: str) -> Path | None:
    """python<version> that really runs: on PATH (not a pyenv shim), else pyenv's own copy."""
    name = f"python{version}"
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        candidate = Path(directory) / name
        if "shims" not in candidate.parts and os.access(candidate, os.X_OK):
            return candidate
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    found = sorted(pyenv_root.glob(f"versions/{version}.*/bin/{name}"))
    return found[-1] if found else None


def _link_interpreters() -> list[str]:
    """Put every supported Python found on this machine first on PATH, as python3.X links.

    pyenv's shims answer only for the active version, so nox and uv would not find the
    others; .nox/_pythons/ holds one link per version found. Returns the versions to test:
    the required ones (a missing one fails under CI, as nox fails missing interpreters there)
    and the optional ones that are present.
    """
    PYTHON_LINKS.mkdir(parents=True, exist_ok=True)
    present = []
    for version in (*REQUIRED_PYTHONS, *OPTIONAL_PYTHONS):
        found = _find_interpreter(version)
        link = PYTHON_LINKS / f"python{version}"
        if found is None or found.parent == PYTHON_LINKS:
            if found is not None:
                present.append(version)
            continue
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(found.resolve())
        present.append(version)
    os.environ["PATH"] = f"{PYTHON_LINKS}{os.pathsep}{os.environ.get('PATH', '')}"
    return [
        v for v in (*REQUIRED_PYTHONS, *OPTIONAL_PYTHONS) if v in REQUIRED_PYTHONS or v in present
    ]


HOST_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
# `tests` already runs every package on the interpreter running nox: the others are added here.
EXTRA_PYTHONS = [v for v in _link_interpreters() if v != HOST_PYTHON]


@nox.session(python=EXTRA_PYTHONS)
@nox.parametrize("folder", [p.folder for p in REPO.packages], ids=[p.folder for p in REPO.packages])
def tests_py(session: nox.Session, folder: str) -> None:
    """One package's tests on another supported Python (`tests` covers nox's own interpreter).

    Tests marked ``slow`` (long resource-bound ones: a 500,000-frame flood, 1 GiB bombs) are
    left to ``tests``, which runs them on nox's interpreter: they hold the same bounds on every
    Python, and would add over a minute per Python to the check. Everything else runs here.
    Run one: nox -s "tests_py-3.13(web-router)"; all on one Python: nox -s tests_py-3.12;
    with the slow ones too: nox -s "tests_py-3.13(http-parser)" -- -m "slow or not slow".
    """
    slow = _declares_marker(REPO.by_folder[folder], "slow")
    _package_tests(session, folder, *(["-m", "not slow"] if slow else []))


def _declares_marker(package: Package, marker: str) -> bool:
    """True if the package's pytest config registers marker (-m refuses an unknown one)."""
    config = package.pyproject.get("tool", {})
    for key in ("pytest", "ini_options", "markers"):
        config = config.get(key, {}) if isinstance(config, dict) else {}
    return isinstance(config, list) and any(
        str(line).split(":", 1)[0].strip() == marker for line in config
    )


# ---------------------------------------------------------------------------------------------
# releases: one package at a time (tools/release.py, rules in tools/versioning.py)
# ---------------------------------------------------------------------------------------------


@nox.session(default=False)
def release(session: nox.Session) -> None:
    """Release one package: nox -s release -- <folder> [--dry-run] [--version X.Y.Z]

    Collects packages/<folder>/changes/ into its CHANGELOG (towncrier), bumps its version by
    the fragment types, fixes dependants' ranges when needed, builds and checks its sdist and
    wheel into dist/release/, commits and tags <distribution>-v<version>. Uploads nothing.
    """
    if not session.posargs:
        session.error("which package? nox -s release -- web-router --dry-run")
    session.install("towncrier", "twine", "packaging", "griffe")
    session.run("python", "-m", "tools.release", *session.posargs)


# ---------------------------------------------------------------------------------------------
# version ranges and public API, against the release tags (tools/compat.py, tools/api_diff.py)
# ---------------------------------------------------------------------------------------------

COMPAT_DIR = ROOT / ".nox-compat"  # wheels built from release tags, kept between runs
_CHECK_VERSIONS = (
    "import json, sys, importlib.metadata as m; wanted = json.loads(sys.argv[1]); "
    "found = {d: m.version(d) for d in wanted}; print('installed:', found); "
    "sys.exit(0 if found == wanted else f'expected {wanted}')"
)


def _wheel_at_tag(session: nox.Session, package: Package, tag: str) -> Path:
    """The wheel of package as released at tag, built from `git archive` once and kept."""
    import tarfile
    import tempfile

    out_dir = COMPAT_DIR / tag
    built = sorted(out_dir.glob("*.whl"))
    if built:
        return built[0]
    folder = package.path.relative_to(ROOT).as_posix()
    with tempfile.TemporaryDirectory(prefix="aiostrata-compat-") as tmp:
        archive = Path(tmp) / "tree.tar"
        session.log(f"building {package.dist} from its release tag {tag}")
        session.run(
            "git", "archive", "--format=tar", f"--output={archive}", tag, folder, external=True
        )  # fmt: skip
        with tarfile.open(archive) as tar:
            tar.extractall(Path(tmp) / "tree", filter="data")
        _build_all(session, out_dir, [Package(Path(tmp) / "tree" / folder)])
    return sorted(out_dir.glob("*.whl"))[0]


@nox.session
@nox.parametrize("folder", [p.folder for p in REPO.packages], ids=[p.folder for p in REPO.packages])
def compat(session: nox.Session, folder: str) -> None:
    """One package's tests against the lowest, then the newest, sibling versions it allows.

    The versions that exist are the release tags (built from the tag) and the tree
    (tools/compat.py). A set that is just the tree (always, before the first release tags)
    is what tests(<folder>) already runs, and is not run again.
    """
    from tools.compat import CompatError, choose

    package = REPO.by_folder[folder]
    try:
        sets = {which: choose(REPO, package, which) for which in ("lowest", "newest")}
    except CompatError as exc:
        session.error(str(exc))
    done: list[dict[str, str]] = []
    for which, chosen in sets.items():
        session.log(f"{which}: {', '.join(c.label for c in chosen.values()) or 'no siblings'}")
        wanted = {d: str(c.version) for d, c in chosen.items()} | {package.dist: package.version}
        if all(c.tag is None for c in chosen.values()):
            session.log(f"{which}: every sibling from the tree, as tests({folder}) runs it: done")
            continue
        if wanted in done:
            session.log(f"{which}: the same versions as above: done")
            continue
        done.append(wanted)
        wheels = _dists(session)
        files = [wheels[package.dist]] + [
            wheels[d] if c.tag is None else _wheel_at_tag(session, c.package, c.tag)
            for d, c in chosen.items()
        ]
        extra = nox.project.dependency_groups(package.pyproject, "test")
        _install_files(session, list(wanted), files, *extra)
        session.run("python", "-c", _CHECK_VERSIONS, json.dumps(wanted))
        with session.chdir(package.path):
            session.run(
                "pytest", "-c", "pyproject.toml", "--rootdir", ".", "--import-mode=importlib",
                "tests", *session.posargs,
            )  # fmt: skip


@nox.session(reuse_venv=True)
def api_diff(session: nox.Session) -> None:
    """Each package's public API (griffe) against its last release tag (tools/api_diff.py).

    A breaking change needs a breaking bump (a removal fragment). No tag yet: passes, saying so.

    posargs: package folders (default: all).
    """
    session.install("griffe", "packaging")
    session.run("python", "-m", "tools.api_diff", *session.posargs)


# ---------------------------------------------------------------------------------------------
# documentation: MkDocs + mkdocstrings (mkdocs.yml, docs/, hooks in tools/docs_hooks.py)
# ---------------------------------------------------------------------------------------------

DOCS_REQUIREMENTS = ["mkdocs>=1.6,<2", "mkdocstrings[python]>=0.26"]


@nox.session
def docs(session: nox.Session) -> None:
    """The documentation site (MkDocs, mkdocstrings) into site/, strict: a warning fails it.

    Any broken link or reference, or a docstring griffe cannot read, is a warning. The packages
    come from the tree's wheels, since the pages import aiostrata.web to list its names.
    """
    web = REPO.by_module["aiostrata.web"]
    _install_wheels(session, REPO.closure(web), *DOCS_REQUIREMENTS)
    session.run(
        "mkdocs", "build", "--strict", "--config-file", str(ROOT / "mkdocs.yml"),
        "--site-dir", str(ROOT / "site"),
    )  # fmt: skip
    session.log(f"built: {ROOT / 'site' / 'index.html'}")


@nox.session
def tools(session: nox.Session) -> None:
    """tests-tools/: the release tooling's own tests (version rules, install tables, ...).

    Releases, compat's choices and api_diff run for real in a clone of the committed HEAD
    (so commit before running it locally).
    """
    # mypy and the packages' own needs: test_check_private_access.py runs the layers check.
    session.install(
        "pytest", "packaging", "towncrier", "twine", "griffe", "mypy",
        *REPO.third_party_requires(),
    )  # fmt: skip
    session.run(
        "python", "-m", "pytest", "tests-tools", "--rootdir", str(ROOT), "-p", "no:cacheprovider",
        "-o", "xfail_strict=true", "--strict-markers", *session.posargs,
    )  # fmt: skip

"""Every check of the aiostrata monorepo.

Run through the bootstrap script, which needs nothing but python3:

    python3 tools/dev.py check              # plain `nox`: every session below except `demo`
    python3 tools/dev.py demo               # `nox -s demo`: serve demo/app.py on 127.0.0.1:8080
    python3 tools/dev.py nox -s lint        # any nox arguments
    python3 tools/dev.py nox -s "tests(web-router)"   # one package's tests (`-s tests`: all)
    python3 tools/dev.py nox -l             # list the sessions

Sessions: lint, build, tests(<folder>) for each packages/<folder>, speedups, typecheck, typing,
layers, deps, integration, api; and demo, bench and fuzz (not run by default).

The package list is read from packages/*/pyproject.toml (see tools/monorepo.py). The sessions
that test code install it from wheels built from the tree, never from src/: the wheels are built
once per nox process into .nox-dist/ (by whichever session first needs them) and checked by
tools/check_wheels.py, and every venv that installs them is checked to hold exactly those files.
"""

from __future__ import annotations

import argparse
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


def _build_all(session: nox.Session) -> None:
    if DIST_DIR.exists():
        session.log(f"wiping {DIST_DIR}")
        shutil.rmtree(DIST_DIR)
    DIST_DIR.mkdir()
    uv = _uv()
    if uv:
        session.log(f"building an sdist, then a wheel from it, for {len(REPO.packages)} packages")
        for package in REPO.packages:
            session.run(
                uv, "build", "--python", sys.executable, "--out-dir", str(DIST_DIR),
                str(package.path), external=True,
            )  # fmt: skip
        return
    # No uv: `python -m build` from a venv of its own, so no session venv gets `build` in it.
    tools = ROOT / ".nox" / "_build-tools"
    python = tools / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    if not python.exists():
        session.run(sys.executable, "-m", "virtualenv", "-q", str(tools), external=True)
    session.run(str(python), "-m", "pip", "install", "-q", "build", external=True)
    for package in REPO.packages:
        session.run(
            str(python), "-m", "build", "--outdir", str(DIST_DIR), str(package.path), external=True
        )


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


def _install_wheels(session: nox.Session, packages: list[Package], *extra: str) -> None:
    """Install the packages from the tree's wheels (plus extra requirements), then verify it."""
    wheels = _dists(session)
    files = [str(wheels[p.dist]) for p in packages]
    session.log(f"installing from wheels: {', '.join(p.dist for p in packages)}")
    if session.venv_backend == "uv":
        reinstall = [f"--reinstall-package={p.dist}" for p in packages]
        session.install(*reinstall, *files, *extra)
    else:
        session.install(*files, *extra)
        session.install("--force-reinstall", "--no-deps", *files)
    session.log("verifying the venv holds exactly these aiostrata distributions, from these wheels")
    session.run(
        "python",
        "-m",
        "tools.check_wheels",
        "installed",
        str(DIST_DIR),
        *(p.dist for p in packages),
    )


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
            "tests", *session.posargs,
        )  # fmt: skip


@nox.session
def speedups(session: nox.Session) -> None:
    """web-runner's wire tests again with the llhttp parser backend selected (the speedups extra).

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
        "assert name == 'HttptoolsRequestParser', name",
    )  # fmt: skip
    with session.chdir(package.path):
        session.run(
            "pytest", "-c", "pyproject.toml", "--rootdir", ".", "--import-mode=importlib",
            "tests", *session.posargs,
        )  # fmt: skip


@nox.session(reuse_venv=True)
def typecheck(session: nox.Session) -> None:
    """mypy --strict (config: root pyproject.toml): src, tests, tests-integration, demo,
    examples, tools."""
    integration = nox.project.dependency_groups(ROOT_PYPROJECT, "integration")
    requirements = {*REPO.third_party_requires(), *_test_requirements(), *integration}
    session.install("mypy", "nox", "uv", *sorted(requirements))
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
    apps = [name for name in ("demo", "examples") if _has_python(ROOT / name)]
    tooling = ["noxfile.py", "tools", *apps]
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
    deptry += ["--per-rule-ignores", "DEP002=" + "|".join(SIBLING_DISTS)]
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

    Installs the tree's wheels, aiohttp, uvloop and httptools (the parser's speedups extra),
    and wrk when missing (root only). Servers on CPU 0, wrk on CPU 1, interleaved rounds,
    answers checked before timing; method in benchmarks/README.md. posargs go to
    benchmarks/http_bench.py: nox -s bench -- --rounds 1 --duration 2 --scenarios plaintext
    """
    _bench_tools(session)
    web = REPO.by_module["aiostrata.web"]
    _install_wheels(session, REPO.closure(web), *_bench_requirements())
    session.run("python", str(ROOT / "benchmarks" / "parse_throughput.py"))
    session.run("python", str(ROOT / "benchmarks" / "http_bench.py"), *session.posargs)


@nox.session(default=False)
def fuzz(session: nox.Session) -> None:
    """Differential, split-invariance fuzzing of the request parser backends (not default).

    posargs go to fuzz/request_parser_fuzz.py; the default is 60 s: nox -s fuzz -- --seconds 300
    """
    parser_package = REPO.by_module["aiostrata.http_parser"]
    _install_wheels(session, REPO.closure(parser_package), "httptools")
    try:
        session.install("atheris")  # coverage-guided when it installs on this Python
    except CommandFailed:
        session.log("atheris did not install: using the stdlib random mutator instead")
    session.run("python", str(ROOT / "fuzz" / "request_parser_fuzz.py"), *session.posargs)

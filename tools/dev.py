#!/usr/bin/env python3
"""Bootstrap the check tools and run nox: needs nothing but python3 (3.11 or newer).

    python3 tools/dev.py check              every default nox session (= plain `nox`)
    python3 tools/dev.py demo               serve the demo app (= `nox -s demo`); extra arguments
                                            go to it, e.g. `demo -H 0.0.0.0 -P 9000`
    python3 tools/dev.py dist               every package's sdist and wheel into dist/, checked
                                            (= `nox -s dist`): pip install --find-links dist NAME
    python3 tools/dev.py nox ARGS...        nox with any arguments, e.g. `nox -s "tests(web-app)"`

The tools (nox, uv) live in .venv-tools/ at the repo root, made on first use and reused while
they work. Where the interpreter has no ensurepip (Debian without python3-venv), the venv is made
--without-pip and pip is bootstrapped from its wheel on PyPI, checked against PyPI's sha256.
AIOSTRATA_DEV_NO_ENSUREPIP=1 forces that path (for testing it). Standard library only.
The exit status is nox's.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv-tools"
# Bump together with the noxfile's nox.needs_version; a change re-creates .venv-tools.
REQUIREMENTS = ["pip", "nox>=2025.2.9", "uv>=0.5"]
STAMP = VENV / "aiostrata-tools.json"
PIP_JSON = "https://pypi.org/pypi/pip/json"
MIN_PYTHON = (3, 11)


def log(message: str) -> None:
    print(f"[dev.py] {message}", file=sys.stderr, flush=True)


def venv_python() -> Path:
    if sys.platform == "win32":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def venv_works() -> bool:
    """The venv exists, was made for today's requirements, and nox and uv import in it."""
    python = venv_python()
    if not python.exists() or not STAMP.exists():
        return False
    try:
        if json.loads(STAMP.read_text(encoding="utf-8")) != REQUIREMENTS:
            return False
    except (OSError, ValueError):
        return False
    probe = subprocess.run(
        [str(python), "-c", "import nox, uv; uv.find_uv_bin()"],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


def _fetch(url: str) -> bytes:
    if not url.startswith("https://"):
        raise SystemExit(f"[dev.py] refusing to fetch a non-https URL: {url}")
    with urllib.request.urlopen(url, timeout=60) as response:
        data: bytes = response.read()
        return data


def download_pip_wheel(directory: Path) -> Path:
    """The newest py3-none-any pip wheel from PyPI's JSON API, sha256-checked."""
    log(f"fetching {PIP_JSON}")
    meta = json.loads(_fetch(PIP_JSON))
    for entry in meta["urls"]:
        filename: str = entry["filename"]
        if entry["packagetype"] == "bdist_wheel" and filename.endswith("-py3-none-any.whl"):
            break
    else:
        raise SystemExit("[dev.py] PyPI lists no py3-none-any wheel for pip")
    url = urllib.parse.urljoin(PIP_JSON, entry["url"])  # some mirrors answer relative URLs
    log(f"downloading {url}")
    data = _fetch(url)
    digest = hashlib.sha256(data).hexdigest()
    if digest != entry["digests"]["sha256"]:
        raise SystemExit(
            f"[dev.py] sha256 mismatch for {filename}: got {digest}, "
            f"PyPI says {entry['digests']['sha256']}"
        )
    wheel = directory / filename
    wheel.write_bytes(data)
    log(f"{filename}: sha256 ok")
    return wheel


def create_venv() -> None:
    if VENV.exists():
        log(f"re-creating {VENV} (missing, broken or outdated)")
        shutil.rmtree(VENV)
    else:
        log(f"creating {VENV}")
    python = str(venv_python())
    with_pip = os.environ.get("AIOSTRATA_DEV_NO_ENSUREPIP") != "1"
    if with_pip:
        made = subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=False)
        if made.returncode != 0:
            log("`python3 -m venv` failed (no ensurepip?); falling back to --without-pip")
            shutil.rmtree(VENV, ignore_errors=True)
            with_pip = False
    if with_pip:
        subprocess.run([python, "-m", "pip", "install", "-q", *REQUIREMENTS], check=True)
    else:
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(VENV)], check=True)
        with tempfile.TemporaryDirectory() as tmp:
            wheel = download_pip_wheel(Path(tmp))
            # A pip wheel runs from the zip itself: python pip-X-py3-none-any.whl/pip install ...
            subprocess.run(
                [python, f"{wheel}/pip", "install", "-q", *REQUIREMENTS],
                check=True,
            )
    STAMP.write_text(json.dumps(REQUIREMENTS), encoding="utf-8")
    log(f"{VENV} is ready")


def nox_args(argv: list[str]) -> list[str]:
    usage = (
        "usage: python3 tools/dev.py check | dist | demo [-H HOST] [-P PORT] [target]"
        " | nox [NOX ARGS...]"
    )
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(usage + "\n\n" + (__doc__ or ""), file=sys.stderr)
        raise SystemExit(0 if argv else 2)
    command, rest = argv[0], argv[1:]
    if command == "check" and not rest:
        return []
    if command == "dist" and not rest:
        return ["-s", "dist"]
    if command == "demo":
        return ["-s", "demo", *(["--", *rest] if rest else [])]
    if command == "nox":
        return rest
    print(usage, file=sys.stderr)
    raise SystemExit(2)


def main(argv: list[str]) -> int:
    if sys.version_info < MIN_PYTHON:
        log(f"Python {'.'.join(map(str, MIN_PYTHON))}+ is needed, this is {sys.version.split()[0]}")
        return 2
    args = nox_args(argv)
    if not venv_works():
        try:
            create_venv()
        except (OSError, subprocess.CalledProcessError) as exc:
            log(f"could not set up {VENV}: {exc}")
            return 1
        if not venv_works():
            log(f"{VENV} was created but nox/uv do not work in it")
            return 1
    env = dict(os.environ)
    bin_dir = str(venv_python().parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")  # so the noxfile finds `uv`
    env.pop("PYTHONHOME", None)
    command = [str(venv_python()), "-m", "nox", "--noxfile", str(ROOT / "noxfile.py"), *args]
    log(f"running: nox {' '.join(args)}")
    os.chdir(ROOT)
    if os.name == "posix":  # become nox: its exit status and signals (Ctrl+C) need no relaying
        os.execve(command[0], command, env)  # noqa: S606 - fixed argv, no shell
    try:
        return subprocess.run(command, env=env, check=False).returncode
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

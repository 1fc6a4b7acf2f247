"""The connection protocol's module is importable by name before anything loaded it."""

from __future__ import annotations

import subprocess
import sys


def test_from_import_of_the_lazy_submodule_works_in_a_fresh_interpreter() -> None:
    code = (
        "from aiostrata.web_runner import request_handler\n"
        "import aiostrata.web_runner as runner\n"
        "assert runner.request_handler is request_handler\n"
        "assert runner.RequestHandler is request_handler.RequestHandler\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]

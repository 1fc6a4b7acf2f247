"""The parser backend is chosen from the environment at import, and loaded on first use.

``AIOSTRATA_NO_EXTENSIONS`` is read once, when ``backend_selection`` is imported, as
before; ``httptools`` itself is only imported when the backend is first needed, so
importing the package does not pay for it. Each case runs in a fresh interpreter.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from aiostrata.http_parser import compiled

pytest.importorskip("httptools")

# Where the parser is compiled, it is selected itself (see compiled.py); httptools is unused.
COMPILED = compiled._compiled_file("request_parser") is not None
ACCELERATED = "HttpRequestParser" if COMPILED else "HttptoolsRequestParser"


def _run(code: str, **env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if k != "AIOSTRATA_NO_EXTENSIONS"}
    environ.update(env)
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
        env=environ,
        timeout=60,
    )
    return result.stdout.strip()


def test_importing_the_package_does_not_import_httptools() -> None:
    out = _run(
        """
        import sys
        import aiostrata.http_parser
        import aiostrata.http_parser.backend_selection
        print("httptools" in sys.modules)
        """
    )
    assert out == "False"


def test_the_first_parser_made_loads_the_accelerated_backend() -> None:
    out = _run(
        """
        import sys
        from aiostrata.http_parser import DEFAULT_PARSER, make_request_parser
        parser = make_request_parser()
        print(type(parser).__name__, DEFAULT_PARSER.__name__, "httptools" in sys.modules)
        """
    )
    assert out == f"{ACCELERATED} {ACCELERATED} {not COMPILED}"


def test_the_variable_set_before_import_selects_pure_python() -> None:
    out = _run(
        """
        import sys
        from aiostrata.http_parser import DEFAULT_PARSER, make_request_parser
        parser = make_request_parser()
        print(type(parser).__name__, DEFAULT_PARSER.__name__, "httptools" in sys.modules)
        """,
        AIOSTRATA_NO_EXTENSIONS="1",
    )
    assert out == "HttpRequestParser HttpRequestParser False"


def test_the_variable_is_read_at_import_not_at_first_use() -> None:
    out = _run(
        """
        import os
        import aiostrata.http_parser.backend_selection
        os.environ["AIOSTRATA_NO_EXTENSIONS"] = "1"
        from aiostrata.http_parser import make_request_parser
        print(type(make_request_parser()).__name__)
        """
    )
    assert out == ACCELERATED

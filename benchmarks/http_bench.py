"""aiostrata against aiohttp and a raw asyncio ceiling, over 127.0.0.1 (``nox -s bench``).

Servers are pinned to one CPU and wrk (or the websocket client) to another; rounds are
interleaved with the order rotated each round; every endpoint's answer is checked before
anything is timed; runs where the server's core was not saturated give no ratio. The code
lives in httpbench/ (see its __init__ for the map) and benchmarks/README.md has the method.

    python benchmarks/http_bench.py --rounds 1 --duration 2 --scenarios plaintext,json
    python benchmarks/http_bench.py --help
"""

from __future__ import annotations

import sys

from httpbench.cli import main  # importable: a script's own folder leads sys.path

if __name__ == "__main__":
    sys.exit(main())

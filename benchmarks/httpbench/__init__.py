"""The HTTP/websocket throughput bench behind ``nox -s bench`` (entry point: ../http_bench.py).

Modules, by the process they run in:

- driver (``http_bench.py``): ``cli`` (options, rounds), ``catalog`` (implementations and
  scenarios), ``servers`` (server processes), ``load`` (checks, wrk and the websocket client,
  CPU use during a run), ``profiling`` (calls per request, import time), ``report`` (markdown),
  ``procstat`` (/proc readers).
- servers (``python -m httpbench.app`` / ``httpbench.raw_ceiling``): ``app`` is the one
  aiohttp.web-API app every web implementation serves; ``raw_ceiling`` parses nothing.
- load generator for websockets (``python -m httpbench.ws_client``).

``payloads`` holds what servers answer and clients send, so checks and load cannot drift
apart. This file stays free of imports: the server processes import the package too, and
whatever it pulled in would count in every server's memory.
"""

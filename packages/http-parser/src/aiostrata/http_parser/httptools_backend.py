"""The request parser backend selected when the ``speedups`` extra (``httptools``) is installed.

Same interface, same events, same errors as :class:`HttpRequestParser`, and today the
same code: llhttp no longer tokenizes any head, because measured it no longer pays.

It used to split every complete head (request line and fields) with llhttp and
decode the callbacks' bytes in Python. The shared pure-Python fast path now takes
field lines it has seen before from a bounded cache and checks new ones with one
regex pass. Measured per ``feed_data`` of one whole head (best-of timeit, heads like
``benchmarks/parse_throughput.py``'s; "llhttp" = the former tokenizer tried first):

================================  ============  ======
head                              shared path   llhttp
================================  ============  ======
GET, Host only                    5.9 us        7.7 us
browser GET, 12 fields            9.2 us        15.8 us
the same, every line new          21.1 us       20.5 us
12 fields with a 4 KiB cookie     30.8 us       35.8 us
the same, every line new          43.4 us       39.1 us
================================  ============  ======

llhttp wins only where nearly every byte is new, and by less than it loses on the
next request of the same client; routing just those heads to llhttp was tried too,
and kept their lines out of the cache. So no head is tokenized by llhttp any more.

So the class keeps its name, its place in :func:`~.backend_selection.select_backend`
and its dependency on ``httptools`` (a process with the extra installed gets it, one
without gets :class:`HttpRequestParser`, as before), and inherits everything.
"""

from __future__ import annotations

import httptools  # noqa: F401 - the backend exists only where the speedups extra is installed

from .request_parser import HttpRequestParser

__all__ = ("HttptoolsRequestParser",)


class HttptoolsRequestParser(HttpRequestParser):
    """:class:`HttpRequestParser` as selected with the ``speedups`` extra (see the module)."""

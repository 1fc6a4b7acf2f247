"""``python -m aiostrata.web [-H host] [-P port] [-U path] module:function [args...]``.

The same command line as ``python -m aiohttp.web``: import ``function`` from
``module``, call it with the arguments left over, and serve the application
(or the coroutine returning one) that it gives back.
"""

from __future__ import annotations

import logging
import socket
import sys
from argparse import ArgumentParser
from collections.abc import Sequence
from importlib import import_module

from aiostrata.web_runner import run_app


def main(argv: Sequence[str] | None = None) -> None:
    parser = ArgumentParser(
        prog="python -m aiostrata.web",
        description="aiostrata.web Application server",
    )
    parser.add_argument(
        "entry_func",
        help=(
            "Callable returning the `aiostrata.web.Application` instance to run. "
            "Should be specified in the 'module:function' syntax."
        ),
        metavar="entry-func",
    )
    parser.add_argument(
        "-H", "--hostname", help="TCP/IP hostname to serve on (default: localhost)", default=None
    )
    parser.add_argument(
        "-P",
        "--port",
        help="TCP/IP port to serve on (default: %(default)r)",
        type=int,
        default=8080,
    )
    parser.add_argument(
        "-U",
        "--path",
        help="Unix file system path to serve on. Can be combined with "
        "hostname to serve on both Unix and TCP.",
    )
    args, extra_argv = parser.parse_known_args(argv)

    module_name, _, func_name = args.entry_func.partition(":")
    if not func_name or not module_name:
        parser.error("'entry-func' not in 'module:function' syntax")
    if module_name.startswith("."):
        parser.error("relative module names not supported")
    try:
        module = import_module(module_name)
    except ImportError as exc:
        parser.error(f"unable to import {module_name}: {exc}")
    try:
        func = getattr(module, func_name)
    except AttributeError:
        parser.error(f"module {module_name!r} has no attribute {func_name!r}")

    if args.path is not None and not hasattr(socket, "AF_UNIX"):
        parser.error("file system paths not supported by your operating environment")

    logging.basicConfig(level=logging.DEBUG)
    host = args.hostname
    if args.path is not None and host is None:
        run_app(func(extra_argv), path=args.path)
        return
    run_app(func(extra_argv), host=host or "localhost", port=args.port, path=args.path)


if __name__ == "__main__":  # pragma: no cover - exercised through `python -m`
    main(sys.argv[1:])

"""``python -m aiostrata.web [-H host] [-P port] [-U path] module:function [args...]``.

The same command line as ``python -m aiohttp.web``: import ``function`` from
``module``, call it with the arguments left over, and serve the application
(or the coroutine returning one) that it gives back.
"""

from __future__ import annotations

import logging
import socket
import sys
from argparse import ArgumentParser, Namespace
from collections.abc import Sequence

from aiostrata.web_runner import run_app

from .app_factory import FactoryError, check_entry_syntax, load_factory


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
    parser.add_argument(
        "--reload",
        action="store_true",
        help="for development: restart the app when a .py file changes, on the same socket "
        "(needs the reload extra: pip install 'aiostrata[reload]')",
    )
    parser.add_argument(
        "--reload-dir",
        action="append",
        default=None,
        metavar="DIR",
        help="a directory to watch with --reload (repeatable; default: the current directory)",
    )
    args, extra_argv = parser.parse_known_args(argv)
    if args.reload_dir and not args.reload:
        parser.error("--reload-dir needs --reload")

    if args.reload:
        _serve_with_reload(parser, args, extra_argv)
        return
    try:
        func = load_factory(args.entry_func)
    except FactoryError as exc:
        parser.error(str(exc))

    if args.path is not None and not hasattr(socket, "AF_UNIX"):
        parser.error("file system paths not supported by your operating environment")

    logging.basicConfig(level=logging.DEBUG)
    host = args.hostname
    if args.path is not None and host is None:
        run_app(func(extra_argv), path=args.path)
        return
    run_app(func(extra_argv), host=host or "localhost", port=args.port, path=args.path)


def _serve_with_reload(parser: ArgumentParser, args: Namespace, extra_argv: list[str]) -> None:
    """Hand over to the reloading supervisor, which never imports the app itself."""
    try:
        check_entry_syntax(args.entry_func)
    except FactoryError as exc:
        parser.error(str(exc))
    if args.path is not None and not hasattr(socket, "AF_UNIX"):
        parser.error("file system paths not supported by your operating environment")
    try:
        from .reload import serve_with_reload
    except ImportError as exc:
        parser.error(f"--reload needs watchfiles: pip install 'aiostrata[reload]' ({exc})")
    host = args.hostname
    if host is None and args.path is None:
        host = "localhost"
    code = serve_with_reload(
        args.entry_func,
        extra_argv,
        host=host,
        port=args.port,
        path=args.path,
        watch=args.reload_dir or ["."],
    )
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover - exercised through `python -m`
    main(sys.argv[1:])

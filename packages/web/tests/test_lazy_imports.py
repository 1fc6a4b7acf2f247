"""``import aiostrata.web`` is cheap, and no name was lost to make it so.

The packages resolve the names of what many applications never use (WebSockets, files,
multipart forms, static directories, the connection protocol and its parser, httptools)
on first access, through a module ``__getattr__`` (PEP 562). These tests hold every public
name to resolving, to being listed by ``dir()``, and to being the very object its defining
module has; and they hold ``import aiostrata.web`` to not importing what was made lazy.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import textwrap

import pytest

# Every package whose __init__ resolves some of its names lazily.
LAZY_PACKAGES = (
    "aiostrata.http_parser",
    "aiostrata.web_response",
    "aiostrata.web_request",
    "aiostrata.web_router",
    "aiostrata.web_runner",
    "aiostrata.web",
)

# What `import aiostrata.web` must not import: each was made lazy on purpose.
NOT_IMPORTED_BY_WEB = (
    # standard library modules only some requests need
    "email",
    "email.message",
    "email.utils",
    "http.cookies",
    "mimetypes",
    "tempfile",
    "hashlib",
    "uuid",
    # the optional llhttp speedup: imported when the parser backend is first needed
    "httptools",
    # our own submodules the import does not need
    "aiostrata.http_parser.backend_selection",
    "aiostrata.http_parser.request_parser",
    "aiostrata.http_parser.events",
    "aiostrata.http_parser.httptools_backend",
    "aiostrata.http_parser.content_disposition",
    "aiostrata.http_parser.multipart_reader",
    "aiostrata.http_parser.multipart_writer",
    "aiostrata.http_parser.multipart_errors",
    "aiostrata.http_parser.ws_handshake",
    "aiostrata.http_parser.ws_protocol",
    "aiostrata.http_parser.ws_reader",
    "aiostrata.http_parser.ws_writer",
    "aiostrata.web_response.cookie_jar",
    "aiostrata.web_response.file_response",
    "aiostrata.web_response.file_variants",
    "aiostrata.web_response.websocket_response",
    "aiostrata.web_request.file_field",
    "aiostrata.web_request.multipart_form",
    "aiostrata.web_router.static_resources",
    "aiostrata.web_runner.request_handler",
    "aiostrata.web_runner.gunicorn_worker",
)


def _modules_after(code: str) -> set[str]:
    """The names in ``sys.modules`` after running *code* in a fresh interpreter."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    loaded: list[str] = json.loads(result.stdout.splitlines()[-1])
    return set(loaded)


@pytest.mark.parametrize("package", LAZY_PACKAGES)
def test_every_name_in_all_resolves_and_is_listed(package: str) -> None:
    module = importlib.import_module(package)
    names: tuple[str, ...] | list[str] = module.__all__
    assert len(set(names)) == len(names), "duplicates in __all__"
    listed = set(dir(module))
    for name in names:
        assert getattr(module, name) is not None, name
        assert name in listed, name


@pytest.mark.parametrize("package", LAZY_PACKAGES)
def test_a_resolved_name_is_its_defining_modules_object_and_is_kept(package: str) -> None:
    module = importlib.import_module(package)
    for name in module.__all__:
        value = getattr(module, name)
        assert vars(module)[name] is value, f"{package}.{name} is not cached in the module"
        defining = sys.modules.get(getattr(value, "__module__", None) or "")
        if callable(value) and defining is not None and hasattr(defining, name):
            assert getattr(defining, name) is value, f"{package}.{name}"


@pytest.mark.parametrize("package", LAZY_PACKAGES)
def test_an_unknown_name_is_still_an_attribute_error(package: str) -> None:
    module = importlib.import_module(package)
    with pytest.raises(AttributeError, match="no_such_name"):
        module.no_such_name  # noqa: B018  # the look-up under test
    assert not hasattr(module, "no_such_name")


def test_star_import_gives_every_name() -> None:
    namespace: dict[str, object] = {}
    exec("from aiostrata.web import *", namespace)  # noqa: S102  # the statement under test
    import aiostrata.web

    assert set(aiostrata.web.__all__) <= set(namespace)


def test_the_lazy_names_are_the_ones_from_their_owning_packages() -> None:
    from aiostrata import http_parser, web, web_request, web_response, web_router, web_runner

    assert web.WebSocketResponse is web_response.WebSocketResponse
    assert web.FileResponse is web_response.FileResponse
    assert web.WSMsgType is http_parser.WSMsgType
    assert web.FileField is web_request.FileField
    assert web.StaticResource is web_router.StaticResource
    assert web.RequestHandler is web_runner.RequestHandler
    assert issubclass(web.WebSocketResponse, web.StreamResponse)
    assert issubclass(web.FileResponse, web.StreamResponse)


def test_lazy_submodules_are_still_reachable_as_attributes() -> None:
    from aiostrata import http_parser, web_response, web_router, web_runner

    assert http_parser.ws_reader.WebSocketReader is http_parser.WebSocketReader
    assert web_response.file_response.FileResponse is web_response.FileResponse
    assert web_router.static_resources.StaticResource is web_router.StaticResource
    assert web_runner.request_handler.RequestHandler is web_runner.RequestHandler


def test_import_web_does_not_import_what_was_made_lazy() -> None:
    loaded = _modules_after("import aiostrata.web")
    assert "aiostrata.web" in loaded
    assert sorted(loaded & set(NOT_IMPORTED_BY_WEB)) == []


def test_the_lazy_modules_are_imported_when_their_names_are_used() -> None:
    loaded = _modules_after(
        textwrap.dedent(
            """
            from aiostrata.web import FileResponse, WebSocketResponse, WSMsgType, FileField
            from aiostrata.web import StaticResource, RequestHandler
            """
        )
    )
    for module in (
        "aiostrata.web_response.file_response",
        "aiostrata.web_response.websocket_response",
        "aiostrata.http_parser.ws_protocol",
        "aiostrata.web_request.file_field",
        "aiostrata.web_router.static_resources",
        "aiostrata.web_runner.request_handler",
        "aiostrata.http_parser.request_parser",
    ):
        assert module in loaded, module


def test_serving_loads_the_connection_protocol_at_setup() -> None:
    loaded = _modules_after(
        textwrap.dedent(
            """
            import asyncio
            from aiostrata import web

            async def main():
                runner = web.AppRunner(web.Application())
                await runner.setup()
                await runner.cleanup()

            asyncio.run(main())
            """
        )
    )
    assert "aiostrata.web_runner.request_handler" in loaded
    assert "aiostrata.http_parser.request_parser" in loaded

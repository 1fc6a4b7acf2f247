"""The server's own error pages follow Accept; its logs go to aiohttp's documented loggers."""

from __future__ import annotations

import logging

import pytest
from wire import ServeApp, exchange

from aiostrata.web_app import Application
from aiostrata.web_request import Request
from aiostrata.web_response import Response

PLAIN_500 = b"500 Internal Server Error\n\nServer got itself in trouble"


def _broken_app() -> Application:
    async def broken(request: Request) -> Response:
        raise RuntimeError("boom in the handler")

    async def ok(request: Request) -> Response:
        return Response(text="ok")

    app = Application()
    app.router.add_get("/broken", broken)
    app.router.add_get("/ok", ok)
    return app


def _get(path: str, *headers: str) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: t", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def test_a_500_is_plain_text_unless_html_is_accepted(serve_app: ServeApp) -> None:
    _, port = await serve_app(_broken_app())
    plain = await exchange(port, _get("/broken", "Accept: application/json"))
    bare = await exchange(port, _get("/broken"))
    html = await exchange(port, _get("/broken", "Accept: text/html,application/xhtml+xml"))
    for response in (plain, bare):
        assert response.startswith(b"HTTP/1.1 500 Internal Server Error\r\n")
        assert b"Content-Type: text/plain; charset=utf-8\r\n" in response
        assert response.endswith(b"\r\n\r\n" + PLAIN_500)
    assert b"Content-Type: text/html; charset=utf-8\r\n" in html
    assert b"<h1>500 Internal Server Error</h1>" in html
    assert b"boom" not in plain + bare + html  # no traceback without debug


async def test_in_debug_the_500_shows_the_traceback_in_either_form(serve_app: ServeApp) -> None:
    _, port = await serve_app(_broken_app(), debug=True)
    plain = await exchange(port, _get("/broken"))
    html = await exchange(port, _get("/broken", "Accept: text/html"))
    assert b"Traceback" in plain
    assert b"RuntimeError: boom in the handler" in plain
    assert b"<h2>Traceback:</h2>" in html
    assert b"<pre>" in html


@pytest.mark.parametrize(
    ("name", "role"),
    [("aiohttp.access", "access log"), ("aiohttp.server", "handler errors")],
)
async def test_logs_go_to_aiohttps_documented_logger_names(
    serve_app: ServeApp, caplog: pytest.LogCaptureFixture, name: str, role: str
) -> None:
    caplog.set_level(logging.DEBUG, logger=name)
    _, port = await serve_app(_broken_app(), access_log=logging.getLogger("aiohttp.access"))
    await exchange(port, _get("/broken"))
    await exchange(port, _get("/ok", "Connection: close"))
    records = [record for record in caplog.records if record.name == name]
    assert records, f"nothing logged to {name} ({role})"
    assert not [record for record in caplog.records if record.name.startswith("aiostrata")]


def test_the_default_loggers_have_aiohttps_names() -> None:
    from aiostrata.web_runner import log

    assert log.access_logger.name == "aiohttp.access"
    assert log.server_logger.name == "aiohttp.server"
    assert log.web_logger.name == "aiohttp.web"
    assert Application().logger.name == "aiohttp.web"


async def test_a_handler_timeout_is_a_504_that_says_so(serve_app: ServeApp) -> None:
    async def times_out(request: Request) -> Response:
        raise TimeoutError

    app = Application()
    app.router.add_get("/", times_out)
    _, port = await serve_app(app)
    response = await exchange(port, _get("/"))
    assert response.startswith(b"HTTP/1.1 504 Gateway Timeout\r\n")
    assert b"Content-Type: text/plain; charset=utf-8\r\n" in response
    assert response.endswith(b"\r\n\r\n504 Gateway Timeout\n\n")  # aiohttp's body is empty

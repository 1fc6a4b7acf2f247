"""``Application(handler_args=...)`` configures the connections an ``AppRunner`` serves."""

from __future__ import annotations

import zlib

from decoding_uploads import post
from wire import ServeApp, exchange

from aiostrata.web_app import Application
from aiostrata.web_request import Request
from aiostrata.web_response import Response

RAW = b"a body sent gzipped " * 50
GZIPPED = zlib.compress(RAW, wbits=31)


def _body_size_app(**app_kwargs: object) -> Application:
    async def size(request: Request) -> Response:
        return Response(text=str(len(await request.read())))

    app = Application(**app_kwargs)  # type: ignore[arg-type]
    app.router.add_post("/", size)
    return app


async def test_handler_args_turn_auto_decompress_off(serve_app: ServeApp) -> None:
    _, port = await serve_app(_body_size_app(handler_args={"auto_decompress": False}))
    request = post("/", GZIPPED, "Content-Encoding: gzip", "Connection: close")
    response = await exchange(port, request)
    assert response.endswith(b"\r\n\r\n" + str(len(GZIPPED)).encode())


async def test_without_handler_args_the_body_is_decoded(serve_app: ServeApp) -> None:
    _, port = await serve_app(_body_size_app())
    request = post("/", GZIPPED, "Content-Encoding: gzip", "Connection: close")
    response = await exchange(port, request)
    assert response.endswith(b"\r\n\r\n" + str(len(RAW)).encode())


async def test_handler_args_win_over_the_runners_keywords(serve_app: ServeApp) -> None:
    app = _body_size_app(handler_args={"max_field_size": 64})
    _, port = await serve_app(app, max_field_size=8190)
    long_header = "X-Long: " + "v" * 100
    response = await exchange(port, post("/", b"", long_header, "Connection: close"))
    assert response.startswith(b"HTTP/1.1 431 "), response[:80]

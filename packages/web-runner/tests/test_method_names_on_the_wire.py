"""Methods are case-sensitive tokens (RFC 9110 9.1): ``get`` is not GET, but it is a method.

aiohttp's parser refuses lower-case methods with a 400; we route them like any other
token, so a GET route answers ``get`` with 405 and Allow, and a ``*`` route serves it.
(docs/differences-from-aiohttp.md)
"""

from __future__ import annotations

from wire import ServeApp, exchange

from aiostrata.web_app import Application
from aiostrata.web_request import Request
from aiostrata.web_response import Response


async def _method(request: Request) -> Response:
    return Response(text=f"method={request.method}")


async def test_a_lower_case_method_is_routed_not_refused(serve_app: ServeApp) -> None:
    app = Application()
    app.router.add_get("/only-get", _method)
    app.router.add_route("*", "/any", _method)
    _, port = await serve_app(app)
    refused = await exchange(
        port, b"get /only-get HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
    )
    served = await exchange(port, b"get /any HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    assert refused.startswith(b"HTTP/1.1 405 Method Not Allowed\r\n")
    assert b"\r\nAllow: GET,HEAD\r\n" in refused
    assert served.startswith(b"HTTP/1.1 200 OK\r\n")
    assert served.endswith(b"method=get")

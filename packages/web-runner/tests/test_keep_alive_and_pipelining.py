"""Several requests on one connection, answered in order, over a real socket."""

from __future__ import annotations

import asyncio

from wire import ServeApp, exchange, read_response

from aiostrata.web_app import Application
from aiostrata.web_request import Request
from aiostrata.web_response import Response, StreamResponse, json_response


def make_app() -> Application:
    app = Application()

    async def hello(request: Request) -> Response:
        return Response(text=f"hello {request.match_info.get('name', 'world')}")

    async def echo(request: Request) -> Response:
        return Response(body=await request.read())

    async def as_json(request: Request) -> Response:
        return json_response({"path": request.path})

    app.router.add_get("/", hello)
    app.router.add_get("/hello/{name}", hello)
    app.router.add_post("/echo", echo)
    app.router.add_get("/json", as_json)
    return app


async def test_two_requests_share_one_keep_alive_connection(serve_app: ServeApp) -> None:
    _, port = await serve_app(make_app())
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        first = await read_response(reader)
        writer.write(b"GET /hello/ann HTTP/1.1\r\nHost: t\r\n\r\n")
        second = await read_response(reader)
    finally:
        writer.close()
    assert first.startswith(b"HTTP/1.1 200 OK\r\n")
    assert first.endswith(b"\r\n\r\nhello world")
    assert second.endswith(b"\r\n\r\nhello ann")


async def test_pipelined_requests_are_answered_in_order(serve_app: ServeApp) -> None:
    _, port = await serve_app(make_app())
    raw = (
        b"GET /hello/1 HTTP/1.1\r\nHost: t\r\n\r\n"
        b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nbody"
        b"GET /hello/3 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
    )
    data = await exchange(port, raw)
    assert data.count(b"HTTP/1.1 200 OK") == 3
    assert data.index(b"hello 1") < data.index(b"body") < data.index(b"hello 3")


async def test_chunked_request_body_is_reassembled(serve_app: ServeApp) -> None:
    _, port = await serve_app(make_app())
    raw = (
        b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
        b"Connection: close\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n"
    )
    data = await exchange(port, raw)
    assert data.startswith(b"HTTP/1.1 200 OK\r\n")
    assert data.endswith(b"\r\n\r\nabcde")


async def test_connection_close_ends_the_connection_after_the_response(
    serve_app: ServeApp,
) -> None:
    _, port = await serve_app(make_app())
    data = await exchange(port, b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    assert b"Connection: close" in data
    assert data.endswith(b"hello world")


async def test_http10_closes_by_default(serve_app: ServeApp) -> None:
    _, port = await serve_app(make_app())
    data = await exchange(port, b"GET / HTTP/1.0\r\n\r\n")
    assert data.startswith(b"HTTP/1.0 200 OK\r\n")
    assert data.endswith(b"hello world")


async def test_unread_body_is_discarded_before_the_next_request(serve_app: ServeApp) -> None:
    app = Application()

    async def ignore_body(request: Request) -> Response:
        return Response(text="ignored")

    app.router.add_post("/", ignore_body)
    app.router.add_get("/next", ignore_body)
    _, port = await serve_app(app)
    raw = (
        b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n0123456789"
        b"GET /next HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
    )
    data = await exchange(port, raw)
    assert data.count(b"HTTP/1.1 200 OK") == 2
    assert b"400" not in data.split(b"\r\n")[0]


async def test_json_response_over_the_wire(serve_app: ServeApp) -> None:
    _, port = await serve_app(make_app())
    data = await exchange(port, b"GET /json HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    assert b"Content-Type: application/json" in data
    assert data.endswith(b'{"path": "/json"}')


async def test_expect_100_continue_gets_an_interim_response_then_the_answer(
    serve_app: ServeApp,
) -> None:
    _, port = await serve_app(make_app())
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(
            b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"
        )
        interim = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
        writer.write(b"hello")
        response = await read_response(reader)
    finally:
        writer.close()
    assert response.startswith(b"HTTP/1.1 200 OK\r\n")
    assert response.endswith(b"hello")


async def test_unknown_expectation_is_417(serve_app: ServeApp) -> None:
    _, port = await serve_app(make_app())
    data = await exchange(
        port,
        b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\nExpect: teapot\r\n"
        b"Connection: close\r\n\r\n",
    )
    assert data.startswith(b"HTTP/1.1 417 Expectation Failed\r\n")


async def test_on_response_prepare_runs_for_each_app_on_the_path(serve_app: ServeApp) -> None:
    root = Application()
    sub = Application()

    async def handler(request: Request) -> Response:
        return Response(text="sub")

    async def mark(name: str, request: Request, response: StreamResponse) -> None:
        response.headers.add("X-Prepared-By", name)

    root.on_response_prepare.append(lambda req, resp: mark("root", req, resp))
    sub.on_response_prepare.append(lambda req, resp: mark("sub", req, resp))
    sub.router.add_get("/x", handler)
    root.add_subapp("/sub", sub)
    _, port = await serve_app(root)
    data = await exchange(port, b"GET /sub/x HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    assert b"X-Prepared-By: root\r\nX-Prepared-By: sub\r\n" in data


async def test_http_1_0_keep_alive_with_close_closes(serve_app: ServeApp) -> None:
    """RFC 9112 9.3: ``Connection: keep-alive, close`` on HTTP/1.0 closes after the answer."""
    app = Application()

    async def ok(request: Request) -> Response:
        return Response(text="ok")

    app.router.add_get("/", ok)
    _, port = await serve_app(app)
    for value in (b"keep-alive, close", b"close, keep-alive"):
        data = await exchange(port, b"GET / HTTP/1.0\r\nConnection: " + value + b"\r\n\r\n")
        assert data.startswith(b"HTTP/1.0 200 ")
        assert b"Keep-Alive" not in data.partition(b"\r\n\r\n")[0]
        assert data.endswith(b"ok")

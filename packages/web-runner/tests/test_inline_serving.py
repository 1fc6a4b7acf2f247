"""Requests answered inline from data_received behave as if each ran in a task of its own.

The connection drives a handler's coroutine itself until it first waits, then
hands it to the connection's task (see ``inline_driver``). These tests pin what a
handler can observe: the current task, timeouts, cancellation, context
variables, ordering of pipelined answers, and the middlewares and signals
around it.
"""

from __future__ import annotations

import asyncio
import contextvars
import socket
import struct

import pytest
from wire import ServeApp, exchange, read_response

import aiostrata.web_runner.request_handler as request_handler
from aiostrata.http_parser import AbstractStreamWriter
from aiostrata.web_app import Application, Handler, Request, middleware
from aiostrata.web_response import PreparingRequest, Response, StreamResponse

REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="unset")


@pytest.fixture(autouse=True, params=["inline", "task only"])
def serving_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test runs both ways: inline first, and with the task alone (the fallback)."""
    if request.param == "task only":
        monkeypatch.setattr(request_handler, "INLINE_AVAILABLE", False)
    return str(request.param)


def _get(path: str, *, close: bool = False) -> bytes:
    connection = b"Connection: close\r\n" if close else b""
    return b"GET " + path.encode() + b" HTTP/1.1\r\nHost: t\r\n" + connection + b"\r\n"


async def _keep_alive_exchange(port: int, paths: list[str]) -> list[bytes]:
    """One request at a time on one keep-alive connection; the answers in order."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    answers = []
    try:
        for path in paths:
            writer.write(_get(path))
            answers.append(await read_response(reader))
    finally:
        writer.close()
    return answers


def _body(answer: bytes) -> bytes:
    return answer.partition(b"\r\n\r\n")[2]


async def test_a_handler_that_never_waits_still_runs_in_the_requests_task(
    serve_app: ServeApp,
) -> None:
    app = Application()

    async def handler(request: Request) -> Response:
        task = asyncio.current_task()
        return Response(text=f"{task is not None} {task is request.task}")

    app.router.add_get("/", handler)
    _, port = await serve_app(app)
    answers = await _keep_alive_exchange(port, ["/", "/"])
    assert [_body(a) for a in answers] == [b"True True", b"True True"]


async def test_asyncio_timeout_works_before_and_across_a_wait(serve_app: ServeApp) -> None:
    app = Application()

    async def quick(request: Request) -> Response:
        async with asyncio.timeout(5):  # noqa: ASYNC100 - needs a current task, nothing waits
            return Response(text="quick")

    async def slow(request: Request) -> Response:
        async with asyncio.timeout(0.05):
            await asyncio.sleep(5)
        return Response(text="unreachable")

    app.router.add_get("/quick", quick)
    app.router.add_get("/slow", slow)
    _, port = await serve_app(app)
    answers = await _keep_alive_exchange(port, ["/quick", "/slow"])
    assert _body(answers[0]) == b"quick"
    assert answers[1].startswith(b"HTTP/1.1 504 ")
    assert b"Connection: close\r\n" in answers[1]


async def test_each_request_has_its_own_context(serve_app: ServeApp) -> None:
    app = Application()
    seen: list[str] = []

    @middleware
    async def tag(request: Request, handler: Handler) -> StreamResponse:
        seen.append(REQUEST_ID.get())  # never the previous request's value
        REQUEST_ID.set(request.query.get("id", "none"))
        return await handler(request)

    async def handler(request: Request) -> Response:
        before = REQUEST_ID.get()
        if "wait" in request.query:
            await asyncio.sleep(0.01)  # resumed by the connection's task
        return Response(text=f"{before} {REQUEST_ID.get()}")

    app.middlewares.append(tag)
    app.router.add_get("/", handler)
    _, port = await serve_app(app)
    answers = await _keep_alive_exchange(port, ["/?id=a", "/?id=b&wait=1", "/?id=c"])
    assert [_body(a) for a in answers] == [b"a a", b"b b", b"c c"]
    assert seen == ["unset", "unset", "unset"]


async def test_pipelined_answers_keep_their_order_when_one_waits(serve_app: ServeApp) -> None:
    app = Application()

    async def handler(request: Request) -> Response:
        delay = float(request.query.get("delay", "0"))
        if delay:
            await asyncio.sleep(delay)
        return Response(text=request.query["n"])

    app.router.add_get("/", handler)
    _, port = await serve_app(app)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(_get("/?n=1") + _get("/?n=2&delay=0.05") + _get("/?n=3") + _get("/?n=4"))
        bodies = [_body(await read_response(reader)) for _ in range(4)]
    finally:
        writer.close()
    assert bodies == [b"1", b"2", b"3", b"4"]


async def test_a_waiting_handler_is_cancelled_when_its_client_leaves(
    serve_app: ServeApp,
) -> None:
    app = Application()
    started = asyncio.Event()
    outcome: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    async def handler(request: Request) -> Response:
        started.set()
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            outcome.set_result("cancelled")
            raise
        outcome.set_result("finished")
        return Response(text="late")

    app.router.add_get("/", handler)
    _, port = await serve_app(app, handler_cancellation=True)
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(_get("/"))
    await asyncio.wait_for(started.wait(), 5)
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()  # linger 0: a reset, the client is gone at once
    assert await asyncio.wait_for(outcome, 5) == "cancelled"


async def test_middlewares_run_for_every_request_in_order(serve_app: ServeApp) -> None:
    calls: list[str] = []

    def recording(name: str) -> object:
        @middleware
        async def record(request: Request, handler: Handler) -> StreamResponse:
            calls.append(name)
            response = await handler(request)
            response.headers.add("X-Through", name)
            return response

        return record

    app = Application(middlewares=[recording("outer"), recording("inner")])

    async def handler(request: Request) -> Response:
        calls.append("handler")
        return Response(text="ok")

    app.router.add_get("/", handler)
    _, port = await serve_app(app)
    answers = await _keep_alive_exchange(port, ["/", "/", "/"])
    assert calls == ["outer", "inner", "handler"] * 3
    for answer in answers:
        assert b"X-Through: inner\r\nX-Through: outer\r\n" in answer


async def test_prepare_signal_receivers_see_every_response(serve_app: ServeApp) -> None:
    app = Application()

    async def stamp(request: Request, response: StreamResponse) -> None:
        response.headers["X-Stamped"] = request.path

    async def handler(request: Request) -> Response:
        return Response(text="ok")

    app.on_response_prepare.append(stamp)
    app.router.add_get("/{name}", handler)
    _, port = await serve_app(app)
    answers = await _keep_alive_exchange(port, ["/a", "/b"])
    assert b"X-Stamped: /a\r\n" in answers[0]
    assert b"X-Stamped: /b\r\n" in answers[1]


async def test_a_response_class_with_its_own_prepare_is_prepared_through_it(
    serve_app: ServeApp,
) -> None:
    class Branded(Response):
        async def prepare(self, request: PreparingRequest) -> AbstractStreamWriter | None:
            self.headers["X-Brand"] = "yes"
            return await super().prepare(request)

    app = Application()

    async def handler(request: Request) -> Response:
        return Branded(text="ok")

    app.router.add_get("/", handler)
    _, port = await serve_app(app)
    (answer,) = await _keep_alive_exchange(port, ["/"])
    assert b"X-Brand: yes\r\n" in answer
    assert _body(answer) == b"ok"


async def test_head_and_not_modified_answers_match_the_awaited_path(
    serve_app: ServeApp,
) -> None:
    app = Application()

    async def empty(request: Request) -> Response:
        return Response(status=304)

    async def text(request: Request) -> Response:
        return Response(text="12345")

    app.router.add_get("/empty", empty)
    app.router.add_get("/text", text)
    _, port = await serve_app(app)
    head = await exchange(port, b"HEAD /text HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    assert b"Content-Length: 5\r\n" in head
    assert head.endswith(b"\r\n\r\n")
    not_modified = await exchange(port, _get("/empty", close=True))
    assert not_modified.startswith(b"HTTP/1.1 304 ")
    assert b"Content-Length" not in not_modified
    assert not_modified.endswith(b"\r\n\r\n")


async def test_a_closing_request_is_answered_then_the_connection_closes(
    serve_app: ServeApp,
) -> None:
    app = Application()

    async def handler(request: Request) -> Response:
        return Response(text=request.version.__class__.__name__)

    app.router.add_get("/", handler)
    _, port = await serve_app(app)
    for request in (_get("/", close=True), b"GET / HTTP/1.0\r\n\r\n"):
        answer = await exchange(port, request)  # reads until the server closes
        assert answer.count(b"HTTP/1.") == 1
        assert _body(answer) == b"HttpVersion"


async def test_a_request_fed_from_inside_another_task_is_served_by_the_connection_task(
    serve_app: ServeApp,
) -> None:
    # Tests (and wrappers) may call data_received from a coroutine: the request
    # cannot run inline there, so the connection's task runs it, from its start.
    from aiostrata.web_runner import AppRunner

    seen: list[bool] = []
    app = Application()

    async def handler(request: Request) -> Response:
        seen.append(asyncio.current_task() is request.task)
        return Response(text="ok")

    app.router.add_get("/", handler)
    runner = AppRunner(app, access_log=None)
    await runner.setup()
    try:
        server = runner.server
        assert server is not None
        protocol = server()
        written: list[bytes] = []

        class Transport(asyncio.Transport):
            def write(self, data: bytes | bytearray | memoryview) -> None:
                written.append(bytes(data))

            def get_extra_info(self, name: str, default: object = None) -> object:
                return default

            def is_closing(self) -> bool:
                return False

            def get_write_buffer_size(self) -> int:
                return 0

        protocol.connection_made(Transport())
        for _ in range(3):
            await asyncio.sleep(0)  # the connection's task parks
        for _ in range(2):
            before = len(written)
            protocol.data_received(_get("/"))  # from this test's own task
            for _ in range(20):
                if len(written) > before:
                    break
                await asyncio.sleep(0)
            assert _body(b"".join(written[before:])) == b"ok"
        assert seen == [True, True]
        protocol.connection_lost(None)
    finally:
        await runner.cleanup()


async def test_a_shutdown_during_an_inline_request_closes_after_its_answer(
    serve_app: ServeApp,
) -> None:
    app = Application()
    protocols: list[object] = []

    async def handler(request: Request) -> Response:
        protocol = request.protocol
        assert isinstance(protocol, request_handler.RequestHandler)
        protocols.append(protocol)
        protocol.close()  # what a graceful shutdown does to each connection
        return Response(text="last")

    app.router.add_get("/", handler)
    _, port = await serve_app(app)
    answer = await exchange(port, _get("/"))  # reads until the server closes
    assert answer.count(b"HTTP/1.1 200") == 1
    assert b"Connection: close\r\n" in answer
    assert _body(answer) == b"last"

"""Whole responses leave together at the end of the event loop's pass, and never out of order.

A ``Response`` sent whole is held by its connection until the loop's pass ends
(see ``held_output``); these tests pin that nothing is lost or reordered by
that: pipelined answers, streamed answers after a held one, closes, the
client's half-close and a connection lost meanwhile.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from wire import ServeApp, exchange

from aiostrata.web_app import Application, Request
from aiostrata.web_response import Response, StreamResponse
from aiostrata.web_runner import AppRunner, TCPSite
from aiostrata.web_runner.held_output import EndOfPass


class RecordingTransport(asyncio.Transport):
    """Records writes and closes, in order, as ``("write", bytes)`` / ``("close", b"")``."""

    def __init__(self, *, tls: bool = False) -> None:
        super().__init__()
        self.events: list[tuple[str, bytes]] = []
        self._closing = False
        self._tls = tls

    def write(self, data: bytes | bytearray | memoryview) -> None:
        assert not self._closing, "write after close"
        self.events.append(("write", bytes(data)))

    def close(self) -> None:
        if not self._closing:
            self._closing = True
            self.events.append(("close", b""))

    def is_closing(self) -> bool:
        return self._closing

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        extra: dict[str, object] = {
            "peername": ("127.0.0.1", 40000),
            "sockname": ("127.0.0.1", 8080),
        }
        if self._tls:
            extra["sslcontext"] = object()
        return extra.get(name, default)

    def get_write_buffer_size(self) -> int:
        return 0

    def can_write_eof(self) -> bool:
        return not self._tls

    def write_eof(self) -> None:
        self.events.append(("write_eof", b""))

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def writes(self) -> list[bytes]:
        return [data for kind, data in self.events if kind == "write"]


def _get(path: str, *extra: str) -> bytes:
    head = f"GET {path} HTTP/1.1\r\nHost: t\r\n" + "".join(f"{h}\r\n" for h in extra)
    return head.encode() + b"\r\n"


@pytest.fixture
async def protocol_factory() -> AsyncIterator[Any]:
    app = Application()

    async def hello(request: Request) -> Response:
        return Response(text="hello " + request.query.get("n", ""))

    async def bye(request: Request) -> Response:
        response = Response(text="bye")
        response.force_close()
        return response

    app.router.add_get("/", hello)
    app.router.add_get("/bye", bye)
    runner = AppRunner(app, access_log=None)
    await runner.setup()
    assert runner.server is not None
    yield runner.server
    await runner.cleanup()


async def in_one_callback(action: Callable[[], None]) -> None:
    """Run ``action`` as the loop runs I/O callbacks: outside any task, in one pass."""
    loop = asyncio.get_running_loop()
    done = loop.create_future()

    def run() -> None:
        try:
            action()
        except BaseException as exc:
            done.set_exception(exc)
        else:
            done.set_result(None)

    loop.call_soon(run)
    await done


async def _connected(factory: Any, transport: RecordingTransport) -> Any:
    protocol = factory()
    protocol.connection_made(transport)
    await asyncio.sleep(0)  # the connection's task starts and parks
    return protocol


async def test_answers_of_one_pass_leave_together_at_its_end(protocol_factory: Any) -> None:
    transports = [RecordingTransport() for _ in range(3)]
    protocols = [await _connected(protocol_factory, t) for t in transports]
    seen_in_the_pass: list[list[bytes]] = []

    def one_pass() -> None:
        for n, protocol in enumerate(protocols):
            protocol.data_received(_get(f"/?n={n}"))
        seen_in_the_pass.extend(t.writes() for t in transports)

    await in_one_callback(one_pass)
    assert seen_in_the_pass == [[], [], []]  # held: the pass was not over
    await asyncio.sleep(0)
    for n, transport in enumerate(transports):
        (answer,) = transport.writes()  # one write each: head and body together
        assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
        assert answer.endswith(f"hello {n}".encode())


async def test_a_closing_answer_is_written_before_the_close(protocol_factory: Any) -> None:
    transport = RecordingTransport()
    protocol = await _connected(protocol_factory, transport)
    await in_one_callback(lambda: protocol.data_received(_get("/bye")))
    for _ in range(5):
        await asyncio.sleep(0)
    kinds = [kind for kind, _ in transport.events]
    assert kinds[0] == "write"
    assert "close" in kinds
    assert transport.events[0][1].endswith(b"bye")


@pytest.mark.parametrize("tls", [False, True], ids=["tcp", "tls"])
async def test_a_half_close_in_the_same_pass_does_not_lose_the_answer(
    protocol_factory: Any, tls: bool
) -> None:
    transport = RecordingTransport(tls=tls)
    protocol = await _connected(protocol_factory, transport)

    def request_then_half_close() -> None:
        protocol.data_received(_get("/"))
        if not protocol.eof_received():  # as asyncio does: close unless asked to keep it open
            transport.close()

    await in_one_callback(request_then_half_close)
    for _ in range(5):
        await asyncio.sleep(0)
    assert transport.events[0][0] == "write"
    assert transport.events[0][1].endswith(b"hello ")


async def test_a_connection_lost_before_the_pass_ends_drops_what_it_held(
    protocol_factory: Any,
) -> None:
    transport = RecordingTransport()
    protocol = await _connected(protocol_factory, transport)

    def request_then_reset() -> None:
        protocol.data_received(_get("/"))
        transport.close()
        protocol.connection_lost(ConnectionResetError())

    await in_one_callback(request_then_reset)
    await asyncio.sleep(0)
    assert transport.writes() == []


def test_one_failing_release_does_not_keep_the_others_back() -> None:
    loop = asyncio.new_event_loop()
    try:
        reported: list[dict[str, Any]] = []
        loop.set_exception_handler(lambda _, context: reported.append(context))
        released: list[str] = []

        class Connection:
            def __init__(self, name: str) -> None:
                self.name = name

            def release_output(self) -> None:
                if self.name == "broken":
                    raise RuntimeError("transport refused")
                released.append(self.name)

        batch = EndOfPass(loop)
        for name in ("a", "broken", "b"):
            batch.add(Connection(name))
        loop.run_until_complete(asyncio.sleep(0))
        assert released == ["a", "b"]
        assert [type(c["exception"]) for c in reported] == [RuntimeError]
        batch.add(Connection("c"))  # a new pass schedules a new release
        loop.run_until_complete(asyncio.sleep(0))
        assert released == ["a", "b", "c"]
    finally:
        loop.close()


async def test_pipelined_whole_and_streamed_answers_stay_in_order(serve_app: ServeApp) -> None:
    app = Application()

    async def whole(request: Request) -> Response:
        return Response(text="whole-" + request.query["n"])

    async def streamed(request: Request) -> StreamResponse:
        response = StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        await response.write(b"streamed-" + request.query["n"].encode())
        await response.write_eof()
        return response

    app.router.add_get("/whole", whole)
    app.router.add_get("/streamed", streamed)
    _, port = await serve_app(app)
    paths = ["/whole?n=1", "/streamed?n=2", "/whole?n=3", "/streamed?n=4", "/whole?n=5"]
    requests = b"".join(_get(p) for p in paths[:-1]) + _get(paths[-1], "Connection: close")
    answer = await exchange(port, requests)
    order = [
        answer.find(label)
        for label in (b"whole-1", b"streamed-2", b"whole-3", b"streamed-4", b"whole-5")
    ]
    assert -1 not in order
    assert order == sorted(order)


async def test_many_clients_in_one_pass_get_every_answer(serve_app: ServeApp) -> None:
    app = Application()

    async def hello(request: Request) -> Response:
        return Response(text=request.query["n"])

    app.router.add_get("/", hello)
    _, port = await serve_app(app)
    loop = asyncio.get_running_loop()
    clients = []
    for _ in range(20):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.setblocking(False)
        clients.append(sock)
    try:
        for round_ in range(3):
            for n, sock in enumerate(clients):  # all sent before the server reads any
                await loop.sock_sendall(sock, _get(f"/?n={round_}-{n}"))
            for n, sock in enumerate(clients):
                data = b""
                while not data.endswith(f"{round_}-{n}".encode()):
                    chunk = await asyncio.wait_for(loop.sock_recv(sock, 4096), 5)
                    assert chunk, "closed early"
                    data += chunk
                assert data.startswith(b"HTTP/1.1 200 OK\r\n")
    finally:
        for sock in clients:
            sock.close()


async def test_a_client_that_never_reads_its_answers_is_held_back() -> None:
    """Held answers still count for back-pressure: the server stops reading, its buffer stays
    bounded (each answer is checked against the transport once the one before it is out)."""
    app = Application()

    async def page(request: Request) -> Response:
        return Response(body=b"p" * 8192)

    app.router.add_get("/", page)
    runner = AppRunner(app, access_log=None)
    await runner.setup()
    site = TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        request = _get("/") * 64
        stalled = False
        for _ in range(20_000):  # 1.28 million requests at most: 10 GiB of answers
            writer.write(request)
            try:
                await asyncio.wait_for(writer.drain(), 0.5)
            except TimeoutError:
                stalled = True  # the server stopped reading
                break
        assert stalled
        assert runner.server is not None
        (connection,) = runner.server.connections
        assert connection.transport is not None
        assert connection.transport.get_write_buffer_size() < 2**20
        writer.transport.abort()
    finally:
        await runner.cleanup()

"""What a handler sees when a request body breaks, or is read too late: aiohttp's names."""

from __future__ import annotations

import asyncio
import zlib

from decoding_uploads import post
from wire import ServeApp, exchange, read_response

from aiostrata.http_parser import PayloadAccessError, RequestPayloadError, TransferEncodingError
from aiostrata.web_app import Application
from aiostrata.web_request import Request
from aiostrata.web_response import Response


def _app_reporting_body_errors(seen: list[BaseException]) -> Application:
    async def read_it(request: Request) -> Response:
        try:
            await request.read()
        except RequestPayloadError as exc:
            seen.append(exc)
            return Response(status=422, text=f"caught {type(exc).__name__}")
        return Response(text="read")

    app = Application()
    app.router.add_post("/", read_it)
    return app


async def test_a_corrupt_compressed_body_raises_request_payload_error(
    serve_app: ServeApp,
) -> None:
    seen: list[BaseException] = []
    _, port = await serve_app(_app_reporting_body_errors(seen))
    request = post("/", b"not gzip at all" * 20, "Content-Encoding: gzip", "Connection: close")
    response = await exchange(port, request)
    assert response.startswith(b"HTTP/1.1 422 "), response[:100]
    assert response.endswith(b"caught ContentEncodingError")
    assert len(seen) == 1
    assert "Corrupt gzip body" in str(seen[0])


async def test_a_truncated_compressed_body_raises_request_payload_error(
    serve_app: ServeApp,
) -> None:
    seen: list[BaseException] = []
    _, port = await serve_app(_app_reporting_body_errors(seen))
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    truncated = (compressor.compress(b"x" * 5000) + compressor.flush())[:-10]
    response = await exchange(
        port, post("/", truncated, "Content-Encoding: gzip", "Connection: close")
    )
    assert response.startswith(b"HTTP/1.1 422 "), response[:100]
    assert len(seen) == 1


async def test_broken_chunked_framing_midway_raises_request_payload_error(
    serve_app: ServeApp,
) -> None:
    seen: list[BaseException] = []
    _, port = await serve_app(_app_reporting_body_errors(seen))
    request = (
        b"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5\r\nhello\r\nzz\r\n"  # not a chunk size
    )
    response = await exchange(port, request)
    assert len(seen) == 1
    assert "Invalid chunk size" in str(seen[0])
    assert isinstance(seen[0], TransferEncodingError)  # the parser's class is kept too
    # The parser's own error is kept as the cause; the handler's answer still goes out.
    assert seen[0].__cause__ is not None
    assert response.startswith(b"HTTP/1.1 422 "), response[:100]


async def test_an_uncaught_body_error_is_still_the_clients_400(serve_app: ServeApp) -> None:
    async def read_it(request: Request) -> Response:
        return Response(body=await request.read())

    app = Application()
    app.router.add_post("/", read_it)
    _, port = await serve_app(app)
    response = await exchange(port, post("/", b"junk" * 10, "Content-Encoding: deflate"))
    assert response.startswith(b"HTTP/1.1 400 Bad Request\r\n"), response[:100]


async def test_reading_the_body_after_the_response_raises_payload_access_error(
    serve_app: ServeApp,
) -> None:
    kept: list[Request] = []
    late: asyncio.Future[BaseException | bytes] = asyncio.get_running_loop().create_future()

    async def keep_request(request: Request) -> Response:
        kept.append(request)
        return Response(text="answered without reading")

    async def read_late(request: Request) -> Response:
        try:
            late.set_result(await kept[0].read())
        except Exception as exc:  # the outcome is the assertion
            late.set_result(exc)
        return Response(text="done")

    app = Application()
    app.router.add_post("/keep", keep_request)
    app.router.add_get("/late", read_late)
    _, port = await serve_app(app)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(post("/keep", b"0123456789"))
        first = await read_response(reader)
        writer.write(b"GET /late HTTP/1.1\r\nHost: t\r\n\r\n")
        second = await read_response(reader)
    finally:
        writer.close()
    assert first.endswith(b"answered without reading")
    assert second.endswith(b"done")
    outcome = await asyncio.wait_for(late, 5)
    assert isinstance(outcome, PayloadAccessError), outcome

"""The README's "used alone" server really works: run its code over a real socket."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_namespace() -> dict[str, Any]:
    text = README.read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.S)
    assert code is not None
    namespace: dict[str, Any] = {"__name__": "readme_example"}
    exec(compile(code.group(1), str(README), "exec"), namespace)  # noqa: S102 - our own README
    return namespace


async def test_readme_server_answers_keeps_alive_and_refuses_bad_heads() -> None:
    hello = readme_namespace()["Hello"]
    server = await asyncio.get_running_loop().create_server(hello, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n")
        writer.write(b"Connection: close\r\n\r\n")
        data = await asyncio.wait_for(reader.read(), 5)
        writer.close()
        assert data.count(b"HTTP/1.1 200 OK\r\n") == 2
        assert data.endswith(b"hello\n")

        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")
        data = await asyncio.wait_for(reader.read(), 5)
        writer.close()
        assert data.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    finally:
        server.close()
        await server.wait_closed()

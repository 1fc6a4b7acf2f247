"""A static tree on disk and a way to run a static resource's handler for a raw path."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from router_fakes import make_request

from aiostrata.web_response import HTTPException, StreamResponse
from aiostrata.web_router import UrlDispatcher, UrlMappingMatchInfo


@dataclass
class StaticTree:
    """``root/`` is served; ``outside/`` next to it must never be."""

    root: Path
    outside: Path


def build_tree(tmp_path: Path) -> StaticTree:
    root = tmp_path / "root"
    outside = tmp_path / "outside"
    (root / "sub").mkdir(parents=True)
    (outside / "dir").mkdir(parents=True)
    (root / "a.txt").write_bytes(b"inside a")
    (root / "sub" / "b.txt").write_bytes(b"inside b")
    (outside / "secret.txt").write_bytes(b"secret")
    os.symlink(outside, root / "out_link")
    os.symlink(outside / "secret.txt", root / "secret_link.txt")
    os.symlink(root / "a.txt", root / "inner_link.txt")
    return StaticTree(root=root, outside=outside)


@dataclass
class HandlerRequest:
    """What a static handler reads from a request: its match info."""

    match_info: UrlMappingMatchInfo


async def fetch(router: UrlDispatcher, raw_path: str, method: str = "GET") -> StreamResponse:
    """Resolve *raw_path* and run the handler; an HTTP exception is returned, not raised."""
    match_info = await router.resolve(make_request(method, raw_path))
    try:
        response: StreamResponse = await match_info.handler(HandlerRequest(match_info))
        return response
    except HTTPException as exc:
        return exc

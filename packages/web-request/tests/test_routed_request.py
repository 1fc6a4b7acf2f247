"""Request: match_info, app and config_dict as set by routing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from requests_from_bytes import make_routed_request

from aiostrata.web_request import ChainMapProxy


class FakeSignal:
    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    async def send(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append(args)

    def __len__(self) -> int:
        return 1  # one receiver: the test itself


class FakeApp(dict[str, Any]):
    def __init__(self, **items: Any) -> None:
        super().__init__(items)
        self.on_response_prepare = FakeSignal()

    def __hash__(self) -> int:  # type: ignore[override]
        return id(self)


class FakeMatch(dict[str, str]):
    def __init__(self, apps: tuple[FakeApp, ...], current: FakeApp, **parts: str) -> None:
        super().__init__(parts)
        self.apps = apps
        self.current_app = current

    def __iter__(self) -> Iterator[str]:
        return super().__iter__()


async def test_match_info_before_routing_is_an_error() -> None:
    request = make_routed_request(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")
    with pytest.raises(RuntimeError):
        _ = request.match_info


async def test_app_and_config_dict_follow_the_match() -> None:
    root = FakeApp(db="root-db", name="root")
    child = FakeApp(name="child")
    request = make_routed_request(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")
    request._match_info = FakeMatch((root, child), child, id="7")
    assert request.match_info["id"] == "7"
    assert request.app is child
    config = request.config_dict
    assert isinstance(config, ChainMapProxy)
    assert config["name"] == "child"
    assert config["db"] == "root-db"
    assert "missing" not in config
    assert config.get("missing", 1) == 1
    with pytest.raises(TypeError):
        config["x"] = 1  # type: ignore[index]


async def test_prepare_hook_sends_on_response_prepare_for_each_app() -> None:
    root, child = FakeApp(), FakeApp()
    request = make_routed_request(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")
    request._match_info = FakeMatch((root, child), child)
    response: Any = object()
    await request.run_prepare_hooks(response)
    assert root.on_response_prepare.calls == [(request, response)]
    assert child.on_response_prepare.calls == [(request, response)]


async def test_clone_keeps_the_match() -> None:
    root = FakeApp()
    request = make_routed_request(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")
    request._match_info = FakeMatch((root,), root)
    assert request.clone(rel_url="/other").app is root


async def test_chain_map_proxy_cannot_be_subclassed() -> None:
    with pytest.raises(TypeError):

        class Sub(ChainMapProxy):  # type: ignore[misc]
            pass

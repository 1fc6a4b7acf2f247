"""Match infos: path variables as a dict, the application stack and its freezing."""

from __future__ import annotations

import pytest
from router_fakes import FakeApp, make_request, ok

from aiostrata.web_router import AbstractMatchInfo, UrlDispatcher, UrlMappingMatchInfo


async def _match(path: str = "/users/ann") -> UrlMappingMatchInfo:
    router = UrlDispatcher()
    router.add_get("/users/{name}", ok, name="user")
    return await router.resolve(make_request("GET", path))


async def test_match_info_is_a_dict_of_variables() -> None:
    match_info = await _match()
    assert isinstance(match_info, AbstractMatchInfo)
    assert match_info["name"] == "ann"
    assert match_info.get_info() == match_info.route.get_info()
    assert repr(match_info).startswith("<MatchInfo {'name': 'ann'}: <ResourceRoute [GET]")


async def test_expect_handler_belongs_to_the_route() -> None:
    match_info = await _match()
    assert match_info.expect_handler == match_info.route.handle_expect_header


async def test_apps_stack_puts_last_added_first_and_first_added_current() -> None:
    match_info = await _match()
    inner, outer = FakeApp("inner"), FakeApp("outer")
    match_info.add_app(inner)
    match_info.add_app(outer)
    assert match_info.apps == (outer, inner)
    assert match_info.current_app is inner


async def test_set_current_app_is_temporary() -> None:
    match_info = await _match()
    inner, outer = FakeApp("inner"), FakeApp("outer")
    match_info.add_app(inner)
    match_info.add_app(outer)
    with match_info.set_current_app(outer):
        assert match_info.current_app is outer
    assert match_info.current_app is inner
    match_info.current_app = outer
    assert match_info.current_app is outer


async def test_current_app_must_be_in_the_stack() -> None:
    match_info = await _match()
    match_info.add_app(FakeApp("app"))
    stranger = FakeApp("stranger")
    with pytest.raises(RuntimeError, match="Expected one of"), match_info.set_current_app(stranger):
        pass
    with pytest.raises(RuntimeError, match="Expected one of"):
        match_info.current_app = stranger


async def test_current_app_without_apps_is_an_error() -> None:
    match_info = await _match()
    with pytest.raises(RuntimeError, match="No application"):
        _ = match_info.current_app


async def test_freeze_forbids_add_app() -> None:
    match_info = await _match()
    match_info.add_app(FakeApp("app"))
    match_info.freeze()
    with pytest.raises(RuntimeError, match=r"after \.freeze\(\)"):
        match_info.add_app(FakeApp("late"))


async def test_error_match_info_also_carries_apps() -> None:
    match_info = await _match("/nowhere")
    app = FakeApp("app")
    match_info.add_app(app)
    assert match_info.apps == (app,)
    assert match_info.http_exception is not None

"""Class-based views: dispatch by method, 405 with the class's verbs, the request attribute."""

from __future__ import annotations

from typing import Any

import pytest
from router_fakes import make_request

from aiostrata.web_response import HTTPMethodNotAllowed, Response, StreamResponse
from aiostrata.web_router import AbstractView, UrlDispatcher, View


class ItemView(View):
    async def get(self) -> StreamResponse:
        return Response(text=f"get {self.request.rel_url.path}")

    async def post(self) -> StreamResponse:
        return Response(text="post", status=201)


async def _run(router: UrlDispatcher, method: str, path: str) -> Any:
    request = make_request(method, path)
    match_info = await router.resolve(request)
    return await match_info.handler(request)


async def test_view_dispatches_on_request_method() -> None:
    router = UrlDispatcher()
    router.add_view("/item", ItemView)
    get_response = await _run(router, "GET", "/item")
    assert get_response.text == "get /item"
    post_response = await _run(router, "POST", "/item")
    assert post_response.status == 201


async def test_route_handler_is_the_view_class() -> None:
    router = UrlDispatcher()
    route = router.add_route("*", "/item", ItemView)
    assert route.handler is ItemView
    assert (await router.resolve(make_request("DELETE", "/item"))).handler is ItemView


async def test_missing_verb_raises_405_with_the_class_verbs() -> None:
    router = UrlDispatcher()
    router.add_view("/item", ItemView)
    with pytest.raises(HTTPMethodNotAllowed) as caught:
        await _run(router, "DELETE", "/item")
    assert caught.value.allowed_methods == {"GET", "POST"}
    assert caught.value.headers["Allow"] == "GET,POST"


async def test_head_is_not_derived_from_get() -> None:
    router = UrlDispatcher()
    router.add_view("/item", ItemView)
    with pytest.raises(HTTPMethodNotAllowed):
        await _run(router, "HEAD", "/item")


async def test_unknown_method_raises_405_even_if_attribute_exists() -> None:
    class Odd(View):
        async def propfind(self) -> StreamResponse:
            return Response()

    router = UrlDispatcher()
    router.add_view("/odd", Odd)
    with pytest.raises(HTTPMethodNotAllowed) as caught:
        await _run(router, "PROPFIND", "/odd")
    assert caught.value.allowed_methods == set()


def test_view_keeps_its_request() -> None:
    request = make_request("GET", "/")
    item = ItemView(request)
    assert item.request is request
    assert isinstance(item, AbstractView)

"""The public names a runner uses on an application (``interfaces.ServableApplication``)."""

from __future__ import annotations

import asyncio

import pytest
from app_requests import call

from aiostrata.web_app import Application, Request
from aiostrata.web_response import Response


async def test_attach_loop_binds_the_app_and_its_sub_apps_to_one_loop() -> None:
    app, sub = Application(), Application()
    app.add_subapp("/sub", sub)
    loop = asyncio.get_running_loop()
    app.attach_loop(loop)
    app.attach_loop(None)  # None: the running loop, the same one
    other = asyncio.new_event_loop()
    try:
        with pytest.raises(RuntimeError, match="different loop"):
            sub.attach_loop(other)
    finally:
        other.close()


def test_handler_args_are_the_constructor_argument_or_empty() -> None:
    assert dict(Application().handler_args) == {}
    assert dict(Application(handler_args={"auto_decompress": False}).handler_args) == {
        "auto_decompress": False
    }


async def test_request_handler_and_factory_follow_subclass_overrides() -> None:
    built: list[str] = []

    with pytest.warns(DeprecationWarning, match="discouraged"):

        class Custom(Application):
            def _make_request(self, *args: object, **kwargs: object) -> Request:
                built.append("request")
                return super()._make_request(*args, **kwargs)  # type: ignore[arg-type]

    app = Custom()

    async def handler(request: Request) -> Response:
        return Response(text="ok")

    app.router.add_get("/", handler)
    response = await call(app, "GET", "/")
    assert isinstance(response, Response)
    assert response.text == "ok"
    assert built == ["request"]

"""``AioHTTPTestCase``: a unittest suite serving an aiostrata app, as aiohttp users write it."""

from __future__ import annotations

import unittest

import pytest

from aiostrata import web
from aiostrata.test_utils import AioHTTPTestCase, TestClient, TestServer, unittest_run_loop

hits_key = web.AppKey("hits_key", list[str])


class TestCounterApp(AioHTTPTestCase):
    async def get_application(self) -> web.Application:
        async def count(request: web.Request) -> web.Response:
            request.app[hits_key].append(request.path)
            return web.json_response({"hits": len(request.app[hits_key])})

        app = web.Application()
        app[hits_key] = []
        app.router.add_get("/count", count)
        return app

    async def test_the_client_reaches_the_app(self) -> None:
        async with self.client.get("/count") as response:
            assert response.status == 200
            assert await response.json() == {"hits": 1}

    async def test_each_test_gets_a_fresh_app_and_server(self) -> None:
        assert isinstance(self.server, TestServer)
        assert isinstance(self.client, TestClient)
        assert self.client.app is self.app
        assert self.app[hits_key] == []
        assert self.client.make_url("/x").port == self.server.port
        response = await self.client.get("/count")
        assert await response.json() == {"hits": 1}


class TestWithoutApplication(AioHTTPTestCase):
    __test__ = False  # run by the test below, which expects its set-up to fail

    async def test_placeholder_for_setup(self) -> None:
        raise AssertionError("asyncSetUp must fail before any test body runs")  # pragma: no cover


def test_a_case_without_get_application_fails_with_a_hint() -> None:
    result = unittest.TestResult()
    TestWithoutApplication("test_placeholder_for_setup").run(result)
    assert len(result.errors) == 1
    assert "Did you forget to define get_application()" in result.errors[0][1]


def test_the_server_is_closed_after_each_test() -> None:
    servers: list[TestServer] = []

    class Recording(TestCounterApp):
        async def test_records(self) -> None:
            servers.append(self.server)
            assert self.server.started

    result = unittest.TestResult()
    Recording("test_records").run(result)
    assert result.wasSuccessful(), result.errors + result.failures
    assert servers[0].closed


def test_set_up_async_overrides_run_around_the_client() -> None:
    seen: list[str] = []

    class WithHooks(TestCounterApp):
        async def setUpAsync(self) -> None:  # noqa: N802 - aiohttp's hook name
            await super().setUpAsync()
            seen.append(f"set up, client started: {self.server.started}")

        async def tearDownAsync(self) -> None:  # noqa: N802 - aiohttp's hook name
            await super().tearDownAsync()
            seen.append(f"torn down, server closed: {self.server.closed}")

        async def test_nothing_more(self) -> None:
            seen.append("test")

    result = unittest.TestResult()
    WithHooks("test_nothing_more").run(result)
    assert result.wasSuccessful(), result.errors + result.failures
    assert seen == ["set up, client started: True", "test", "torn down, server closed: True"]


def test_unittest_run_loop_is_kept_as_a_warning_no_op() -> None:
    async def method(self: object) -> None:
        raise AssertionError("never called here")  # pragma: no cover

    with pytest.warns(DeprecationWarning, match="unittest_run_loop"):
        assert unittest_run_loop(method) is method

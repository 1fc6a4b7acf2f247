"""The plugin as pytest loads it from the entry point, in pytest-asyncio's auto and strict modes.

Each test runs a small suite in a separate pytest run (``pytester``) and checks its outcome.
"""

from __future__ import annotations

import textwrap

import pytest

APP = """
from aiostrata import web


async def hello(request):
    return web.Response(text="hello")


def make_app():
    app = web.Application()
    app.router.add_get("/", hello)
    return app
"""

UNMARKED_SUITE = (
    APP
    + """

async def test_aiostrata_names(aiostrata_client, aiostrata_server, aiostrata_unused_port):
    client = await aiostrata_client(await aiostrata_server(make_app()))
    assert await (await client.get("/")).text() == "hello"
    assert aiostrata_unused_port() > 0


async def test_pytest_aiohttp_names(aiohttp_client, aiohttp_raw_server):
    client = await aiohttp_client(make_app())
    assert await (await client.get("/")).text() == "hello"
    raw = await aiohttp_client(await aiohttp_raw_server(hello))
    assert (await raw.get("/x")).status == 200
"""
)

MARKED_SUITE = "import pytest\n" + UNMARKED_SUITE.replace(
    "\nasync def test_", "\n@pytest.mark.asyncio\nasync def test_"
)


def _ini(pytester: pytest.Pytester, mode: str) -> None:
    pytester.makeini(
        textwrap.dedent(
            f"""
            [pytest]
            asyncio_mode = {mode}
            asyncio_default_fixture_loop_scope = function
            filterwarnings = error
            """
        )
    )


def test_auto_mode_runs_unmarked_async_tests_with_the_fixtures(pytester: pytest.Pytester) -> None:
    _ini(pytester, "auto")
    pytester.makepyfile(test_suite=UNMARKED_SUITE)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_strict_mode_runs_marked_async_tests_with_the_fixtures(pytester: pytest.Pytester) -> None:
    _ini(pytester, "strict")
    pytester.makepyfile(test_suite=MARKED_SUITE)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_pytest_aiohttps_own_fixtures_win_when_it_is_loaded(pytester: pytest.Pytester) -> None:
    """A plugin registered as pytest-aiohttp's keeps its names; ours stay under aiostrata_*."""
    _ini(pytester, "auto")
    pytester.makepyfile(
        pytest_aiohttp=textwrap.dedent(
            """
            import pytest

            @pytest.fixture
            def aiohttp_client():
                return "pytest-aiohttp's own fixture"
            """
        ),
        test_suite=APP
        + textwrap.dedent(
            """
            async def test_names(aiohttp_client, aiostrata_client):
                assert aiohttp_client == "pytest-aiohttp's own fixture"
                client = await aiostrata_client(make_app())
                assert (await client.get("/")).status == 200


            def test_no_alias_for_the_others(request):
                with __import__("pytest").raises(Exception, match="aiohttp_server"):
                    request.getfixturevalue("aiohttp_server")
            """
        ),
    )
    pytester.syspathinsert()
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-p", "pytest_aiohttp")
    result.assert_outcomes(passed=2)


def test_clients_and_servers_are_closed_after_each_test(pytester: pytest.Pytester) -> None:
    _ini(pytester, "auto")
    pytester.makepyfile(
        test_suite=APP
        + textwrap.dedent(
            """
            seen = []


            async def test_first(aiostrata_client):
                seen.append(await aiostrata_client(make_app()))


            def test_then(request):
                (client,) = seen
                assert client.closed
                assert client.server.closed
            """
        )
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_aiohttps_own_older_plugin_keeps_its_names_too(pytester: pytest.Pytester) -> None:
    """``-p aiohttp.pytest_plugin`` defines aiohttp_client for aiohttp apps: no alias then."""
    _ini(pytester, "auto")
    listed = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "-p", "aiohttp.pytest_plugin", "--fixtures"
    )
    assert listed.ret == 0
    output = listed.stdout.str()
    assert "fixtures defined from aiohttp.pytest_plugin" in output
    assert "fixtures defined from aiostrata.test_utils.pytest_plugin" in output
    assert "aiostrata.test_utils.aiohttp_fixture_names" not in output


def test_without_pytest_aiohttp_the_aliases_are_listed(pytester: pytest.Pytester) -> None:
    _ini(pytester, "auto")
    listed = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--fixtures")
    assert listed.ret == 0
    section = listed.stdout.str().split("fixtures defined from aiostrata.test_utils.aiohttp_f")[1]
    for name in ("aiohttp_client", "aiohttp_server", "aiohttp_raw_server", "aiohttp_unused_port"):
        assert name in section

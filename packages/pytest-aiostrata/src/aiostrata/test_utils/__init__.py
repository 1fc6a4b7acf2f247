"""aiohttp's ``test_utils`` for aiostrata: ``from aiostrata.test_utils import TestClient``.

Every name is the one ``aiohttp.test_utils`` has, so a test suite switches by its import line.
The pytest fixtures are in :mod:`aiostrata.test_utils.pytest_plugin`, loaded by pytest itself
once the ``pytest-aiostrata`` distribution is installed.
"""

from ._version import __version__
from .client import TestClient
from .loops import loop_context, setup_test_loop, teardown_test_loop, unused_port
from .mocking import make_mocked_coro, make_mocked_request
from .servers import BaseTestServer, RawTestServer, TestServer, get_port_socket
from .testcase import AioHTTPTestCase, unittest_run_loop

__all__ = (
    "AioHTTPTestCase",
    "BaseTestServer",
    "RawTestServer",
    "TestClient",
    "TestServer",
    "__version__",
    "get_port_socket",
    "loop_context",
    "make_mocked_coro",
    "make_mocked_request",
    "setup_test_loop",
    "teardown_test_loop",
    "unittest_run_loop",
    "unused_port",
)

"""The aiohttp installed here (whatever its version) has no web name aiostrata lacks.

``packages/web/tests/test_aiohttp_names.py`` checks the recorded 3.13 and 3.14 lists
without aiohttp; this catches a newer aiohttp adding a name before it is recorded
(``python3 tools/aiohttp_web_names.py <version>`` records it).
"""

from __future__ import annotations

import aiohttp
import aiohttp.web

import aiostrata.web


def test_every_name_of_the_installed_aiohttp_web_is_exported() -> None:
    missing = sorted(set(aiohttp.web.__all__) - set(aiostrata.web.__all__))
    assert missing == [], f"aiohttp {aiohttp.__version__} has names aiostrata.web lacks"

"""``aiostrata.web`` exports all of aiohttp's ``web.__all__``; each difference is on purpose.

aiohttp's lists (3.13 and the newest 3.14) are stored in ``aiohttp_web_all.json``,
written by ``tools/aiohttp_web_names.py`` from the released wheels, so this test
needs no aiohttp. A name aiohttp adds must be added here or listed below with
the reason it is left out; a name only we export must say why it is there.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import aiostrata.web as web

RECORDED: dict[str, list[str]] = json.loads(
    (Path(__file__).parent / "aiohttp_web_all.json").read_text()
)

# In aiohttp's web.__all__ but not in ours, and why. Empty: a drop-in misses nothing.
LEFT_OUT: dict[str, str] = {}

# In our web.__all__ but not in aiohttp's, and why.
ADDED: dict[str, str] = {
    "CleanupContext": "the type of app.cleanup_ctx; aiohttp has it in web_app only",
    "Domain": "host-based routing's resource; aiohttp has it in web_urldispatcher only",
    "MaskDomain": "wildcard host routing; aiohttp has it in web_urldispatcher only",
    "MatchedSubAppResource": "sub-app by domain; aiohttp has it in web_urldispatcher only",
    "Middleware": "the type of a middleware, for annotations (aiohttp: web_middlewares)",
    "PrefixResource": "base of static and sub-app resources (aiohttp: web_urldispatcher)",
    "ResourcesView": "what router.resources() returns (aiohttp: web_urldispatcher)",
    "RoutesView": "what router.routes() returns (aiohttp: web_urldispatcher)",
    "SystemRoute": "the route of a 404/405 match (aiohttp: web_urldispatcher)",
    "WSCloseCode": "aiohttp users import it from aiohttp; here the server's only home",
    "WSMessage": "what ws.receive() returns; aiohttp exports it from aiohttp, not aiohttp.web",
    "WSMessageTypeError": "raised by ws.receive_str() and friends (aiohttp: aiohttp)",
    "__version__": "the meta-package's version; there is no top-level aiostrata module",
}


@pytest.mark.parametrize("version", sorted(RECORDED))
def test_every_aiohttp_web_name_is_exported_or_left_out_on_purpose(version: str) -> None:
    missing = set(RECORDED[version]) - set(web.__all__)
    assert missing == set(LEFT_OUT) & set(RECORDED[version]), sorted(missing)


@pytest.mark.parametrize("version", sorted(RECORDED))
def test_every_name_aiohttp_lacks_is_added_on_purpose(version: str) -> None:
    # Names a later aiohttp added are exported for every version (3.14's RequestKey...).
    later = set().union(*RECORDED.values()) - set(RECORDED[version])
    extra = set(web.__all__) - set(RECORDED[version])
    assert extra == set(ADDED) | later, sorted(extra ^ (set(ADDED) | later))


def test_both_aiohttp_lines_are_recorded() -> None:
    minors = {".".join(version.split(".")[:2]) for version in RECORDED}
    assert {"3.13", "3.14"} <= minors


def test_every_exported_name_resolves() -> None:
    for name in web.__all__:
        assert getattr(web, name) is not None, name


def test_the_names_added_for_aiohttp_3_14_are_the_real_things() -> None:
    key = web.RequestKey("user", str)
    response = web.json_bytes_response({"a": 1}, dumps=lambda data: json.dumps(data).encode())
    assert repr(key) == f"<RequestKey({__name__}.user, type=str)>"
    assert isinstance(web.ResponseKey("x", int), web.ResponseKey)
    assert response.body == b'{"a": 1}'
    assert response.content_type == "application/json"
    assert issubclass(web.CleanupError, RuntimeError)
    assert issubclass(web.RequestPayloadError, Exception)
    assert issubclass(web.PayloadAccessError, Exception)

"""Sub-applications chosen by host: Domain / MaskDomain rules and MatchedSubAppResource."""

from __future__ import annotations

from typing import Any

import pytest
from router_fakes import FakeApp, make_request, ok, other

from aiostrata.web_router import Domain, MaskDomain, MatchedSubAppResource


@pytest.mark.parametrize(
    ("domain", "canonical"),
    [
        ("example.com", "example.com"),
        ("Example.COM.", "example.com"),
        ("example.com:80", "example.com"),
        ("example.com:8080", "example.com:8080"),
        ("пример.рф", "xn--e1afmkfd.xn--p1ai"),
    ],
)
def test_domain_is_normalized(domain: str, canonical: str) -> None:
    assert Domain(domain).canonical == canonical


@pytest.mark.parametrize(
    ("domain", "message"),
    [
        ("", "cannot be empty"),
        ("http://example.com", "Scheme not supported"),
        ("-bad.com", "not valid"),
        ("bad_.com", "not valid"),
        ("a..b", "not valid"),
        ("example.com/path", "not valid"),
    ],
)
def test_invalid_domains_are_rejected(domain: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Domain(domain)


def test_domain_must_be_a_string() -> None:
    bad: Any = 123
    with pytest.raises(TypeError, match="must be str"):
        Domain(bad)


async def test_domain_matches_host_case_insensitively() -> None:
    rule = Domain("example.com")
    assert await rule.match(make_request("GET", "/", host="EXAMPLE.com"))
    assert not await rule.match(make_request("GET", "/", host="www.example.com"))
    assert not await rule.match(make_request("GET", "/", host=""))
    assert rule.get_info() == {"domain": "example.com"}


def test_mask_domain_matches_subdomains() -> None:
    rule = MaskDomain("*.example.com")
    assert rule.canonical == r".*\.example\.com"
    assert rule.match_domain("api.example.com")
    assert rule.match_domain("a.b.Example.com")
    assert not rule.match_domain("example.com")
    assert not rule.match_domain("api.example.org")


async def test_matched_sub_app_wins_over_parent_routes_for_its_host() -> None:
    root, sub = FakeApp("root"), FakeApp("sub")
    parent_route = root.router.add_get("/", ok)
    sub_route = sub.router.add_get("/", other)
    resource = MatchedSubAppResource(Domain("api.example.com"), sub)
    root.router.register_resource(resource)

    on_api = await root.router.resolve(make_request("GET", "/", host="api.example.com"))
    assert on_api.route is sub_route
    assert on_api.apps == (sub,)
    elsewhere = await root.router.resolve(make_request("GET", "/", host="example.com"))
    assert elsewhere.route is parent_route
    assert elsewhere.apps == ()


async def test_matched_sub_app_answers_404_for_its_host() -> None:
    root, sub = FakeApp("root"), FakeApp("sub")
    root.router.add_get("/only-root", ok)
    root.router.register_resource(MatchedSubAppResource(MaskDomain("*.example.com"), sub))
    match_info = await root.router.resolve(make_request("GET", "/only-root", host="a.example.com"))
    assert match_info.http_exception is not None
    assert match_info.http_exception.status == 404
    assert match_info.apps == (sub,)


def test_matched_sub_app_introspection() -> None:
    sub = FakeApp("sub")
    rule = Domain("example.com")
    resource = MatchedSubAppResource(rule, sub)
    assert resource.canonical == "example.com"
    assert resource.get_info() == {"app": sub, "rule": rule}
    assert repr(resource) == "<MatchedSubAppResource -> <FakeApp sub>>"
    with pytest.raises(RuntimeError, match="sub-application root"):
        resource.url_for()

"""What a handler reads from the request line and the connection."""

from __future__ import annotations

import pytest
from requests_from_bytes import make_request
from yarl import URL

from aiostrata.http_parser import HttpVersion11
from aiostrata.web_request import RequestKey


async def test_path_query_and_url_come_from_the_target() -> None:
    request = make_request(b"GET /a%20b/c?x=1&y=2&x=3 HTTP/1.1\r\nHost: example.com:8080\r\n\r\n")
    assert request.method == "GET"
    assert request.version == HttpVersion11
    assert request.path == "/a b/c"
    assert request.raw_path == "/a%20b/c?x=1&y=2&x=3"
    assert request.path_qs == "/a%20b/c?x=1&y=2&x=3"
    assert request.query_string == "x=1&y=2&x=3"
    assert request.query.getall("x") == ["1", "3"]
    assert request.rel_url == URL("/a%20b/c?x=1&y=2&x=3")
    assert request.host == "example.com:8080"
    assert request.url == URL("http://example.com:8080/a%20b/c?x=1&y=2&x=3")


async def test_scheme_follows_the_transport_never_the_target() -> None:
    request = make_request(b"GET https://example.com/x HTTP/1.1\r\nHost: other\r\n\r\n")
    assert request.scheme == "http"
    assert request.secure is False
    assert str(request.url) == "http://example.com/x"
    tls = make_request(b"GET /x HTTP/1.1\r\nHost: example.com\r\n\r\n", tls=True)
    assert tls.scheme == "https"
    assert tls.secure is True


async def test_absolute_form_authority_wins_over_host_header() -> None:
    request = make_request(b"GET http://right.example/p HTTP/1.1\r\nHost: wrong.example\r\n\r\n")
    assert request.host == "right.example"
    assert request.path == "/p"


async def test_double_slash_path_never_becomes_the_host() -> None:
    request = make_request(b"GET //evil.example/x HTTP/1.1\r\nHost: good.example\r\n\r\n")
    assert request.url.host == "good.example"
    assert request.path == "//evil.example/x"


async def test_remote_is_the_peer_address() -> None:
    request = make_request(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")
    assert request.remote == "203.0.113.7"
    unix = make_request(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n", peername="")
    assert unix.remote == ""


async def test_clone_overrides_attributes_and_keeps_the_original() -> None:
    request = make_request(b"GET /old HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n\r\n")
    request["state"] = 1
    clone = request.clone(
        method="POST",
        rel_url="/new?q=1",
        headers={"X-B": "2"},
        scheme="https",
        host="other",
        remote="10.9.9.9",
    )
    assert (clone.method, clone.path, clone.query["q"]) == ("POST", "/new", "1")
    assert "X-A" not in clone.headers
    assert clone.headers["X-B"] == "2"
    assert (clone.scheme, clone.host, clone.remote) == ("https", "other", "10.9.9.9")
    assert str(clone.url) == "https://other/new?q=1"
    assert clone["state"] == 1
    assert (request.method, request.path, request.host) == ("GET", "/old", "h")


async def test_keep_alive_follows_connection_header_and_version() -> None:
    assert make_request(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n").keep_alive
    assert not make_request(b"GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").keep_alive
    assert not make_request(b"GET / HTTP/1.0\r\n\r\n").keep_alive
    assert make_request(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").keep_alive


async def test_request_is_a_mutable_mapping_of_state() -> None:
    request = make_request(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")
    request["user"] = "ann"
    assert dict(request.items()) == {"user": "ann"}
    del request["user"]
    assert len(request) == 0
    assert request
    assert request != make_request(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")
    assert repr(request) == "<BaseRequest GET / >"


async def test_request_state_takes_typed_request_keys() -> None:
    user = RequestKey("user", str)
    request = make_request(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")
    request[user] = "ann"
    request["plain"] = 1
    assert request[user] == "ann"
    assert sorted(request) == [user, "plain"]  # typed keys order before strings
    assert repr(user) == f"<RequestKey({__name__}.user, type=str)>"


async def test_deprecated_attributes_still_work_and_warn() -> None:
    request = make_request(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")
    with pytest.warns(DeprecationWarning, match="loop"):
        assert request.loop is not None
    with pytest.warns(DeprecationWarning, match="can_read_body"):
        assert request.has_body is False


async def test_get_extra_info_reads_the_transport() -> None:
    request = make_request(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")
    assert request.get_extra_info("peername") == ("203.0.113.7", 51000)
    assert request.get_extra_info("missing", "dflt") == "dflt"
    assert request.transport is not None


async def test_host_without_a_host_header_is_the_local_address() -> None:
    request = make_request(b"GET / HTTP/1.0\r\n\r\n")
    request.transport._extra["sockname"] = ("192.0.2.10", 8080)  # type: ignore[union-attr]
    assert request.host == "192.0.2.10"
    v6 = make_request(b"GET / HTTP/1.0\r\n\r\n")
    v6.transport._extra["sockname"] = ("::1", 8080, 0, 0)  # type: ignore[union-attr]
    assert v6.host == "[::1]"
    assert str(v6.url) == "http://[::1]/"

"""Choosing the request parser backend, and what the httptools backend does itself."""

from __future__ import annotations

import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiostrata.http_parser import (
    DEFAULT_PARSER,
    BodyData,
    Event,
    HttpRequestParser,
    ParseError,
    ParserLimits,
    RequestHead,
    make_request_parser,
)
from aiostrata.http_parser.backend_selection import NO_EXTENSIONS_VARIABLE, select_backend
from aiostrata.http_parser.compiled import compiled_in_use

httptools_backend = pytest.importorskip("aiostrata.http_parser.httptools_backend")
HttptoolsRequestParser = httptools_backend.HttptoolsRequestParser


def test_httptools_backend_is_selected_when_installed_and_not_disabled() -> None:
    # Unless this process runs the compiled parser: then that one (see compiled.py).
    expected = HttpRequestParser if compiled_in_use() else HttptoolsRequestParser
    assert select_backend({}) is expected
    assert select_backend({NO_EXTENSIONS_VARIABLE: ""}) is expected


@pytest.mark.parametrize("value", ["1", "yes", "0"])
def test_any_non_empty_no_extensions_variable_selects_pure_python(value: str) -> None:
    assert select_backend({NO_EXTENSIONS_VARIABLE: value}) is HttpRequestParser


def test_pure_python_is_selected_when_httptools_cannot_be_imported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "httptools", None)
    monkeypatch.delitem(sys.modules, "aiostrata.http_parser.httptools_backend", raising=False)
    assert select_backend({}) is HttpRequestParser


def test_make_request_parser_builds_the_default_backend_with_the_limits() -> None:
    limits = ParserLimits(max_headers=3)
    parser = make_request_parser(limits)
    assert type(parser) is DEFAULT_PARSER
    assert parser.limits is limits


def test_public_httprequestparser_stays_the_pure_python_class() -> None:
    assert HttpRequestParser.__module__ == "aiostrata.http_parser.request_parser"


def _refuse_pure_tokenizer(parser: HttpRequestParser, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(lines: list[bytes]) -> object:
        raise AssertionError("the line-by-line tokenizer was used")

    monkeypatch.setattr(parser, "_parse_message", fail)


def test_an_ordinary_head_never_takes_the_line_by_line_tokenizer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parser = HttptoolsRequestParser()
    _refuse_pure_tokenizer(parser, monkeypatch)
    events = parser.feed_data(
        b"POST /a?b=c HTTP/1.1\r\nHost: x\r\nX-Empty:\r\nX:  v \t\r\nContent-Length: 2\r\n\r\nok"
    )
    assert isinstance(events[0], RequestHead)
    message = events[0].message
    assert message.raw_headers == (
        (b"Host", b"x"),
        (b"X-Empty", b""),
        (b"X", b"v"),
        (b"Content-Length", b"2"),
    )
    assert message.url.query_string == "b=c"
    assert events[1] == BodyData(b"ok")


@pytest.mark.parametrize(
    "head",
    [
        b"get / HTTP/1.1\r\nHost: x\r\n\r\n",  # llhttp knows only upper-case registered methods
        b"X-CUSTOM / HTTP/1.1\r\nHost: x\r\n\r\n",
    ],
)
def test_heads_llhttp_refuses_but_the_policy_accepts_are_decided_by_the_shared_rules(
    head: bytes,
) -> None:
    events = HttptoolsRequestParser().feed_data(head)
    assert isinstance(events[0], RequestHead)
    assert events[0].message.method == head.split(b" ")[0].decode()


@pytest.mark.parametrize(
    "head",
    [
        b"GET  / HTTP/1.1\r\nHost: x\r\n\r\n",  # llhttp accepts two spaces
        b"GET /a#frag HTTP/1.1\r\nHost: x\r\n\r\n",  # and a fragment
        b"GET / HTTP/2.0\r\nHost: x\r\n\r\n",  # and HTTP/2.0
        b"GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",  # and a duplicate Host
    ],
)
def test_heads_llhttp_accepts_but_the_policy_refuses_are_refused(head: bytes) -> None:
    pure = HttpRequestParser().feed_data(head)
    fast = HttptoolsRequestParser().feed_data(head)
    assert isinstance(fast[-1], ParseError)
    assert isinstance(pure[-1], ParseError)
    assert (type(fast[-1].error), fast[-1].error.code, fast[-1].error.message) == (
        type(pure[-1].error),
        pure[-1].error.code,
        pure[-1].error.message,
    )


def _signature(events: list[Event]) -> list[object]:
    out: list[object] = []
    for event in events:
        if isinstance(event, ParseError):
            out.append((type(event.error), event.error.code, event.error.message))
        elif isinstance(event, RequestHead):
            out.append((event.message, tuple(event.message.headers.items()), event.has_body))
        else:
            out.append(event)
    return out


SEED_HEADS = [
    b"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
    b"POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc",
    b"PUT /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;x=y\r\na\r\n0\r\n\r\n",
    b"GET /w HTTP/1.0\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\n",
]
PIECES = st.sampled_from(
    [b"\r\n", b"\n", b"\r", b" ", b"\t", b":", b"\x00", b"\x7f", b"\xff", b"#"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(SEED_HEADS),
    edits=st.lists(st.tuples(st.integers(0, 200), PIECES | st.binary(max_size=3)), max_size=4),
)
def test_both_backends_return_the_same_events_for_mutated_requests(
    seed: bytes, edits: list[tuple[int, bytes]]
) -> None:
    data = seed
    for position, piece in edits:
        position %= len(data) + 1
        data = data[:position] + piece + data[position:]
    assert _signature(HttptoolsRequestParser().feed_data(data)) == _signature(
        HttpRequestParser().feed_data(data)
    )

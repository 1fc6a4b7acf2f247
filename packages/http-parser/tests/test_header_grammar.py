"""The shared header grammar: each formatter's output parses back to the value it was given."""

from __future__ import annotations

import datetime
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiostrata.http_parser.header_grammar import (
    QUOTED_STRING,
    TOKEN_CHARS,
    ETag,
    HeaderParamError,
    format_etag,
    format_http_date,
    format_parameterized,
    is_token,
    parse_byte_range,
    parse_content_type,
    parse_etag,
    parse_etag_list,
    parse_http_date,
    parse_parameterized,
    quote_if_needed,
    unquote_string,
)

tokens = st.text(alphabet=TOKEN_CHARS, min_size=1, max_size=12)
# Parameter values: any visible ASCII or Latin-1 text, spaces and tabs included, no CTLs.
visible = st.characters(min_codepoint=0x20, max_codepoint=0xFF).filter(
    lambda c: c != "\x7f" and not ("\x80" <= c < "\xa0")
)
param_values = st.text(alphabet=visible, max_size=20)
media_types = st.builds(lambda a, b: f"{a}/{b}".lower(), tokens, tokens)
param_names = tokens.map(str.lower)
param_maps = st.dictionaries(param_names, param_values, max_size=5)


@given(media_types, param_maps)
def test_parameters_survive_format_then_strict_parse(media: str, params: dict[str, str]) -> None:
    kind, parsed = parse_parameterized(format_parameterized(media, params), media_type=True)
    assert kind == media
    assert {p.name: p.value for p in parsed} == params


@given(media_types, param_maps)
def test_content_type_survives_format_then_parse(media: str, params: dict[str, str]) -> None:
    assert parse_content_type(format_parameterized(media, params)) == (media, tuple(params.items()))


@given(param_values)
def test_quoted_values_unquote_to_themselves(value: str) -> None:
    quoted = quote_if_needed(value)
    if is_token(value):
        assert quoted == value
    else:
        assert re.fullmatch(QUOTED_STRING, quoted)
        assert unquote_string(quoted) == value


def test_a_semicolon_inside_quotes_belongs_to_the_value() -> None:
    raw = 'text/plain; foo="a;b"; charset=utf-8'
    assert parse_content_type(raw) == ("text/plain", (("foo", "a;b"), ("charset", "utf-8")))
    assert format_parameterized("text/plain", {"foo": "a;b", "charset": "latin-1"}) == (
        'text/plain; foo="a;b"; charset=latin-1'
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ("application/octet-stream", ())),
        ("", ("application/octet-stream", ())),
        ("garbage", ("text/plain", ())),
        ("Text/HTML; Charset=UTF-8", ("text/html", (("charset", "UTF-8"),))),
        ('a/b; x="unclosed; y=1', ("a/b", (("x", "unclosed; y=1"),))),
        ("a/b; noequals; k=v; bad name=1", ("a/b", (("k", "v"),))),
        ("a/b; k=1; k=2", ("a/b", (("k", "1"),))),
    ],
)
def test_content_type_is_read_leniently(raw: str | None, expected: object) -> None:
    assert parse_content_type(raw) == expected


@pytest.mark.parametrize(
    "raw", ["a/b; noequals", 'a/b; x="open', 'a/b; x="q"tail', "a/b; bad name=1", "a/b\x00"]
)
def test_strict_parameters_refuse_what_lenient_skips(raw: str) -> None:
    with pytest.raises(HeaderParamError):
        parse_parameterized(raw, media_type=True)


def test_format_refuses_a_non_token_name_and_control_characters() -> None:
    with pytest.raises(ValueError, match="parameter name"):
        format_parameterized("a/b", {"bad name": "x"})
    with pytest.raises(ValueError, match="control characters"):
        format_parameterized("a/b", {"k": "line\r\nbreak"})


etag_values = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E).filter(lambda c: c != '"'),
    max_size=16,
).filter(lambda v: v != "*")


@given(etag_values, st.booleans())
def test_etag_survives_format_then_parse(value: str, weak: bool) -> None:
    tag = ETag(value, is_weak=weak)
    assert parse_etag(format_etag(tag)) == tag


@given(st.lists(st.tuples(etag_values, st.booleans()), min_size=1, max_size=5))
def test_etag_lists_survive_format_then_parse(items: list[tuple[str, bool]]) -> None:
    tags = tuple(ETag(v, is_weak=w) for v, w in items)
    assert parse_etag_list(" , ".join(format_etag(t) for t in tags)) == tags


def test_etag_list_star_and_absent_and_malformed() -> None:
    assert parse_etag_list(None) is None
    assert parse_etag_list(" * ") == (ETag("*"),)
    assert parse_etag_list('"a", junk, "b"') == (ETag("a"),)
    assert parse_etag('"a"b') is None
    with pytest.raises(ValueError, match="not a valid etag"):
        format_etag('a"b')


@given(
    st.datetimes(min_value=datetime.datetime(1970, 1, 1), max_value=datetime.datetime(9999, 1, 1))
)
def test_http_date_survives_format_then_parse(when: datetime.datetime) -> None:
    whole = when.replace(microsecond=0, tzinfo=datetime.UTC)
    assert parse_http_date(format_http_date(whole)) == whole


def test_http_date_reads_the_obsolete_forms_and_refuses_garbage() -> None:
    expected = datetime.datetime(1994, 11, 6, 8, 49, 37, tzinfo=datetime.UTC)
    assert parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT") == expected
    assert parse_http_date("Sun Nov  6 08:49:37 1994") == expected
    assert parse_http_date("not a date") is None
    assert parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT\u0660") is None


@given(st.integers(0, 10**18), st.integers(0, 10**18))
def test_byte_range_survives_format_then_parse(a: int, b: int) -> None:
    first, last = min(a, b), max(a, b)
    assert parse_byte_range(f"bytes={first}-{last}") == (first, last)
    assert parse_byte_range(f"BYTES={first}-") == (first, None)
    assert parse_byte_range(f"bytes=-{last}") == (None, last)


@pytest.mark.parametrize(
    "raw", ["bytes=-", "bytes=5-1", "bytes=0-1,3-4", "items=0-1", "bytes=\u0661-2", "bytes=1-2x"]
)
def test_byte_range_refuses_malformed(raw: str) -> None:
    with pytest.raises(HeaderParamError):
        parse_byte_range(raw)

"""encode_head remembers checked lines: warm or cold, the bytes and the refusals are the same."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiostrata.http_parser import UnsafeHeaderError, encode_head, serialize

TOKEN = st.text(
    alphabet="!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    min_size=1,
    max_size=20,
)
SAFE_VALUE = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x7f").filter(
        lambda c: c == "\t" or ord(c) >= 0x20
    ),
    max_size=40,
)
ANY_VALUE = st.text(max_size=40)


def _expected(status_line: str, fields: list[tuple[str, str]]) -> bytes:
    lines = [status_line, *(f"{name}: {value}" for name, value in fields)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "surrogateescape")


@given(fields=st.lists(st.tuples(TOKEN, SAFE_VALUE), max_size=8))
def test_safe_heads_encode_the_same_cold_and_warm(fields: list[tuple[str, str]]) -> None:
    serialize._LINE_CACHE.clear()
    cold = encode_head("HTTP/1.1 200 OK", fields)
    warm = encode_head("HTTP/1.1 200 OK", fields)
    assert cold == warm == _expected("HTTP/1.1 200 OK", fields)


@given(name=TOKEN, value=ANY_VALUE)
def test_unsafe_values_are_refused_even_after_safe_ones_were_cached(name: str, value: str) -> None:
    encode_head("HTTP/1.1 200 OK", [(name, "safe")])
    unsafe = any((ord(c) < 0x20 and c != "\t") or c == "\x7f" for c in value)
    if unsafe:
        with pytest.raises(UnsafeHeaderError):
            encode_head("HTTP/1.1 200 OK", [(name, value)])
        assert (name, value) not in serialize._LINE_CACHE
    else:
        assert encode_head("HTTP/1.1 200 OK", [(name, value)]).endswith(b"\r\n\r\n")


@pytest.mark.parametrize(
    "field",
    [("X-A", "a\r\nSet-Cookie: x"), ("Bad Name", "v"), ("X-A", "a\x00b"), ("", "v")],
)
def test_splitting_attempts_raise_before_any_line_is_kept(field: tuple[str, str]) -> None:
    serialize._LINE_CACHE.clear()
    with pytest.raises(UnsafeHeaderError):
        encode_head("HTTP/1.1 200 OK", [("Content-Type", "text/plain"), field])
    assert field not in serialize._LINE_CACHE


def test_an_unsafe_status_line_is_refused() -> None:
    with pytest.raises(UnsafeHeaderError):
        encode_head("HTTP/1.1 200 OK\r\nX: y", [])


def test_non_str_values_are_formatted_and_unhashable_ones_still_work() -> None:
    head = encode_head("HTTP/1.1 200 OK", [("X-Int", 5), ("X-List", ["a"])])  # type: ignore[list-item]
    assert head == b"HTTP/1.1 200 OK\r\nX-Int: 5\r\nX-List: ['a']\r\n\r\n"


def test_the_cache_stays_bounded() -> None:
    serialize._LINE_CACHE.clear()
    for index in range(serialize._LINE_CACHE_SIZE * 2 + 10):
        encode_head("HTTP/1.1 200 OK", [("X-Count", str(index))])
    assert len(serialize._LINE_CACHE) <= serialize._LINE_CACHE_SIZE
    long_value = "v" * (serialize._CACHED_VALUE_LENGTH + 1)
    encode_head("HTTP/1.1 200 OK", [("X-Long", long_value)])
    assert ("X-Long", long_value) not in serialize._LINE_CACHE

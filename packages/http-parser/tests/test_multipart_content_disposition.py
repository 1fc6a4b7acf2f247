"""Content-Disposition: names, RFC 8187 ``filename*``, RFC 2231 continuations, and warnings."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from multipart_bodies import form, reader_for

from aiostrata.http_parser import (
    BadContentDispositionHeader,
    BadContentDispositionParam,
    BodyPartReader,
    content_disposition_filename,
    parse_content_disposition,
)
from aiostrata.http_parser.content_disposition import content_disposition_header


def test_plain_form_data_header() -> None:
    assert parse_content_disposition('form-data; name="field"; filename="a b.txt"') == (
        "form-data",
        {"name": "field", "filename": "a b.txt"},
    )


def test_type_and_names_are_lower_cased_and_quotes_unescaped() -> None:
    disposition, params = parse_content_disposition('Attachment; FileName="a\\"b\\\\c"')
    assert disposition == "attachment"
    assert params == {"filename": 'a"b\\c'}


def test_filename_star_wins_over_filename() -> None:
    _, params = parse_content_disposition(
        "attachment; filename=\"fallback.txt\"; filename*=UTF-8''na%C3%AFve%20file.txt"
    )
    assert content_disposition_filename(params) == "naïve file.txt"


def test_filename_star_latin1_with_language() -> None:
    _, params = parse_content_disposition("attachment; filename*=iso-8859-1'en'%A3%20rates")
    assert content_disposition_filename(params) == "£ rates"


def test_rfc_2231_continuations_are_joined() -> None:
    _, params = parse_content_disposition(
        "attachment; filename*0*=utf-8''caf%C3%A9; filename*1=\" menu\"; filename*2=.pdf"
    )
    assert content_disposition_filename(params) == "café menu.pdf"


def test_raw_utf8_filename_as_browsers_send_it() -> None:
    _, params = parse_content_disposition('form-data; name="f"; filename="résumé.pdf"')
    assert content_disposition_filename(params) == "résumé.pdf"


def test_no_header_and_no_param() -> None:
    assert parse_content_disposition(None) == (None, {})
    assert content_disposition_filename({}) is None
    assert content_disposition_filename({"name": "x"}) is None


@pytest.mark.parametrize("header", ['"quoted-type"; name=x', "; name=x", "a b; name=x"])
def test_bad_type_warns_header(header: str) -> None:
    with pytest.warns(BadContentDispositionHeader):
        assert parse_content_disposition(header) == (None, {})


@pytest.mark.parametrize(
    "header",
    [
        "attachment; filename",
        'attachment; filename="unterminated',
        'attachment; filename="a"junk',
        "attachment; file name=x",
        "attachment; filename*=no-quotes",
        "attachment; filename*=unknown-charset''x",
        "attachment; filename*=utf-8''%FF",
        "attachment; filename*=\"utf-8''quoted\"",
        'attachment; filename="a"; filename="b"',
    ],
)
def test_bad_param_warns_param(header: str) -> None:
    with pytest.warns(BadContentDispositionParam):
        assert parse_content_disposition(header) == (None, {})


async def test_part_name_and_filename_star_from_the_wire() -> None:
    head = (
        'Content-Disposition: form-data; name="upload"; filename="x.txt"; '
        "filename*=utf-8''%E2%82%AC.txt"
    )
    part = await reader_for(form((head, b"data"))).next()
    assert isinstance(part, BodyPartReader)
    assert part.name == "upload"
    assert part.filename == "€.txt"


async def test_part_with_bad_disposition_has_no_name_and_warns() -> None:
    part = await reader_for(
        form(('Content-Disposition: form-data; name="a"; name="b"', b"x"))
    ).next()
    assert isinstance(part, BodyPartReader)
    with pytest.warns(BadContentDispositionParam):
        assert part.name is None


def test_header_builder_refuses_injection() -> None:
    with pytest.raises(ValueError, match="control"):
        content_disposition_header("form-data", name="a\r\nX-Injected: 1")
    with pytest.raises(ValueError, match="parameter name"):
        content_disposition_header("form-data", True, "utf-8", **{"bad name": "x"})
    with pytest.raises(ValueError, match="type"):
        content_disposition_header("form data")


@settings(max_examples=200, deadline=None)
@given(name=st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40))
def test_built_header_parses_back_to_the_same_name(name: str) -> None:
    header = content_disposition_header("form-data", name="field", filename=name)
    disposition, params = parse_content_disposition(header)
    assert disposition == "form-data"
    assert content_disposition_filename(params, "name") == "field"
    assert content_disposition_filename(params) == name

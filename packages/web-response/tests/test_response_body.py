"""Response bodies given as text or bytes, their content type, and the state mapping."""

from __future__ import annotations

import pytest
from _web_response_testkit import send

from aiostrata.web_response import Response, StreamResponse


def test_text_defaults_to_utf8_plain_text() -> None:
    response = Response(text="héllo")
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.body == "héllo".encode()
    assert response.text == "héllo"
    assert response.content_type == "text/plain"
    assert response.charset == "utf-8"


def test_text_with_content_type_and_charset() -> None:
    response = Response(text="héllo", content_type="text/html", charset="latin-1")
    assert response.headers["Content-Type"] == "text/html; charset=latin-1"
    assert response.body == "héllo".encode("latin-1")
    assert response.text == "héllo"


def test_text_with_content_type_header_uses_its_charset() -> None:
    response = Response(text="é", headers={"Content-Type": "text/html; charset=latin-1"})
    assert response.body == b"\xe9"


def test_body_with_content_type() -> None:
    response = Response(body=b"\x00\x01", content_type="application/x-thing")
    assert response.headers["Content-Type"] == "application/x-thing"
    response = Response(body=b"{}", content_type="application/json", charset="utf-8")
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"


async def test_bytes_body_without_content_type_is_octet_stream_on_the_wire() -> None:
    wire = await send(Response(body=b"raw"))
    assert wire.get("Content-Type") == "application/octet-stream"
    assert wire.body == b"raw"


@pytest.mark.parametrize("body", [bytearray(b"abc"), memoryview(b"abc")])
async def test_bytearray_and_memoryview_bodies(body: bytearray | memoryview) -> None:
    response = Response(body=body)
    assert response.content_length == 3
    assert response.text == "abc"
    assert (await send(response)).body == b"abc"


def test_str_body_is_encoded_as_utf8_text() -> None:
    response = Response(body="héllo")
    assert response.body == "héllo".encode()
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_str_body_uses_declared_charset() -> None:
    response = Response(headers={"Content-Type": "text/plain; charset=latin-1"})
    response.body = "é"
    assert response.body == b"\xe9"


def test_unsupported_body_type_is_refused() -> None:
    with pytest.raises(ValueError, match="Unsupported body type"):
        Response(body=123)  # type: ignore[arg-type]


def test_body_and_text_together_are_refused() -> None:
    with pytest.raises(ValueError, match="body and text"):
        Response(body=b"x", text="x")


def test_text_must_be_str() -> None:
    with pytest.raises(TypeError, match="text argument must be str"):
        Response(text=b"bytes")  # type: ignore[arg-type]
    response = Response()
    with pytest.raises(TypeError, match="text argument must be str"):
        response.text = b"bytes"  # type: ignore[assignment]


@pytest.mark.parametrize("params", [{"content_type": "text/html"}, {"charset": "utf-8"}])
def test_content_type_header_and_params_together_are_refused(params: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="forbidden"):
        Response(text="x", headers={"Content-Type": "text/plain"}, **params)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="forbidden"):
        Response(body=b"x", headers={"Content-Type": "text/plain"}, **params)  # type: ignore[arg-type]


def test_charset_inside_content_type_argument_is_refused_with_text() -> None:
    with pytest.raises(ValueError, match="charset must not be in content_type"):
        Response(text="x", content_type="text/plain; charset=utf-8")


def test_text_setter_makes_octet_stream_into_plain_text() -> None:
    response = Response()
    response.text = "hi"
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.body == b"hi"


def test_text_setter_keeps_existing_content_type() -> None:
    response = Response(body=b"", content_type="text/html")
    response.text = "<p>"
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"


def test_text_none_clears_body() -> None:
    response = Response(text="x")
    response.text = None
    assert response.body is None
    assert response.text is None


async def test_body_changed_after_construction_is_sent() -> None:
    response = Response(text="old")
    response.body = b"brand new"
    wire = await send(response)
    assert wire.body == b"brand new"
    assert wire.get("Content-Length") == "9"


def test_responses_are_dict_like_for_sharing_state() -> None:
    response = StreamResponse()
    assert len(response) == 0
    response["user"] = "alice"
    assert response["user"] == "alice"
    assert list(response) == ["user"]
    assert "user" in response
    assert response.get("missing") is None
    del response["user"]
    assert len(response) == 0
    with pytest.raises(KeyError):
        _ = response["user"]


def test_a_fresh_response_reads_as_an_empty_mapping() -> None:
    response = Response()
    assert list(response) == []
    assert "user" not in response
    with pytest.raises(KeyError):
        _ = response["user"]
    with pytest.raises(KeyError):
        del response["user"]
    assert response.setdefault("user", "bob") == "bob"
    assert dict(response.items()) == {"user": "bob"}
    assert dict(Response().items()) == {}  # state is never shared between responses


def test_empty_response_is_truthy() -> None:
    assert StreamResponse()
    assert Response()


def test_responses_compare_and_hash_by_identity() -> None:
    a, b = Response(text="x"), Response(text="x")
    assert a != b
    assert a == a
    assert len({a, b}) == 2


def test_subclassing_with_extra_attributes_works() -> None:
    class Mine(Response):
        def __init__(self) -> None:
            super().__init__(text="mine")
            self.extra = 1

    assert Mine().extra == 1

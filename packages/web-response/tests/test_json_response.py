"""json_response() serializes data, or passes given text/body through, as JSON."""

from __future__ import annotations

import json

import pytest
from _web_response_testkit import send

from aiostrata.web_response import Response, ResponseKey, json_bytes_response, json_response


async def test_data_is_serialized_with_json_content_type() -> None:
    response = json_response({"a": [1, 2]})
    assert isinstance(response, Response)
    wire = await send(response)
    assert wire.get("Content-Type") == "application/json; charset=utf-8"
    assert json.loads(wire.body) == {"a": [1, 2]}
    assert wire.get("Content-Length") == str(len(wire.body))


def test_none_is_sent_as_null() -> None:
    assert json_response(None).text == "null"


def test_no_data_gives_empty_body() -> None:
    assert json_response().body is None


def test_custom_dumps_is_used() -> None:
    response = json_response({"b": 1, "a": 2}, dumps=lambda d: json.dumps(d, sort_keys=True))
    assert response.text == '{"a": 2, "b": 1}'


def test_text_is_passed_through() -> None:
    response = json_response(text='{"x": 1}')
    assert response.text == '{"x": 1}'
    assert response.content_type == "application/json"


def test_body_is_passed_through() -> None:
    response = json_response(body=b'{"x": 1}')
    assert response.body == b'{"x": 1}'
    assert response.headers["Content-Type"] == "application/json"


def test_status_reason_headers_and_content_type() -> None:
    response = json_response(
        [],
        status=201,
        reason="Made",
        headers={"X-A": "1"},
        content_type="application/problem+json",
    )
    assert (response.status, response.reason) == (201, "Made")
    assert response.headers["X-A"] == "1"
    assert response.content_type == "application/problem+json"


@pytest.mark.parametrize("extra", [{"text": "{}"}, {"body": b"{}"}])
def test_data_with_text_or_body_is_refused(extra: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="only one of data, text, or body"):
        json_response({"a": 1}, **extra)  # type: ignore[arg-type]


def test_unserializable_data_raises_from_dumps() -> None:
    with pytest.raises(TypeError):
        json_response(object())


async def test_json_bytes_response_sends_the_encoders_bytes_as_they_are() -> None:
    calls: list[object] = []

    def dumps(data: object) -> bytes:
        calls.append(data)
        return json.dumps(data, separators=(",", ":")).encode()

    response = json_bytes_response({"a": [1, 2]}, dumps=dumps, status=201)
    wire = await send(response)
    assert calls == [{"a": [1, 2]}]
    assert wire.status_line == "HTTP/1.1 201 Created"
    assert wire.body == b'{"a":[1,2]}'
    assert wire.get("Content-Type") == "application/json"


def test_json_bytes_response_takes_a_body_or_data_not_both() -> None:
    assert json_bytes_response(body=b"[]", dumps=bytes).body == b"[]"
    with pytest.raises(ValueError, match="only one of data or body"):
        json_bytes_response([], body=b"[]", dumps=lambda data: b"[]")


def test_response_state_takes_typed_response_keys() -> None:
    seen = ResponseKey("seen", bool)
    response = Response()
    response[seen] = True
    assert response[seen] is True
    assert list(response) == [seen]

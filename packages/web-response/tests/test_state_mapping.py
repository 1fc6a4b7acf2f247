"""The state mapping shared by applications, requests and responses, through a response."""

from __future__ import annotations

import pytest

from aiostrata.web_response import ResponseKey, StateKey, StateMapping, StreamResponse


def test_a_response_holds_no_dict_until_the_first_write() -> None:
    response = StreamResponse()
    key = ResponseKey("trace", str)
    assert len(response) == 0
    assert list(response) == []
    assert key not in response
    assert response.get(key) is None
    assert response.get(key, "fallback") == "fallback"
    with pytest.raises(KeyError):
        response[key]
    with pytest.raises(KeyError):
        del response["missing"]
    response[key] = "t-1"
    response["plain"] = 2
    assert response[key] == "t-1"
    assert list(response.items()) == [(key, "t-1"), ("plain", 2)]
    assert response.pop("plain") == 2
    assert response.setdefault(key, "other") == "t-1"


def test_identity_equality_and_truth_do_not_follow_the_state() -> None:
    first, second = StreamResponse(), StreamResponse()
    assert first != second
    assert first == first
    assert bool(StreamResponse())
    assert len({first, second}) == 2


class Guarded(StateMapping):
    """A mapping that vets writes, as an application does."""

    _guards_state = True

    def __init__(self) -> None:
        self._state = {}
        self.vetted: list[tuple[object, bool]] = []

    def _check_state_write(self, key: str | StateKey[object], *, deleting: bool) -> None:
        if key == "forbidden":
            raise KeyError("refused")
        self.vetted.append((key, deleting))


def test_a_guarded_mapping_sees_every_write_and_delete_first() -> None:
    mapping = Guarded()
    mapping["a"] = 1
    del mapping["a"]
    with pytest.raises(KeyError, match="refused"):
        mapping["forbidden"] = 1
    assert "forbidden" not in mapping
    assert mapping.vetted == [("a", False), ("a", True)]

"""permessage-deflate negotiation from Sec-WebSocket-Extensions (RFC 7692 5, 7.1)."""

from __future__ import annotations

import pytest

from aiostrata.http_parser import DeflateDirection, DeflateParams, negotiate_permessage_deflate


def negotiate(*values: str) -> DeflateParams | None:
    return negotiate_permessage_deflate(values)


def test_a_bare_offer_is_accepted_with_defaults() -> None:
    params = negotiate("permessage-deflate")
    assert params == DeflateParams()
    assert params is not None
    assert params.header_value() == "permessage-deflate"


def test_no_header_or_other_extensions_mean_no_compression() -> None:
    assert negotiate() is None
    assert negotiate("x-webkit-deflate-frame") is None
    assert negotiate("") is None


def test_every_parameter_is_accepted_and_echoed() -> None:
    params = negotiate(
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover;"
        " server_max_window_bits=10; client_max_window_bits=12"
    )
    assert params == DeflateParams(True, True, 10, 12)
    assert params.header_value() == (
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover;"
        " server_max_window_bits=10; client_max_window_bits=12"
    )


def test_client_max_window_bits_without_a_value_is_not_echoed() -> None:
    params = negotiate("permessage-deflate; client_max_window_bits")
    assert params == DeflateParams()
    assert params is not None
    assert "client_max_window_bits" not in params.header_value()


def test_quoted_values_are_accepted_when_they_are_tokens() -> None:
    assert negotiate('permessage-deflate; server_max_window_bits="11"') == DeflateParams(
        server_max_window_bits=11
    )


def test_names_are_matched_ascii_case_insensitively() -> None:
    assert negotiate("PerMessage-Deflate; Server_No_Context_Takeover") == DeflateParams(
        server_no_context_takeover=True
    )


@pytest.mark.parametrize(
    "bad_offer",
    [
        "permessage-deflate; unknown_param",
        "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
        "permessage-deflate; client_max_window_bits=10; client_max_window_bits=11",
        "permessage-deflate; server_no_context_takeover=1",
        "permessage-deflate; client_no_context_takeover=true",
        "permessage-deflate; server_max_window_bits",
        "permessage-deflate; server_max_window_bits=16",
        "permessage-deflate; server_max_window_bits=7",
        "permessage-deflate; server_max_window_bits=010",
        "permessage-deflate; server_max_window_bits=+9",
        "permessage-deflate; client_max_window_bits=0",
        "permessage-deflate; client_max_window_bits=abc",
        'permessage-deflate; server_max_window_bits="1 0"',
        "permessage-deflate; =10",
        "permessage-deflate;; server_no_context_takeover",
    ],
)
def test_an_invalid_offer_is_declined_and_the_connection_runs_uncompressed(
    bad_offer: str,
) -> None:
    assert negotiate(bad_offer) is None


def test_server_window_of_8_bits_is_declined_because_zlib_cannot_honour_it() -> None:
    assert negotiate("permessage-deflate; server_max_window_bits=8") is None


def test_client_window_of_8_bits_is_fine_for_our_inflater() -> None:
    assert negotiate("permessage-deflate; client_max_window_bits=8") == DeflateParams(
        client_max_window_bits=8
    )


def test_a_declined_offer_falls_back_to_the_next_one() -> None:
    params = negotiate(
        "permessage-deflate; server_max_window_bits=8, permessage-deflate; client_max_window_bits"
    )
    assert params == DeflateParams()


def test_offers_may_come_in_several_field_lines() -> None:
    assert negotiate("x-foo", "permessage-deflate; server_no_context_takeover") == DeflateParams(
        server_no_context_takeover=True
    )


def test_the_first_acceptable_offer_wins() -> None:
    params = negotiate(
        "permessage-deflate; server_max_window_bits=12,"
        " permessage-deflate; server_max_window_bits=9"
    )
    assert params == DeflateParams(server_max_window_bits=12)


def test_commas_inside_quoted_strings_do_not_split_offers() -> None:
    assert negotiate('x-foo; p="a,b", permessage-deflate') == DeflateParams()


def test_each_side_uses_its_own_direction() -> None:
    params = DeflateParams(
        server_no_context_takeover=True,
        client_no_context_takeover=False,
        server_max_window_bits=10,
        client_max_window_bits=None,
    )
    assert params.outbound(is_server=True) == DeflateDirection(10, True)
    assert params.inbound(is_server=True) == DeflateDirection(15, False)
    assert params.outbound(is_server=False) == DeflateDirection(15, False)
    assert params.inbound(is_server=False) == DeflateDirection(10, True)

"""Entity tags (RFC 9110 8.8.3) as small frozen values.

A response's ``etag`` property and a request's ``If-Match``/``If-None-Match``
parsing share this type, so the conditional-request code compares like with
like. The grammar lives in :mod:`aiostrata.http_parser.header_grammar`; this
module names it for the response side.
"""

from __future__ import annotations

from aiostrata.http_parser.header_grammar import (
    ETAG_ANY,
    ETag,
    format_etag,
    parse_etag,
    validate_etag_value,
)

__all__ = ("ETAG_ANY", "ETag", "format_etag", "parse_etag", "validate_etag_value")

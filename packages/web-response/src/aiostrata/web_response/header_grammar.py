"""The shared header grammar, for the packages above web-response that may not import http-parser.

web-router depends on web-response only, yet validates methods as RFC 9110
tokens; it reads the one token rule of
:mod:`aiostrata.http_parser.header_grammar` through this module instead of
writing the character class again.
"""

from __future__ import annotations

from aiostrata.http_parser.header_grammar import TOKEN, is_token

__all__ = ("TOKEN", "is_token")

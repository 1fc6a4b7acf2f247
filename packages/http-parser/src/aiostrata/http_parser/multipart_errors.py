"""Typed errors of the multipart reader and writer, each carrying its HTTP status.

Two families: :class:`MalformedMultipart` (400) when the bytes break RFC 2046 /
RFC 7578, and :class:`MultipartLimitExceeded` (413) when a well-formed body is
bigger than a :class:`~.multipart_limits.MultipartLimits` bound allows. Both
derive from :class:`MultipartError` and, through it, from the wire-level
:class:`~.errors.HttpProcessingError`, so a server answers them with their
``code`` instead of a 500.
"""

from __future__ import annotations

from http import HTTPStatus

from .errors import BadHttpMessage, HttpProcessingError, PayloadTooLarge

__all__ = (
    "EpilogueTooLarge",
    "FieldTooLarge",
    "IncompleteMultipart",
    "InvalidBoundary",
    "InvalidPartHeader",
    "MalformedMultipart",
    "MultipartError",
    "MultipartLimitExceeded",
    "NestingTooDeep",
    "PartHeadersTooLarge",
    "PreambleTooLarge",
    "TooManyPartHeaders",
    "TooManyParts",
    "UnsupportedPartEncoding",
)


class MultipartError(HttpProcessingError):
    """Base of every multipart error (its subclasses set the status)."""


class MalformedMultipart(MultipartError, BadHttpMessage):
    """The body is not valid multipart (400)."""

    code = HTTPStatus.BAD_REQUEST
    message = "Malformed multipart body"


class InvalidBoundary(MalformedMultipart):
    """The boundary parameter is missing or breaks RFC 2046 5.1.1 (400)."""

    message = "Invalid multipart boundary"


class IncompleteMultipart(MalformedMultipart):
    """The body ended before the closing boundary (400)."""

    message = "Multipart body ended before its closing boundary"


class InvalidPartHeader(MalformedMultipart):
    """A part header line is not ``name: value`` with a token name and a clean value (400)."""

    message = "Invalid multipart part header"


class UnsupportedPartEncoding(MalformedMultipart):
    """A part's transfer or content coding is unknown, or its data does not decode (400)."""

    message = "Unsupported or invalid multipart part encoding"


class MultipartLimitExceeded(MultipartError, PayloadTooLarge):
    """A :class:`~.multipart_limits.MultipartLimits` bound was exceeded (413)."""

    code = HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    message = "Multipart body exceeds a limit"


class TooManyParts(MultipartLimitExceeded):
    """More parts than ``max_parts``."""

    message = "Too many multipart parts"


class TooManyPartHeaders(MultipartLimitExceeded):
    """A part has more header lines than ``max_part_headers`` (GHSA-m5qp-6w8w-w647)."""

    message = "Too many headers in a multipart part"


class PartHeadersTooLarge(MultipartLimitExceeded):
    """A part header line or a part's whole header block is too long."""

    message = "Multipart part headers too large"


class PreambleTooLarge(MultipartLimitExceeded):
    """More than ``max_preamble_size`` bytes before the first boundary."""

    message = "Multipart preamble too large"


class EpilogueTooLarge(MultipartLimitExceeded):
    """More than ``max_epilogue_size`` bytes after the closing boundary."""

    message = "Multipart epilogue too large"


class FieldTooLarge(MultipartLimitExceeded):
    """A part read into memory (raw or decoded) exceeds ``max_field_size`` (GHSA-3wq7-rqq7-wx6j)."""

    message = "Multipart field too large"


class NestingTooDeep(MultipartLimitExceeded):
    """Nested multipart bodies deeper than ``max_nesting_depth``."""

    message = "Multipart nesting too deep"

"""Strict, bounded, sans-IO HTTP/1.1 codecs: bytes in, messages out, and back."""

from ._version import __version__
from .errors import (
    BadHttpMessage,
    BadStatusLine,
    ContentLengthError,
    HttpProcessingError,
    InvalidHeader,
    LineTooLong,
    PayloadTooLarge,
    TransferEncodingError,
    UnsupportedContentEncoding,
    UnsupportedTransferCoding,
    UnsupportedVersion,
)
from .events import (
    BodyData,
    ChunkEnd,
    Event,
    MessageComplete,
    ParseError,
    RequestHead,
    UpgradedData,
)
from .interfaces import FlowControl, WritableConnection
from .limits import ParserLimits
from .messages import RawHeaders, RawRequestMessage, placeholder_message
from .request_parser import HttpRequestParser
from .serialize import UnsafeHeaderError, check_reason, encode_head, serialize_head
from .streams import EMPTY_PAYLOAD, EmptyStreamReader, EofStream, StreamReader
from .versions import HttpVersion, HttpVersion10, HttpVersion11
from .writer import AbstractStreamWriter, StreamWriter

__all__ = (
    "EMPTY_PAYLOAD",
    "AbstractStreamWriter",
    "BadHttpMessage",
    "BadStatusLine",
    "BodyData",
    "ChunkEnd",
    "ContentLengthError",
    "EmptyStreamReader",
    "EofStream",
    "Event",
    "FlowControl",
    "HttpProcessingError",
    "HttpRequestParser",
    "HttpVersion",
    "HttpVersion10",
    "HttpVersion11",
    "InvalidHeader",
    "LineTooLong",
    "MessageComplete",
    "ParseError",
    "ParserLimits",
    "PayloadTooLarge",
    "RawHeaders",
    "RawRequestMessage",
    "RequestHead",
    "StreamReader",
    "StreamWriter",
    "TransferEncodingError",
    "UnsafeHeaderError",
    "UnsupportedContentEncoding",
    "UnsupportedTransferCoding",
    "UnsupportedVersion",
    "UpgradedData",
    "WritableConnection",
    "__version__",
    "check_reason",
    "encode_head",
    "placeholder_message",
    "serialize_head",
)

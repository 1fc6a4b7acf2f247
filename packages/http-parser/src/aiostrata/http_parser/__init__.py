"""Strict, bounded, sans-IO HTTP/1.1 codecs: bytes in, messages out, and back.

What every connection needs (the parser, body streams, the writer, the errors) is imported
with the package. The multipart codec, the WebSocket codec and Content-Disposition are
loaded on first use of one of their names (PEP 562), so a server that never sees a form or a
WebSocket never imports them: ``from aiostrata.http_parser import MultipartReader`` works as
before. ``DEFAULT_PARSER`` too: httptools is imported when the backend is first needed. The
``TYPE_CHECKING`` imports below show every name to type checkers.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Final

from ._version import __version__

# First: with AIOSTRATA_NO_EXTENSIONS set, the compiled modules imported below load from source.
from .compiled import SOURCES_PREFERRED as _SOURCES_PREFERRED  # noqa: F401
from .content_codings import content_decoder_for, supported_content_codings
from .content_decoder import ContentDecoder
from .decoding_stream import DEFAULT_MAX_DECOMPRESSED_SIZE, DecodingStreamReader
from .errors import (
    BadHttpMessage,
    BadStatusLine,
    BodyReadTimeout,
    ContentEncodingError,
    ContentLengthError,
    HttpProcessingError,
    InvalidHeader,
    LineTooLong,
    PayloadAccessError,
    PayloadTooLarge,
    RequestPayloadError,
    TransferEncodingError,
    UnsupportedContentEncoding,
    UnsupportedTransferCoding,
    UnsupportedVersion,
    as_payload_error,
)
from .framing import frame_body, frame_known_length, say_persistence
from .gathered_write import WRITELINES_PAUSES, write_gathered
from .interfaces import FlowControl, ReadPace, WritableConnection
from .messages import RawHeaders, RawRequestMessage, placeholder_message
from .serialize import UnsafeHeaderError, check_reason, encode_head, serialize_head
from .streams import EMPTY_PAYLOAD, EmptyStreamReader, EofStream, StreamReader
from .versions import HttpVersion, HttpVersion10, HttpVersion11
from .writer import AbstractStreamWriter, StreamWriter

if TYPE_CHECKING:
    from .backend_selection import DEFAULT_PARSER, make_request_parser
    from .content_disposition import (
        BadContentDispositionHeader,
        BadContentDispositionParam,
        content_disposition_filename,
        content_disposition_header,
        parse_content_disposition,
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
    from .limits import ParserLimits
    from .multipart_errors import (
        EpilogueTooLarge,
        FieldTooLarge,
        IncompleteMultipart,
        InvalidBoundary,
        InvalidPartHeader,
        MalformedMultipart,
        MultipartError,
        MultipartLimitExceeded,
        NestingTooDeep,
        PartHeadersTooLarge,
        PreambleTooLarge,
        TooManyPartHeaders,
        TooManyParts,
        UnsupportedPartEncoding,
    )
    from .multipart_limits import (
        MultipartLimits,
    )
    from .multipart_reader import (
        BodyPartReader,
        MultipartReader,
    )
    from .multipart_writer import (
        MultipartWriter,
        PartPayload,
    )
    from .request_parser import HttpRequestParser
    from .ws_extensions import (
        DeflateDirection,
        DeflateParams,
        negotiate_permessage_deflate,
    )
    from .ws_handshake import (
        WSHandshake,
        WSHandshakeError,
        WSMethodNotAllowed,
        WSUnsupportedVersion,
        check_handshake_request,
        select_protocol,
        server_handshake,
        websocket_accept,
    )
    from .ws_protocol import (
        WS_CLOSED_MESSAGE,
        WS_CLOSING_MESSAGE,
        WS_KEY,
        WebSocketError,
        WSCloseCode,
        WSMessage,
        WSMsgType,
        is_valid_close_code,
    )
    from .ws_reader import (
        WebSocketReader,
    )
    from .ws_writer import (
        WebSocketClosedError,
        WebSocketFrameEncoder,
        WebSocketWriter,
        encode_close_payload,
        encode_frame,
    )

# name -> the submodule that defines it, imported on first access
_LAZY: Final[dict[str, str]] = {
    "DEFAULT_PARSER": "backend_selection",  # chosen, and httptools imported, on first use
    "make_request_parser": "backend_selection",
    "HttpRequestParser": "request_parser",
    "ParserLimits": "limits",
    "BodyData": "events",
    "ChunkEnd": "events",
    "Event": "events",
    "MessageComplete": "events",
    "ParseError": "events",
    "RequestHead": "events",
    "UpgradedData": "events",
    "BadContentDispositionHeader": "content_disposition",
    "BadContentDispositionParam": "content_disposition",
    "content_disposition_filename": "content_disposition",
    "content_disposition_header": "content_disposition",
    "parse_content_disposition": "content_disposition",
    "EpilogueTooLarge": "multipart_errors",
    "FieldTooLarge": "multipart_errors",
    "IncompleteMultipart": "multipart_errors",
    "InvalidBoundary": "multipart_errors",
    "InvalidPartHeader": "multipart_errors",
    "MalformedMultipart": "multipart_errors",
    "MultipartError": "multipart_errors",
    "MultipartLimitExceeded": "multipart_errors",
    "NestingTooDeep": "multipart_errors",
    "PartHeadersTooLarge": "multipart_errors",
    "PreambleTooLarge": "multipart_errors",
    "TooManyPartHeaders": "multipart_errors",
    "TooManyParts": "multipart_errors",
    "UnsupportedPartEncoding": "multipart_errors",
    "MultipartLimits": "multipart_limits",
    "BodyPartReader": "multipart_reader",
    "MultipartReader": "multipart_reader",
    "MultipartWriter": "multipart_writer",
    "PartPayload": "multipart_writer",
    "DeflateDirection": "ws_extensions",
    "DeflateParams": "ws_extensions",
    "negotiate_permessage_deflate": "ws_extensions",
    "WSHandshake": "ws_handshake",
    "WSHandshakeError": "ws_handshake",
    "WSMethodNotAllowed": "ws_handshake",
    "WSUnsupportedVersion": "ws_handshake",
    "check_handshake_request": "ws_handshake",
    "select_protocol": "ws_handshake",
    "server_handshake": "ws_handshake",
    "websocket_accept": "ws_handshake",
    "WS_CLOSED_MESSAGE": "ws_protocol",
    "WS_CLOSING_MESSAGE": "ws_protocol",
    "WS_KEY": "ws_protocol",
    "WebSocketError": "ws_protocol",
    "WSCloseCode": "ws_protocol",
    "WSMessage": "ws_protocol",
    "WSMsgType": "ws_protocol",
    "is_valid_close_code": "ws_protocol",
    "WebSocketReader": "ws_reader",
    "WebSocketClosedError": "ws_writer",
    "WebSocketFrameEncoder": "ws_writer",
    "WebSocketWriter": "ws_writer",
    "encode_close_payload": "ws_writer",
    "encode_frame": "ws_writer",
}

__all__ = (
    "DEFAULT_MAX_DECOMPRESSED_SIZE",
    "DEFAULT_PARSER",
    "EMPTY_PAYLOAD",
    "WRITELINES_PAUSES",
    "WS_CLOSED_MESSAGE",
    "WS_CLOSING_MESSAGE",
    "WS_KEY",
    "AbstractStreamWriter",
    "BadContentDispositionHeader",
    "BadContentDispositionParam",
    "BadHttpMessage",
    "BadStatusLine",
    "BodyData",
    "BodyPartReader",
    "BodyReadTimeout",
    "ChunkEnd",
    "ContentDecoder",
    "ContentEncodingError",
    "ContentLengthError",
    "DecodingStreamReader",
    "DeflateDirection",
    "DeflateParams",
    "EmptyStreamReader",
    "EofStream",
    "EpilogueTooLarge",
    "Event",
    "FieldTooLarge",
    "FlowControl",
    "HttpProcessingError",
    "HttpRequestParser",
    "HttpVersion",
    "HttpVersion10",
    "HttpVersion11",
    "IncompleteMultipart",
    "InvalidBoundary",
    "InvalidHeader",
    "InvalidPartHeader",
    "LineTooLong",
    "MalformedMultipart",
    "MessageComplete",
    "MultipartError",
    "MultipartLimitExceeded",
    "MultipartLimits",
    "MultipartReader",
    "MultipartWriter",
    "NestingTooDeep",
    "ParseError",
    "ParserLimits",
    "PartHeadersTooLarge",
    "PartPayload",
    "PayloadAccessError",
    "PayloadTooLarge",
    "PreambleTooLarge",
    "RawHeaders",
    "RawRequestMessage",
    "ReadPace",
    "RequestHead",
    "RequestPayloadError",
    "StreamReader",
    "StreamWriter",
    "TooManyPartHeaders",
    "TooManyParts",
    "TransferEncodingError",
    "UnsafeHeaderError",
    "UnsupportedContentEncoding",
    "UnsupportedPartEncoding",
    "UnsupportedTransferCoding",
    "UnsupportedVersion",
    "UpgradedData",
    "WSCloseCode",
    "WSHandshake",
    "WSHandshakeError",
    "WSMessage",
    "WSMethodNotAllowed",
    "WSMsgType",
    "WSUnsupportedVersion",
    "WebSocketClosedError",
    "WebSocketError",
    "WebSocketFrameEncoder",
    "WebSocketReader",
    "WebSocketWriter",
    "WritableConnection",
    "__version__",
    "as_payload_error",
    "check_handshake_request",
    "check_reason",
    "content_decoder_for",
    "content_disposition_filename",
    "content_disposition_header",
    "encode_close_payload",
    "encode_frame",
    "encode_head",
    "frame_body",
    "frame_known_length",
    "is_valid_close_code",
    "make_request_parser",
    "negotiate_permessage_deflate",
    "parse_content_disposition",
    "placeholder_message",
    "say_persistence",
    "select_protocol",
    "serialize_head",
    "server_handshake",
    "supported_content_codings",
    "websocket_accept",
    "write_gathered",
)

if not TYPE_CHECKING:  # hidden from type checkers, which see the imports above instead
    _LAZY_MODULES = frozenset(_LAZY.values())

    def __getattr__(name: str) -> object:
        module = _LAZY.get(name)
        if module is None:
            if name in _LAZY_MODULES:  # `http_parser.ws_reader`, as when it was imported eagerly
                return import_module(f"{__name__}.{name}")
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(import_module(f"{__name__}.{module}"), name)
        globals()[name] = value  # later look-ups are plain attribute reads
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *_LAZY, *_LAZY_MODULES})

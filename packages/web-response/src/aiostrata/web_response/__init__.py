"""Responses for aiostrata: ``StreamResponse``, ``Response``, ``json_response``,
``WebSocketResponse`` and the HTTP exceptions, with the same API as ``aiohttp.web``.

``FileResponse`` and the WebSocket names are loaded on first use (PEP 562): a server that
sends no file and accepts no WebSocket never imports them, nor the file and WebSocket
machinery under them. The ``TYPE_CHECKING`` imports show them to type checkers.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Final

from ._version import __version__
from .content_coding import ContentCoding
from .etag import ETag
from .http_dates import parse_http_date
from .http_exceptions import (
    HTTPAccepted,
    HTTPBadGateway,
    HTTPBadRequest,
    HTTPClientError,
    HTTPConflict,
    HTTPCreated,
    HTTPError,
    HTTPException,
    HTTPExpectationFailed,
    HTTPFailedDependency,
    HTTPForbidden,
    HTTPFound,
    HTTPGatewayTimeout,
    HTTPGone,
    HTTPInsufficientStorage,
    HTTPInternalServerError,
    HTTPLengthRequired,
    HTTPMethodNotAllowed,
    HTTPMisdirectedRequest,
    HTTPMove,
    HTTPMovedPermanently,
    HTTPMultipleChoices,
    HTTPNetworkAuthenticationRequired,
    HTTPNoContent,
    HTTPNonAuthoritativeInformation,
    HTTPNotAcceptable,
    HTTPNotExtended,
    HTTPNotFound,
    HTTPNotImplemented,
    HTTPNotModified,
    HTTPOk,
    HTTPPartialContent,
    HTTPPaymentRequired,
    HTTPPermanentRedirect,
    HTTPPreconditionFailed,
    HTTPPreconditionRequired,
    HTTPProxyAuthenticationRequired,
    HTTPRedirection,
    HTTPRequestEntityTooLarge,
    HTTPRequestHeaderFieldsTooLarge,
    HTTPRequestRangeNotSatisfiable,
    HTTPRequestTimeout,
    HTTPRequestURITooLong,
    HTTPResetContent,
    HTTPSeeOther,
    HTTPServerError,
    HTTPServiceUnavailable,
    HTTPSuccessful,
    HTTPTemporaryRedirect,
    HTTPTooManyRequests,
    HTTPUnauthorized,
    HTTPUnavailableForLegalReasons,
    HTTPUnprocessableEntity,
    HTTPUnsupportedMediaType,
    HTTPUpgradeRequired,
    HTTPUseProxy,
    HTTPVariantAlsoNegotiates,
    HTTPVersionNotSupported,
)
from .interfaces import (
    ConditionalRequest,
    PreparingRequest,
    UpgradableConnection,
    UpgradableRequest,
    UpgradedReceiver,
)
from .json_response import json_bytes_response, json_response
from .payloads import (
    AsyncIterablePayload,
    BufferedReaderPayload,
    BytesIOPayload,
    BytesPayload,
    IOBasePayload,
    MultipartPayload,
    Payload,
    StringIOPayload,
    StringPayload,
    TextIOPayload,
)
from .response import Response
from .state_keys import ResponseKey, StateKey
from .state_mapping import StateDict, StateMapping
from .stream_response import StreamResponse

if TYPE_CHECKING:
    from .file_response import FileResponse
    from .websocket_errors import WSHeartbeatTimeout, WSMessageTypeError
    from .websocket_ready import WebSocketReady
    from .websocket_response import WebSocketResponse

# name -> the submodule that defines it, imported on first access
_LAZY: Final[dict[str, str]] = {
    "FileResponse": "file_response",
    "WSHeartbeatTimeout": "websocket_errors",
    "WSMessageTypeError": "websocket_errors",
    "WebSocketReady": "websocket_ready",
    "WebSocketResponse": "websocket_response",
}

__all__ = (
    "AsyncIterablePayload",
    "BufferedReaderPayload",
    "BytesIOPayload",
    "BytesPayload",
    "ConditionalRequest",
    "ContentCoding",
    "ETag",
    "FileResponse",
    "HTTPAccepted",
    "HTTPBadGateway",
    "HTTPBadRequest",
    "HTTPClientError",
    "HTTPConflict",
    "HTTPCreated",
    "HTTPError",
    "HTTPException",
    "HTTPExpectationFailed",
    "HTTPFailedDependency",
    "HTTPForbidden",
    "HTTPFound",
    "HTTPGatewayTimeout",
    "HTTPGone",
    "HTTPInsufficientStorage",
    "HTTPInternalServerError",
    "HTTPLengthRequired",
    "HTTPMethodNotAllowed",
    "HTTPMisdirectedRequest",
    "HTTPMove",
    "HTTPMovedPermanently",
    "HTTPMultipleChoices",
    "HTTPNetworkAuthenticationRequired",
    "HTTPNoContent",
    "HTTPNonAuthoritativeInformation",
    "HTTPNotAcceptable",
    "HTTPNotExtended",
    "HTTPNotFound",
    "HTTPNotImplemented",
    "HTTPNotModified",
    "HTTPOk",
    "HTTPPartialContent",
    "HTTPPaymentRequired",
    "HTTPPermanentRedirect",
    "HTTPPreconditionFailed",
    "HTTPPreconditionRequired",
    "HTTPProxyAuthenticationRequired",
    "HTTPRedirection",
    "HTTPRequestEntityTooLarge",
    "HTTPRequestHeaderFieldsTooLarge",
    "HTTPRequestRangeNotSatisfiable",
    "HTTPRequestTimeout",
    "HTTPRequestURITooLong",
    "HTTPResetContent",
    "HTTPSeeOther",
    "HTTPServerError",
    "HTTPServiceUnavailable",
    "HTTPSuccessful",
    "HTTPTemporaryRedirect",
    "HTTPTooManyRequests",
    "HTTPUnauthorized",
    "HTTPUnavailableForLegalReasons",
    "HTTPUnprocessableEntity",
    "HTTPUnsupportedMediaType",
    "HTTPUpgradeRequired",
    "HTTPUseProxy",
    "HTTPVariantAlsoNegotiates",
    "HTTPVersionNotSupported",
    "IOBasePayload",
    "MultipartPayload",
    "Payload",
    "PreparingRequest",
    "Response",
    "ResponseKey",
    "StateDict",
    "StateKey",
    "StateMapping",
    "StreamResponse",
    "StringIOPayload",
    "StringPayload",
    "TextIOPayload",
    "UpgradableConnection",
    "UpgradableRequest",
    "UpgradedReceiver",
    "WSHeartbeatTimeout",
    "WSMessageTypeError",
    "WebSocketReady",
    "WebSocketResponse",
    "__version__",
    "json_bytes_response",
    "json_response",
    "parse_http_date",
)

if not TYPE_CHECKING:  # hidden from type checkers, which see the imports above instead
    _LAZY_MODULES = frozenset(_LAZY.values())

    def __getattr__(name: str) -> object:
        module = _LAZY.get(name)
        if module is None:
            if name in _LAZY_MODULES:  # `web_response.file_response`, as when imported eagerly
                return import_module(f"{__name__}.{name}")
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(import_module(f"{__name__}.{module}"), name)
        globals()[name] = value  # later look-ups are plain attribute reads
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *_LAZY, *_LAZY_MODULES})

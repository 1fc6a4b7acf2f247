"""Which responses carry no body, and reason phrases for status codes."""

from __future__ import annotations

from http import HTTPStatus
from typing import Final

from aiostrata.http_parser import check_reason

__all__ = (
    "body_forbidden",
    "check_status_code",
    "drop_content_length",
    "reason_for",
    "validate_status",
)

_REASONS: Final = {status.value: status.phrase for status in HTTPStatus}


def validate_status(status: int, reason: str | None) -> tuple[int, str]:
    """Check a reason phrase, filling it in from the status when None.

    RFC 9112 4: the reason phrase holds no CR, LF or other control character
    (response splitting, CVE-2026-34519): refused here, when it is set, not
    later when the head is written. The status's range is checked at
    ``prepare()`` (see :func:`check_status_code`), as ``HTTPException`` itself
    is built with the placeholder status -1.
    """
    status = int(status)
    if reason is None:
        return status, _REASONS.get(status, "")
    return status, check_reason(str(reason))


def check_status_code(status: int) -> None:
    """RFC 9110 15: a status code on the wire is three digits."""
    if not 100 <= status <= 999:
        raise ValueError(f"HTTP status code must be three digits, got {status}")


def reason_for(status: int) -> str:
    """The standard reason phrase of ``status``, or "" for unregistered codes."""
    return _REASONS.get(status, "")


def body_forbidden(method: str, status: int) -> bool:
    """Whether the response to ``method`` with ``status`` must end after its head.

    RFC 9110 9.3.2 (HEAD), 15.2 (1xx), 15.3.5 (204), 15.4.5 (304), and 9.3.6
    (a 2xx answer to CONNECT switches the connection to tunnel mode).
    """
    return (
        method == "HEAD"
        or status < 200
        or status in (204, 304)
        or (method == "CONNECT" and 200 <= status < 300)
    )


def drop_content_length(method: str, status: int) -> bool:
    """Whether a Content-Length field must not be sent at all.

    RFC 9110 8.6: not in 1xx or 204 responses, nor in a 2xx answer to CONNECT.
    A 304 describes the selected representation's length that the client already
    has, but aiohttp drops it and so do we; a HEAD response keeps it (RFC 9110 9.3.2).
    """
    return status < 200 or status in (204, 304) or (method == "CONNECT" and 200 <= status < 300)

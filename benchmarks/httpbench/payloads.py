"""What the servers answer and the clients send, defined once.

The app, the raw ceiling, the correctness checks, the generated wrk scripts and the
websocket client all read these constants, so a check can never test something other
than what the load generator sends. Server processes import this module too: it must
stay stdlib-only and cheap (it counts in every server's idle memory).
"""

from __future__ import annotations

PLAINTEXT = "Hello, World"  # 12 bytes once encoded
JSON_DOC = {"message": "Hello, World", "id": 1, "ok": True}

# The router scenario hits one of DYNAMIC_ROUTES patterns /r{i}/{name}, registered after the
# fixed routes, so a lookup passes over ~105 resources the way a mid-sized app's would.
DYNAMIC_ROUTES = 100
ROUTER_PATH = "/r57/alice"
ROUTER_ANSWER = "hello alice"

UPLOAD_SIZE = 16 * 1024
DOWNLOAD_SIZE = 1024 * 1024
STATIC_SIZE = 64 * 1024
STATIC_NAME = "blob.bin"
MIDDLEWARES = 10

WS_MESSAGE = "0123456789abcdef" * 4  # 64 bytes of text, one per ping-pong

# A navigation request as a desktop browser sends it: 12 headers, plus the Host wrk adds.
# Header parsing is per-header work, so this is the request shape a real site mostly sees.
BROWSER_HEADERS: tuple[tuple[str, str], ...] = (
    (
        "User-Agent",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/128.0.0.0 Safari/537.36",
    ),
    (
        "Accept",
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
    ),
    ("Accept-Language", "en-GB,en;q=0.9"),
    ("Accept-Encoding", "gzip, deflate, br, zstd"),
    ("Cookie", "sid=9b1c4e7d2a6f48b3; prefs=compact; _ga=GA1.2.918273645.1717171717"),
    ("Referer", "http://127.0.0.1/"),
    ("Upgrade-Insecure-Requests", "1"),
    ("Sec-Fetch-Site", "same-origin"),
    ("Sec-Fetch-Mode", "navigate"),
    ("Sec-Fetch-User", "?1"),
    ("Sec-Fetch-Dest", "document"),
    ("sec-ch-ua", '"Chromium";v="128", "Not;A=Brand";v="24", "Google Chrome";v="128"'),
)


def pattern(size: int) -> bytes:
    """``size`` bytes of a fixed, non-repeating-per-256 pattern (download and static bodies)."""
    whole, rest = divmod(size, 256)
    return bytes(range(256)) * whole + bytes(range(rest))

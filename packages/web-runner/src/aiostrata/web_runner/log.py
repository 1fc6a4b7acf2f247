"""The loggers aiohttp documents, under aiohttp's own names.

A drop-in keeps its users' logging configuration working: a ``dictConfig`` that
names ``aiohttp.access`` (the access log), ``aiohttp.server`` (connection and
handler errors) or ``aiohttp.web`` (the application, ``run_app``) configures
aiostrata's loggers too. Nothing is logged under an ``aiostrata.*`` name.
"""

from __future__ import annotations

import logging
from typing import Final

access_logger: Final = logging.getLogger("aiohttp.access")
server_logger: Final = logging.getLogger("aiohttp.server")
web_logger: Final = logging.getLogger("aiohttp.web")

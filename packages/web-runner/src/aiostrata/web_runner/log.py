"""The loggers aiohttp users configure, under aiostrata's names and aiohttp's roles."""

from __future__ import annotations

import logging
from typing import Final

access_logger: Final = logging.getLogger("aiostrata.access")
server_logger: Final = logging.getLogger("aiostrata.server")
web_logger: Final = logging.getLogger("aiostrata.web")

"""The abstract interfaces aiohttp users know from ``aiohttp.abc``, for the server side."""

from aiostrata.http_parser import AbstractStreamWriter
from aiostrata.web_router import AbstractMatchInfo, AbstractRouter, AbstractView
from aiostrata.web_runner import AbstractAccessLogger

__all__ = (
    "AbstractAccessLogger",
    "AbstractMatchInfo",
    "AbstractRouter",
    "AbstractStreamWriter",
    "AbstractView",
)

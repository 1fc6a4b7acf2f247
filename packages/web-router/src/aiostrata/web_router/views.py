"""Class-based views: one coroutine method per HTTP verb."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator
from typing import Any, NoReturn

from aiostrata.web_response import HTTPMethodNotAllowed, StreamResponse

from .abc import AbstractView
from .http_methods import METH_ALL


class View(AbstractView):
    """Dispatches to ``get()``, ``post()``... after ``request.method.lower()``.

    Register the class itself (``router.add_view(path, MyView)``); the route's handler is
    the class, and calling it with a request gives an awaitable. A verb the class does
    not implement is answered with 405 listing the verbs it does implement.
    """

    async def _iter(self) -> StreamResponse:
        method_name: str = self.request.method
        if method_name not in METH_ALL:
            self._raise_allowed_methods()
        method: Callable[[], Awaitable[StreamResponse]] | None
        method = getattr(self, method_name.lower(), None)
        if method is None:
            self._raise_allowed_methods()
        response: StreamResponse = await method()
        return response

    def __await__(self) -> Generator[Any, None, StreamResponse]:
        return self._iter().__await__()

    def _raise_allowed_methods(self) -> NoReturn:
        allowed = {verb for verb in METH_ALL if hasattr(self, verb.lower())}
        raise HTTPMethodNotAllowed(self.request.method, allowed)

"""Rules that pick a sub-application by the request's host (``Application.add_domain``)."""

from __future__ import annotations

import abc
import re
from typing import TYPE_CHECKING, ClassVar

from yarl import URL

if TYPE_CHECKING:
    from .interfaces import RoutableRequest
    from .typedefs import InfoDict


class AbstractRuleMatching(abc.ABC):
    """A condition on the request that decides whether a matched sub-app applies."""

    @abc.abstractmethod
    async def match(self, request: RoutableRequest) -> bool:
        """Whether *request* satisfies the rule."""

    @abc.abstractmethod
    def get_info(self) -> InfoDict:
        """Introspection data about the rule."""

    @property
    @abc.abstractmethod
    def canonical(self) -> str:
        """A string standing for the rule, like a resource's canonical path."""


class Domain(AbstractRuleMatching):
    """Matches one exact host (``example.com``, or ``example.com:8080`` for another port).

    Hosts compare case-insensitively (RFC 4343); international names are stored IDNA-encoded,
    the form clients send in ``Host``.
    """

    # RFC 1123 2.1: a label is 1-63 letters, digits or hyphens, not starting or ending with '-'.
    re_part: ClassVar[re.Pattern[str]] = re.compile(r"(?!-)[a-z\d-]{1,63}(?<!-)")

    def __init__(self, domain: str) -> None:
        super().__init__()
        self._domain = self.validation(domain)

    @property
    def canonical(self) -> str:
        return self._domain

    def validation(self, domain: str) -> str:
        """Normalize *domain* to ``host`` or ``host:port``; raise on what is not a host name."""
        if not isinstance(domain, str):
            raise TypeError("Domain must be str")
        domain = domain.rstrip(".").lower()
        if not domain:
            raise ValueError("Domain cannot be empty")
        if "://" in domain:
            raise ValueError("Scheme not supported")
        try:
            url = URL("http://" + domain)
        except ValueError as exc:
            raise ValueError("Domain not valid") from exc
        host = url.raw_host
        if (
            not host
            or url.raw_path not in ("", "/")
            or url.raw_query_string
            or url.raw_fragment
            or not all(self.re_part.fullmatch(label) for label in host.split("."))
        ):
            raise ValueError("Domain not valid")
        if url.port == 80:
            return host
        return f"{host}:{url.port}"

    async def match(self, request: RoutableRequest) -> bool:
        host = request.host
        if not host:
            return False
        return self.match_domain(host)

    def match_domain(self, host: str) -> bool:
        """Whether the ``Host`` value *host* names this domain."""
        return host.lower() == self._domain

    def get_info(self) -> InfoDict:
        return {"domain": self._domain}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.canonical}>"


class MaskDomain(Domain):
    """Matches hosts against a mask where ``*`` stands for any text (``*.example.com``)."""

    re_part: ClassVar[re.Pattern[str]] = re.compile(r"(?!-)[a-z\d*-]{1,63}(?<!-)")

    def __init__(self, domain: str) -> None:
        super().__init__(domain)
        mask = self._domain.replace(".", r"\.").replace("*", ".*")
        self._mask = re.compile(mask)

    @property
    def canonical(self) -> str:
        return self._mask.pattern

    def match_domain(self, host: str) -> bool:
        return self._mask.fullmatch(host.lower()) is not None

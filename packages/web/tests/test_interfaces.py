"""Each Protocol a lower package declares is satisfied by the class a higher one gives it.

Two checks: ``satisfiers`` below is type-checked by ``mypy --strict`` (``nox -s
typecheck`` runs it over this folder), so an assignment fails the moment a class
stops satisfying its Protocol; and the tests confirm at run time that every member
a Protocol names exists on its satisfier, public, with no private name in any
interface (``nox -s layers`` also refuses private names across packages).
"""

from __future__ import annotations

from typing import Any, Protocol

import pytest

from aiostrata import http_parser, web_app, web_request, web_router, web_runner
from aiostrata.http_parser.interfaces import FlowControl, WritableConnection
from aiostrata.web_app.interfaces import ServableApplication
from aiostrata.web_request.interfaces import ConnectionInfo, MatchedApp, PrepareSignal, RouteMatch
from aiostrata.web_response.interfaces import (
    ConditionalRequest,
    PreparingRequest,
    UpgradableConnection,
    UpgradableRequest,
    UpgradedReceiver,
)
from aiostrata.web_response.websocket_inbox import WebSocketInbox
from aiostrata.web_router.interfaces import (
    ContinueWriter,
    ExpectingRequest,
    RoutableRequest,
    SubApplication,
)


def satisfiers(
    connection: web_runner.RequestHandler,
    request: web_app.Request,
    bare_request: web_request.BaseRequest,
    match: web_router.UrlMappingMatchInfo,
    app: web_app.Application,
    inbox: WebSocketInbox,
    writer: http_parser.StreamWriter,
) -> list[object]:
    """Never called: mypy checks that each value is accepted as its Protocol."""
    flow: FlowControl = connection
    writable: WritableConnection = connection
    info: ConnectionInfo = connection
    upgradable: UpgradableConnection = connection
    preparing: PreparingRequest = bare_request
    conditional: ConditionalRequest = bare_request
    upgrading: UpgradableRequest = bare_request
    routable: RoutableRequest = bare_request
    expecting: ExpectingRequest = request
    route_match: RouteMatch = match
    matched_app: MatchedApp = app
    signal: PrepareSignal = app.on_response_prepare
    sub_app: SubApplication = app
    servable: ServableApplication = app
    receiver: UpgradedReceiver = inbox
    continue_writer: ContinueWriter = writer
    return [
        flow, writable, info, upgradable, preparing, conditional, upgrading, routable,
        expecting, route_match, matched_app, signal, sub_app, servable, receiver,
        continue_writer,
    ]  # fmt: skip


PAIRS: list[tuple[type[Any], type[Any]]] = [
    (FlowControl, web_runner.RequestHandler),
    (WritableConnection, web_runner.RequestHandler),
    (ConnectionInfo, web_runner.RequestHandler),
    (UpgradableConnection, web_runner.RequestHandler),
    (PreparingRequest, web_request.BaseRequest),
    (ConditionalRequest, web_request.BaseRequest),
    (UpgradableRequest, web_request.BaseRequest),
    (RoutableRequest, web_request.BaseRequest),
    (ExpectingRequest, web_app.Request),
    (RouteMatch, web_router.UrlMappingMatchInfo),
    (MatchedApp, web_app.Application),
    (SubApplication, web_app.Application),
    (ServableApplication, web_app.Application),
    (UpgradedReceiver, WebSocketInbox),
    (ContinueWriter, http_parser.StreamWriter),
]


# What typing itself puts on every Protocol class.
_TYPING = frozenset({"_abc_impl", "_is_protocol", "_is_runtime_protocol"})


def _members(protocol: type[Any]) -> set[str]:
    """The names a Protocol declares (its own and its Protocol bases'), dunders aside."""
    names: set[str] = set()
    for klass in protocol.__mro__:
        if klass in (Protocol, object, Any) or Protocol not in klass.__mro__[1:]:
            continue
        names.update(vars(klass))
        names.update(getattr(klass, "__annotations__", {}))
    return {n for n in names if not (n.startswith("__") and n.endswith("__")) and n not in _TYPING}


@pytest.mark.parametrize(("protocol", "satisfier"), PAIRS, ids=lambda t: t.__name__)
def test_the_satisfier_has_every_member_and_none_is_private(
    protocol: type[Any], satisfier: type[Any]
) -> None:
    members = _members(protocol)
    assert members, f"{protocol.__name__} declares nothing"
    private = sorted(n for n in members if n.startswith("_"))
    assert private == [], f"{protocol.__name__} asks for private names {private}"
    missing = sorted(n for n in members if not hasattr(satisfier, n))
    assert missing == [], f"{satisfier.__name__} lacks {missing} of {protocol.__name__}"

"""Parts written together, without writelines where it loses back-pressure (CVE-2024-12254)."""

from __future__ import annotations

import asyncio
import sys

import pytest

from aiostrata.http_parser import WRITELINES_PAUSES, write_gathered
from aiostrata.http_parser import gathered_write as module


class _Recording(asyncio.WriteTransport):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, object]] = []

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.calls.append(("write", bytes(data)))

    def writelines(self, list_of_data: object) -> None:
        self.calls.append(("writelines", list(list_of_data)))  # type: ignore[call-overload]


def test_writelines_is_trusted_exactly_outside_the_affected_releases() -> None:
    version = sys.version_info[:3]
    affected = (3, 12, 0) <= version < (3, 12, 9) or (3, 13, 0) <= version < (3, 13, 2)
    assert WRITELINES_PAUSES is not affected


@pytest.mark.parametrize("pauses", [True, False])
def test_the_parts_leave_in_one_call_in_order(
    pauses: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module, "WRITELINES_PAUSES", pauses)
    transport = _Recording()
    write_gathered(transport, (b"head\r\n\r\n", b"body"))
    if pauses:
        assert transport.calls == [("writelines", [b"head\r\n\r\n", b"body"])]
    else:
        assert transport.calls == [("write", b"head\r\n\r\nbody")]

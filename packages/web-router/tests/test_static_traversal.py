"""Static roots cannot be escaped, whatever the spelling (GHSA-5h86-8mv2-jq9f's class),
and a refusal never tells what exists outside the root (GHSA-54jq-c3m8-4m76's class)."""

from __future__ import annotations

from pathlib import Path

import pytest
from static_fakes import StaticTree, build_tree, fetch

from aiostrata.web_response import FileResponse, HTTPNotFound, Response
from aiostrata.web_router import UrlDispatcher

ESCAPES = [
    "/static/../outside/secret.txt",
    "/static/../../../../../../etc/passwd",
    "/static/%2e%2e/outside/secret.txt",
    "/static/%2E%2E%2Foutside%2Fsecret.txt",
    "/static/..%2Foutside%2Fsecret.txt",
    "/static/sub/..%2F..%2Foutside%2Fsecret.txt",
    "/static/sub/../../outside/secret.txt",
    "/static/..%5Coutside%5Csecret.txt",
    "/static/sub%5C..%5C..%5Coutside%5Csecret.txt",
    "/static//etc/passwd",
    "/static/%2Fetc%2Fpasswd",
    "/static/a.txt%00.png",
    "/static/%00",
    "/static/out_link/..%2F..%2Foutside%2Fsecret.txt",
    "/static/out_link/../../outside/secret.txt",
]


@pytest.fixture
def tree(tmp_path: Path) -> StaticTree:
    return build_tree(tmp_path)


def router_for(tree: StaticTree, *, follow_symlinks: bool = False) -> UrlDispatcher:
    router = UrlDispatcher()
    router.add_static("/static", tree.root, follow_symlinks=follow_symlinks)
    return router


@pytest.mark.parametrize("follow_symlinks", [False, True])
@pytest.mark.parametrize("raw_path", ESCAPES)
async def test_climbing_out_of_the_root_is_404_in_every_mode(
    tree: StaticTree, raw_path: str, follow_symlinks: bool
) -> None:
    response = await fetch(router_for(tree, follow_symlinks=follow_symlinks), raw_path)
    assert isinstance(response, HTTPNotFound)


@pytest.mark.parametrize(
    "raw_path",
    [
        "/static/%5C%5Cserver%5Cshare%5Cfile.txt",
        "/static/%2F%2Fserver%2Fshare%2Ffile.txt",
        "/static/C:%5CWindows%5Cwin.ini",
        "/static/c:/Windows/win.ini",
        "/static/C:",
    ],
)
async def test_unc_and_drive_letter_names_are_refused(tree: StaticTree, raw_path: str) -> None:
    """CVE-2026-34515 (UNC paths reaching other hosts) is a Windows-only bug: on Linux a
    backslash is an ordinary character and there are no drives. The names are refused all
    the same, so a root moved to another platform stays closed."""
    response = await fetch(router_for(tree), raw_path)
    assert isinstance(response, HTTPNotFound)


@pytest.mark.parametrize(
    ("existing", "missing"),
    [
        ("/static/..%2Foutside%2Fsecret.txt", "/static/..%2Foutside%2Fnope.txt"),
        ("/static/..%2Foutside%2Fdir", "/static/..%2Foutside%2Fnodir"),
        ("/static/..%2F..%2F..%2Fetc%2Fpasswd", "/static/..%2F..%2F..%2Fetc%2Fno-such"),
        ("/static/secret_link.txt", "/static/out_link/missing.txt"),
        ("/static/out_link/secret.txt", "/static/out_link/nope.txt"),
    ],
)
async def test_refusals_look_the_same_for_existing_and_missing_outside_paths(
    tree: StaticTree, existing: str, missing: str
) -> None:
    router = router_for(tree)
    first = await fetch(router, existing)
    second = await fetch(router, missing)
    assert isinstance(first, Response)
    assert isinstance(second, Response)
    assert (first.status, first.text) == (second.status, second.text) == (404, "404: Not Found")


async def test_an_encoded_percent_is_decoded_once_only(tree: StaticTree) -> None:
    (tree.root / "%2e%2e").write_bytes(b"literal name")
    response = await fetch(router_for(tree), "/static/%252e%252e")
    assert isinstance(response, FileResponse)


async def test_dot_segments_that_stay_inside_are_still_refused(tree: StaticTree) -> None:
    response = await fetch(router_for(tree), "/static/sub%2F..%2Fa.txt")
    assert isinstance(response, HTTPNotFound)


@pytest.mark.parametrize("raw_path", ["/static/" + "a" * 300, "/static/sub/" + "x" * 256])
async def test_a_name_too_long_for_the_file_system_is_a_404_not_a_500(
    tree: StaticTree, raw_path: str
) -> None:
    response = await fetch(router_for(tree), raw_path)
    assert isinstance(response, HTTPNotFound)

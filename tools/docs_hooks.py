"""MkDocs hooks (mkdocs.yml `hooks:`): pages that repeat the repository's own files.

* ``<!-- include: PATH -->`` in a page is replaced by the file at PATH (from the repository
  root) without its first heading, so SECURITY.md, RELEASING.md and examples/README.md are
  written once. Its relative links are read from PATH's folder (see the last point).
* ``<!-- web-names -->`` becomes the table of every name ``aiostrata.web`` exports, each
  linked to its reference in the package that owns it (read from ``__all__`` and the names'
  ``__module__``: the docs venv has the packages installed).
* A relative link from a page to a repository file outside docs/ goes, on the site, to the
  page that includes that file (``../SECURITY.md``: the security page); a file no page
  includes (``../packages/web-runner/README.md``) cannot be followed on the site, which has
  no copy of it and no repository URL to point at: the link becomes its text with the file's
  path. Links to missing files are left alone, so the strict build still reports them.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
_INCLUDE = re.compile(r"<!-- include: (?P<path>[\w./-]+) -->")
_LAYERS = ("web_app", "web_runner", "web_router", "web_request", "web_response", "http_parser")


def _web_names() -> str:
    """The table of aiostrata.web's names, each under the package whose __all__ has it."""
    web = importlib.import_module("aiostrata.web")
    layers = {f"aiostrata.{n}": importlib.import_module(f"aiostrata.{n}") for n in _LAYERS}
    rows = ["| name | defined in |", "|---|---|"]
    for name in sorted(web.__all__, key=str.lower):
        if name.startswith("__"):
            continue
        owner = next((m for m, mod in layers.items() if name in mod.__all__), "aiostrata.web")
        target = f"{owner}.{name}"
        if importlib.util.find_spec(target) is not None:
            # A function named like its module (json_response, run_app): griffe files the name
            # under the module, so its page renders the function at module.function.
            target = f"{target}.{name}"
        rows.append(f"| [`{name}`][{target}] | `{owner}` |")
    return "\n".join(rows) + "\n"


_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]+)\]\((?P<target>[^)\s#]+)(?P<anchor>#[^)\s]*)?\)")


def _included_by(docs_dir: Path) -> dict[Path, Path]:
    """Repository files that a docs page includes whole, each with that page."""
    pages = {}
    for page in sorted(docs_dir.rglob("*.md")):
        for match in _INCLUDE.finditer(page.read_text(encoding="utf-8")):
            pages[(ROOT / match.group("path")).resolve()] = page
    return pages


def _outside_links(markdown: str, source_dir: Path, page_dir: Path, docs_dir: Path) -> str:
    """Links written from source_dir, for a page in page_dir, made to hold on the site."""
    included_by = _included_by(docs_dir)

    def replace(match: re.Match[str]) -> str:
        target = match.group("target")
        if "://" in target or target.startswith(("/", "mailto:")):
            return match.group(0)
        path = (source_dir / target).resolve()
        if not path.is_relative_to(ROOT) or not path.exists():
            return match.group(0)
        if path.is_relative_to(docs_dir):
            if source_dir == page_dir:
                return match.group(0)
            page = path
        elif path in included_by:
            page = included_by[path]
        else:
            return (
                f"{match.group('text')} (`{path.relative_to(ROOT).as_posix()}` in the repository)"
            )
        relative = Path(os.path.relpath(page, page_dir)).as_posix()
        return f"[{match.group('text')}]({relative}{match.group('anchor') or ''})"

    return _LINK.sub(replace, markdown)


def _include(markdown: str, page_dir: Path, docs_dir: Path) -> str:
    """Each include marker replaced by its file, minus the first heading, links made to hold."""

    def included(match: re.Match[str]) -> str:
        path = ROOT / match.group("path")
        text = re.sub(r"\A# [^\n]*\n", "", path.read_text(encoding="utf-8"))
        return _outside_links(text, path.parent.resolve(), page_dir, docs_dir).strip() + "\n"

    return _INCLUDE.sub(included, markdown)


def on_page_markdown(markdown: str, page: Any, config: Any, **_: Any) -> str:
    docs_dir = Path(config["docs_dir"]).resolve()
    if page.file.abs_src_path:
        page_dir = Path(page.file.abs_src_path).resolve().parent
        markdown = _outside_links(markdown, page_dir, page_dir, docs_dir)
        markdown = _include(markdown, page_dir, docs_dir)
    if "<!-- web-names -->" in markdown:
        markdown = markdown.replace("<!-- web-names -->", _web_names())
    return markdown

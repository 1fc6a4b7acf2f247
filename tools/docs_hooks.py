"""MkDocs hooks (mkdocs.yml `hooks:`): pages that repeat the repository's own files.

* ``<!-- include: PATH -->`` in a page is replaced by the file at PATH (from the repository
  root) without its first heading, so SECURITY.md and RELEASING.md are written once.
* ``<!-- web-names -->`` becomes the table of every name ``aiostrata.web`` exports, each
  linked to its reference in the package that owns it (read from ``__all__`` and the names'
  ``__module__``: the docs venv has the packages installed).
* ``differences-from-aiohttp.md`` is written on another branch: until it is in docs/, a
  page saying so stands in for it, so the links to it hold.
* A relative link from a page to a repository file outside docs/ (``../SECURITY.md``,
  ``../packages/web-runner/README.md``) cannot be followed on the site, which has no copy of
  it and no repository URL to point at: it becomes the link text with the file's path.
  Links to missing files are left alone, so the strict build still reports them.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
_INCLUDE = re.compile(r"<!-- include: (?P<path>[\w./-]+) -->")
_PENDING = {
    "differences-from-aiohttp.md": (
        "# Differences from aiohttp\n\n"
        "This page, the list of every place where aiostrata deliberately behaves unlike "
        "aiohttp, is being written and is not in this build yet.\n"
    ),
}


def on_files(files: Files, config: Any, **_: Any) -> Files:
    for name, text in _PENDING.items():
        if files.get_file_from_path(name) is None:
            files.append(File.generated(config, name, content=text))
    return files


def _included(match: re.Match[str]) -> str:
    text = (ROOT / match.group("path")).read_text(encoding="utf-8")
    return re.sub(r"\A# [^\n]*\n", "", text).strip() + "\n"


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


def _outside_links(markdown: str, page_dir: Path, docs_dir: Path) -> str:
    def replace(match: re.Match[str]) -> str:
        target = match.group("target")
        if "://" in target or target.startswith(("/", "mailto:")):
            return match.group(0)
        path = (page_dir / target).resolve()
        if path.is_relative_to(docs_dir) or not path.is_relative_to(ROOT) or not path.exists():
            return match.group(0)
        return f"{match.group('text')} (`{path.relative_to(ROOT).as_posix()}` in the repository)"

    return _LINK.sub(replace, markdown)


def on_page_markdown(markdown: str, page: Any, config: Any, **_: Any) -> str:
    docs_dir = Path(config["docs_dir"]).resolve()
    if page.file.abs_src_path:
        markdown = _outside_links(markdown, Path(page.file.abs_src_path).parent, docs_dir)
    markdown = _INCLUDE.sub(_included, markdown)
    if "<!-- web-names -->" in markdown:
        markdown = markdown.replace("<!-- web-names -->", _web_names())
    return markdown

"""The HTML listing of a static directory (``add_static(..., show_index=True)``).

File names are whatever the file system holds, so every one is HTML-escaped in
the text and percent-encoded (then escaped) in the link: a file named
``<script>alert(1)</script>.txt`` is shown, never run (GHSA-7gpw-8wmc-pm8g's class).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from .path_quoting import quote_path

__all__ = ("render_directory_index",)


def render_directory_index(directory: Path, root: Path, prefix: str) -> str:
    """The index page of *directory* (inside *root*), entries sorted by name.

    Links are absolute under the resource's URL *prefix*; directories end in ``/``.
    Blocking (it lists the directory): run it in an executor.
    """
    relative = directory.relative_to(root).as_posix()
    title = escape(f"Index of /{'' if relative == '.' else relative}")
    items = []
    for entry in sorted(directory.iterdir()):
        entry_path = entry.relative_to(root).as_posix()
        href = escape(quote_path(f"{prefix}/{entry_path}"))
        label = entry.name + ("/" if entry.is_dir() else "")
        items.append(f'<li><a href="{href}">{escape(label)}</a></li>')
    listing = "\n".join(items)
    return (
        "<html>\n"
        f"<head>\n<title>{title}</title>\n</head>\n"
        f"<body>\n<h1>{title}</h1>\n<ul>\n{listing}\n</ul>\n</body>\n"
        "</html>"
    )

"""The files under the postmortems folder that the site publishes as they are (images, attachments).

Lint (`broken-link`), its cache and the site all ask the same question, so
the answer lives here, beside neither.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

# Where the postmortems' pages and their files are on the site.
SITE_FOLDER = "postmortems"
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")


def is_site_asset(relative: str) -> bool:
    """Whether a path under the postmortems folder is a file the site publishes as it is.

    Not markdown (those are postmortems, rendered as pages) and not in a
    hidden or `_` folder (which the knowledge base leaves out everywhere).
    """
    parts = relative.split("/")
    return (not any(part.startswith((".", "_")) or part in ("", "..") for part in parts)
            and not relative.lower().endswith(MARKDOWN_SUFFIXES))


def site_assets(folder: Path, root: Path) -> Iterator[tuple[str, Path]]:
    """(path under the folder, file) of every file the site publishes as it is: what the plugin serves.

    Sorted by path. What the file policy refuses (a symlink out of the
    postmortems folder, a FIFO) is left out, as it is everywhere else. os.walk, pruned as it goes: the
    folder holds thousands of postmortems, and stat-ing each (Path.rglob)
    costs twenty times more.
    """
    from postmortem_kb.files import policy_problem

    found: list[tuple[str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not d.startswith((".", "_"))]
        base = Path(dirpath)
        prefix = base.relative_to(folder).as_posix()
        for name in filenames:
            relative = name if prefix == "." else f"{prefix}/{name}"
            if is_site_asset(relative):
                path = base / name
                if policy_problem(path, folder) is None and path.is_file():
                    found.append((relative, path))
    return iter(sorted(found))

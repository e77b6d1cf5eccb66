"""Helpers for tests that run a real `mkdocs build`."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

# Attributes through which a page makes the browser fetch something.
FETCHING_ATTR = re.compile(r"""<(?:link|script|img|iframe|source|video|audio|embed)\b[^>]*?\b(?:src|href|srcset)\s*=\s*["']?([^"'\s>]+)""", re.I)
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)""", re.I)
CSS_IMPORT = re.compile(r"""@import\s+["']([^"']+)""", re.I)


def mkdocs_build(root: Path, site_dir: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir), *extra],
        cwd=root, capture_output=True, text=True, env=_env(),
    )


def _env() -> dict:
    import os

    env = dict(os.environ)
    env["NO_MKDOCS_2_WARNING"] = "1"
    return env


def external_fetches(site: Path) -> list[str]:
    """Every URL on another host that a page or stylesheet of `site` would load."""
    found = []
    for path in site.rglob("*"):
        if path.suffix == ".html":
            text = path.read_text(encoding="utf-8", errors="replace")
            urls = FETCHING_ATTR.findall(text)
        elif path.suffix == ".css":
            text = path.read_text(encoding="utf-8", errors="replace")
            urls = CSS_URL.findall(text) + CSS_IMPORT.findall(text)
        else:
            continue
        found += [f"{path.relative_to(site)}: {u}" for u in urls if re.match(r"^(?:[a-z]+:)?//", u, re.I)]
    return found

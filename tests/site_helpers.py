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


EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)
# SVG pulls resources through (xlink:)href on <image>, <use>, <feImage>,
# <script> and <style>; the xmlns declarations and the DOCTYPE are names, not fetches.
SVG_HREF = re.compile(r"""<(?:image|use|feImage|script|style)\b[^>]*?\b(?:xlink:)?href\s*=\s*["']([^"']+)""", re.I)
OBJECT_DATA = re.compile(r"""<(?:object)\b[^>]*?\bdata\s*=\s*["']?([^"'\s>]+)""", re.I)
SRCSET = re.compile(r"""\bsrcset\s*=\s*["']([^"']+)""", re.I)


def external_fetches(site: Path) -> list[str]:
    """Every URL on another host that a page, stylesheet or SVG image of `site` would load."""
    found = []
    for path in site.rglob("*"):
        if path.suffix not in (".html", ".css", ".svg"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        urls = CSS_URL.findall(text) + CSS_IMPORT.findall(text)
        if path.suffix == ".html":
            urls += FETCHING_ATTR.findall(text) + OBJECT_DATA.findall(text)
            urls += [u.strip().split()[0] for m in SRCSET.findall(text) for u in m.split(",") if u.strip()]
        elif path.suffix == ".svg":
            urls += SVG_HREF.findall(text)
        found += [f"{path.relative_to(site)}: {u}" for u in urls if EXTERNAL.match(u)]
    return found


# Material's bundled JavaScript holds a few internet URLs as strings. It
# requests them only when a page gives it a reason: a GitHub or GitLab
# repo_url (repository facts from their API) or a mermaid diagram (the
# library from unpkg). The site must give it none; the browser tests also
# watch every request that is actually made.
MATERIAL_JS_TRIGGERS = {
    'data-md-component="source"': "a repo_url makes Material fetch repository facts from the forge's API",
    'class="mermaid"': "a mermaid diagram makes Material load mermaid from unpkg.com",
}


def javascript_fetch_triggers(site: Path) -> list[str]:
    """Pages that would make Material's own scripts fetch from the internet, and why."""
    found = []
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{path.relative_to(site)}: {why}" for marker, why in MATERIAL_JS_TRIGGERS.items() if marker in text]
    return found

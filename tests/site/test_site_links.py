"""Every relative link of a built site leads to a file of that site, for both URL styles.

The HTML blocks we write (listings, header cards, related incidents) carry
links that MkDocs does not check, so this test does, over the whole site.
"""

from __future__ import annotations

import posixpath
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import REPO
from site_helpers import _env
from site_samples import make_kb

HREF = re.compile(r'<a\b[^>]*?\bhref="([^"]*)"', re.I)


def build(root: Path, site: Path, directory_urls: bool) -> None:
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    if not directory_urls:
        config += "use_directory_urls: false\n"
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)], cwd=root,
                            capture_output=True, text=True, env=_env())
    assert result.returncode == 0, result.stderr


def broken_links(site: Path) -> list[str]:
    broken = []
    for page in site.rglob("*.html"):
        folder = page.parent.relative_to(site).as_posix()
        for target in HREF.findall(page.read_text(encoding="utf-8")):
            target = target.replace("&amp;", "&")
            if re.match(r"^([a-z][a-z0-9+.-]*:|#|/)", target, re.I) or not target:
                continue
            path = unquote(target.split("#", 1)[0].split("?", 1)[0])
            resolved = posixpath.normpath(posixpath.join(folder, path)) if path else folder
            if path == "" or path.endswith("/") or (site / resolved).is_dir():
                resolved = posixpath.join(resolved, "index.html")
            if not (site / resolved).is_file():
                broken.append(f"{page.relative_to(site)}: {target}")
    return broken


@pytest.mark.parametrize("directory_urls", [True, False], ids=["directory-urls", "html-urls"])
def test_every_link_of_the_site_resolves(tmp_path, directory_urls):
    root = make_kb(tmp_path / "kb")
    site = tmp_path / "site"
    build(root, site, directory_urls)
    assert broken_links(site) == []
    # The generated blocks do link: a listing, a card and related incidents.
    page = "postmortems/2024-01-09-cache-stampede" + ("/index.html" if directory_urls else ".html")
    text = (site / page).read_text(encoding="utf-8")
    assert re.search(r'class="pm-card".*?href="[^"]*tags/cache', text, re.S)
    assert 'class="pm-related"' in text

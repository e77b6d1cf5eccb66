"""`search: pagefind`: a Pagefind index with filters instead of Material's lunr index, built offline."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from site_helpers import _env, external_fetches, javascript_fetch_triggers
from site_samples import make_kb

# The plugin's options in the repository's mkdocs.yml, switched to Pagefind.
PAGEFIND = "  - postmortems:\n      search: pagefind\n"


def pagefind_config(root: Path) -> None:
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8").replace("  - postmortems\n", PAGEFIND)
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")


def build(root: Path, site: Path, *command: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *command, "build", "--strict", "--site-dir", str(site)], cwd=root,
                          capture_output=True, text=True, env=_env())


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = make_kb(tmp_path_factory.mktemp("kb"))
    pagefind_config(root)
    result = build(root, root / "site", "-m", "mkdocs")
    assert result.returncode == 0, result.stderr
    return root / "site"


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def test_the_pagefind_bundle_replaces_the_lunr_index(site):
    assert (site / "pagefind" / "pagefind-entry.json").is_file()
    entry = json.loads(read(site, "pagefind/pagefind-entry.json"))
    assert entry["languages"], entry
    # Pages: the five samples' postmortems (four load; one is undated) and the hand-written docs.
    assert 4 <= sum(language["page_count"] for language in entry["languages"].values()) < 30
    assert list((site / "pagefind" / "filter").glob("*.pf_filter")), "the filters are indexed"
    assert not (site / "search" / "search_index.json").exists(), "no lunr index is built"


def test_material_search_box_is_replaced_by_ours(site):
    home = read(site, "index.html")
    assert 'data-md-component="search"' not in home and 'name="search"' not in home
    assert re.search(r'<script src="assets/postmortem-search\.js', home)
    assert (site / "assets" / "postmortem-search.js").is_file()


def test_postmortems_and_hand_written_pages_are_indexed_listings_are_not(site):
    page = read(site, "postmortems/2024-01-09-cache-stampede/index.html")
    assert page.count("data-pagefind-body") == 1
    assert "data-pagefind-body" in read(site, "writing/index.html")
    for listing in ("tags/cache/index.html", "actions/index.html", "archive/2024/index.html", "metrics/index.html"):
        assert "data-pagefind-body" not in read(site, listing), listing


def test_the_header_card_carries_the_filters(site):
    page = read(site, "postmortems/2024-01-09-cache-stampede/index.html")
    assert 'data-pagefind-filter="severity:SEV2"' in page and 'data-pagefind-filter="status:published"' in page
    assert 'data-pagefind-filter="year:2024"' in page
    assert re.search(r'<a href="[^"]*tags/cache/" data-pagefind-filter="tag:cache">cache</a>', page)
    assert re.search(r'<a href="[^"]*services/sessions/" data-pagefind-filter="service:sessions">sessions</a>', page)
    assert re.search(r'<ul class="pm-related"[^>]*data-pagefind-ignore', page), "other titles stay out"


def test_hostile_front_matter_cannot_become_markup_in_the_filter_list(site):
    # Pagefind's UI writes filter values as HTML: markup characters arrive as full-width look-alikes.
    page = read(site, "postmortems/2021-03-03-hostile/index.html")
    assert 'data-pagefind-filter="tag:＜img src=x onerror=alert(3)＞">&lt;img src=x onerror=alert(3)&gt;</a>' in page
    assert 'data-pagefind-filter="service:＜svg onload=alert(5)＞"' in page
    assert "<img src=x" not in page


def test_nothing_is_fetched_from_the_internet(site):
    assert external_fetches(site) == [] and javascript_fetch_triggers(site) == []
    script = read(site, "assets/postmortem-search.js")
    assert not re.search(r"https?://", script.split("*/", 1)[1]), "the script loads only the site's own files"


# Runs mkdocs with the pagefind package made unimportable, as on a machine without it.
WITHOUT_PAGEFIND = """
import sys
class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name == "pagefind" or name.startswith("pagefind."):
            raise ImportError("pagefind is not installed here")
sys.meta_path.insert(0, Refuse())
from mkdocs.__main__ import cli
cli(sys.argv[1:])
"""


def test_without_the_pagefind_package_the_build_says_what_to_install(tmp_path):
    root = make_kb(tmp_path / "kb")
    pagefind_config(root)
    result = build(root, tmp_path / "site", "-c", WITHOUT_PAGEFIND)
    assert result.returncode != 0
    assert "pip install 'pagefind[extended]'" in result.stderr, result.stderr[-2000:]


def test_lunr_stays_the_default(tmp_path):
    root = make_kb(tmp_path / "kb")
    result = build(root, tmp_path / "site", "-m", "mkdocs")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "search" / "search_index.json").is_file()
    assert not (tmp_path / "site" / "pagefind").exists()
    assert "postmortem-search.js" not in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")

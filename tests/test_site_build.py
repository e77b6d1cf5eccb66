"""A real `mkdocs build` through the plugin, checked in the built HTML."""

import json

from conftest import VALID_POSTMORTEM, write
from site_helpers import external_fetches, mkdocs_build

SECOND = VALID_POSTMORTEM.replace("Cache stampede on the session store", "Older disk full on the build host").replace(
    "date: 2024-01-09", "date: 2023-05-01").replace("zanzibar", "quokka").replace("summary: A cache flush", "summary: Logs filled")


def test_build_makes_postmortem_tag_home_pages_and_search_index(kb, tmp_path):
    write(kb / "postmortems/2024-01-09-cache-stampede.md", VALID_POSTMORTEM)
    write(kb / "postmortems/2023-05-01-disk-full.md", SECOND)
    site = tmp_path / "site"
    result = mkdocs_build(kb, site)
    assert result.returncode == 0, result.stderr

    page = (site / "postmortems/2024-01-09-cache-stampede/index.html").read_text(encoding="utf-8")
    assert "Cache stampede on the session store" in page
    assert 'class="pm-badge pm-sev-sev2">SEV2<' in page and ">published<" in page
    assert "2024-01-09 10:00 +0100" in page and 'href="../../tags/server-infra/"' in page
    assert "sessions" in page

    tag = (site / "tags/server-infra/index.html").read_text(encoding="utf-8")
    newer, older = tag.index("Cache stampede"), tag.index("Older disk full")
    assert newer < older, "tag page lists newest first"
    assert "SEV2" in tag and "A cache flush sent every request" in tag
    assert 'href="../../postmortems/2024-01-09-cache-stampede/"' in tag

    overview = (site / "tags/index.html").read_text(encoding="utf-8")
    assert 'href="server-infra/"' in overview and 'href="cache/"' in overview

    home = (site / "index.html").read_text(encoding="utf-8")
    assert "postmortems/2024-01-09-cache-stampede/" in home and "<!-- postmortems:latest -->" not in home

    # Out of the sidebar: the home page's navigation does not list postmortems.
    nav = home[home.index('md-nav--primary'):]
    nav = nav[: nav.index("</nav>")]
    assert "cache-stampede" not in nav

    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    hits = {doc["location"].split("#")[0] for doc in index["docs"] if "zanzibar" in doc["text"]}
    assert hits == {"postmortems/2024-01-09-cache-stampede/"}

    assert external_fetches(site) == []


def test_front_matter_text_is_escaped(kb, tmp_path):
    hostile = VALID_POSTMORTEM.replace(
        "title: Cache stampede on the session store", 'title: "<script>alert(1)</script> [x](javascript:alert(2))"'
    ).replace("tags: [server-infra, cache]", 'tags: ["<img src=x onerror=alert(3)>"]').replace(
        "summary: A cache flush sent every request to the database at once.", 'summary: "<b onmouseover=alert(4)>hi</b>"')
    write(kb / "postmortems/2024-01-09-evil.md", hostile)
    site = tmp_path / "site"
    result = mkdocs_build(kb, site)
    assert result.returncode == 0, result.stderr
    for html in site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert "<script>alert" not in text and "<img src=x" not in text and "<b onmouseover" not in text, html
        assert 'href="javascript:' not in text, html
    page = (site / "postmortems/2024-01-09-evil/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_broken_postmortem_fails_the_build_naming_file_and_reason(kb, tmp_path):
    write(kb / "postmortems/2024-01-09-cache.md", VALID_POSTMORTEM)
    write(kb / "postmortems/2024-02-02-broken.md", "---\ntitle: [oops\n---\n## Summary\n")
    (kb / "postmortems/2024-02-03-latin1.md").write_bytes(b"---\ntitle: x\n---\ncaf\xe9\n")
    result = mkdocs_build(kb, tmp_path / "site")
    assert result.returncode != 0
    assert "postmortems/2024-02-02-broken.md:2" in result.stderr and "not valid YAML" in result.stderr
    assert "postmortems/2024-02-03-latin1.md:4" in result.stderr and "not UTF-8" in result.stderr


def test_missing_sections_still_build_and_appear(kb, tmp_path):
    write(kb / "postmortems/2024-03-01-sparse.md", "---\ntitle: Sparse one\n---\nOnly a line.\n")
    site = tmp_path / "site"
    result = mkdocs_build(kb, site)
    assert result.returncode == 0, result.stderr
    page = (site / "postmortems/2024-03-01-sparse/index.html").read_text(encoding="utf-8")
    assert "Sparse one" in page and "no severity" in page
    assert "2024-03-01-sparse" in (site / "index.html").read_text(encoding="utf-8")

"""`render_site`: a pure function from the knowledge base to every generated file."""

import datetime as dt
import posixpath

from hypothesis import given
from hypothesis import strategies as st
from site_samples import loaded, make_kb

from postmortem_kb.site.escape import url_slug
from postmortem_kb.site.site_render import render_site
from postmortem_kb.site.urls import is_item_page, link, page_url

TODAY = dt.date(2025, 1, 1)


def test_render_site_is_deterministic_and_has_every_permanent_url(tmp_path):
    kb = loaded(make_kb(tmp_path / "kb"))
    first = render_site(kb, today=TODAY)
    assert first == render_site(kb, today=TODAY), "same knowledge base, same bytes (charts included)"
    for path in ("tags/index.md", "services/index.md", "severities/index.md", "archive/index.md", "actions/index.md",
                 "metrics/index.md", "api/postmortems.json", "feed.xml", "assets/postmortem-kb.css",
                 "tags/server-infra.md", "services/sessions.md", "severities/sev2.md", "archive/2024.md",
                 "archive/undated.md", "postmortems/2024-01-09-cache-stampede.md"):
        assert path in first, path
    assert isinstance(first["feed.xml"], bytes) and first["metrics/top-tags.svg"].startswith("<?xml")


def test_every_postmortem_is_listed_on_each_index_it_belongs_to(tmp_path):
    kb = loaded(make_kb(tmp_path / "kb"))
    pages = render_site(kb, today=TODAY)
    for pm in kb.loaded:
        target = f"postmortems/{pm.id}.md"
        assert target in pages
        expected = [f"tags/{url_slug(t)}.md" for t in pm.tags] or ["tags/none.md"]
        expected += [f"services/{url_slug(s)}.md" for s in pm.services] or ["services/none.md"]
        expected.append(f"severities/{url_slug(pm.severity)}.md" if pm.severity else "severities/none.md")
        expected.append(f"archive/{pm.date.year}.md" if pm.date else "archive/undated.md")
        for index in expected:
            assert f'href="../../postmortems/{pm.id}/"' in pages[index], (pm.id, index)
        assert f'href="../postmortems/{pm.id}/"' in pages["actions/index.md"], "with items or under 'without'"


def test_home_page_is_generated_only_when_the_site_has_none(tmp_path):
    kb = loaded(make_kb(tmp_path / "kb"))
    assert "index.md" not in render_site(kb, today=TODAY)
    home = render_site(kb, include_home=True, today=TODAY)["index.md"]
    assert 'href="postmortems/2024-01-09-cache-stampede/"' in home and "<!--" not in home


def test_urls_of_pages_for_both_url_styles():
    assert page_url("tags/cache.md") == "tags/cache/" and page_url("tags/index.md") == "tags/"
    assert page_url("index.md") == "" and page_url("feed.xml") == "feed.xml"
    assert page_url("tags/cache.md", directory_urls=False) == "tags/cache.html"
    assert is_item_page("tags/cache.md") and not is_item_page("tags/index.md") and not is_item_page("metrics/index.md")


segment = st.text(alphabet="abc-", min_size=1, max_size=3)
docs_path = st.lists(segment, min_size=1, max_size=3).map(lambda parts: "/".join(parts) + ".md")


@given(docs_path, docs_path)
def test_links_between_pages_match_posixpath_relpath(from_page, to_page):
    assert link(from_page, to_page) == posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")

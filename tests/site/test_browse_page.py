"""The browse page (/postmortems/) and its data in a real `mkdocs build --strict`.

What is expected comes from the knowledge base's specs (browse_samples); the
data is decoded here by the rules browse_page.FORMAT states, so a change to
the format that the script would misread fails here too.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from browse_samples import SEVERITIES, make_browse_kb
from postmortem_kb.kb import load_knowledge_base
from postmortem_kb.scaffold import slugify
from postmortem_kb.site.browse_page import (
    AFTER_DATE,
    AFTER_TITLE,
    VERBATIM,
    browse_data,
    render_browse_page,
)
from site_helpers import mkdocs_build


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root, wanted = make_browse_kb(tmp_path_factory.mktemp("kb"))
    result = mkdocs_build(root, root / "site")
    assert result.returncode == 0, result.stderr
    return root, root / "site", wanted


def read(site, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def decoded(data: dict) -> list[dict]:
    """Every row of browse.json as plain values."""
    c, v = data["columns"], data["values"]
    rows = []
    for row in range(data["count"]):
        date = dt.date(1970, 1, 1) + dt.timedelta(days=c["date"][row]) if c["date"][row] is not None else None
        form, rest = c["form"][row], c["page"][row]
        if form == VERBATIM:
            page = rest
        elif form == AFTER_DATE:
            page = f"{date.isoformat()}-{rest}"
        else:
            assert form == AFTER_TITLE
            page = f"{date.isoformat()}-{slugify(c['title'][row], limit=None)}{rest}"
        rows.append({
            "page": page, "title": c["title"][row], "date": date,
            "severity": v["severity"][c["severity"][row]], "status": v["status"][c["status"][row]],
            "lang": v["lang"][c["lang"][row]], "tags": tuple(sorted(v["tag"][i] for i in c["tags"][row])),
            "services": tuple(v["service"][i] for i in c["services"][row]),
            "duration": c["duration"][row], "detect": c["detect"][row],
        })
    return rows


def test_the_data_holds_every_postmortem_newest_first_with_its_values(built):
    _, site, wanted = built
    data = json.loads(read(site, "postmortems/browse.json"))
    assert data["version"] == 1 and data["count"] == len(wanted) and data["suffix"] == "/"
    rows = decoded(data)
    assert [row["page"] for row in rows] == [spec.id for spec in wanted]
    for row, spec in zip(rows, wanted):
        assert (row["title"], row["date"], row["severity"], row["status"]) == (
            spec.title, spec.date, spec.severity, spec.status)
        assert row["tags"] == spec.tags and row["services"] == spec.services and row["lang"] == "en"
        assert (row["duration"], row["detect"]) == (spec.resolve_minutes, spec.detect_minutes)
    # Severities in the configured order, ranked for sorting; every row's link is stored short.
    assert data["values"]["severity"][:4] == SEVERITIES and data["severity_rank"][:4] == [0, 1, 2, 3]
    assert set(data["columns"]["form"]) == {AFTER_DATE}
    assert sorted(data["values"]["tag"]) == sorted({tag for spec in wanted for tag in spec.tags})


def test_a_row_id_made_from_its_title_is_stored_as_its_suffix(tmp_path):
    root, _ = make_browse_kb(tmp_path / "kb", count=1)
    path = next((root / "postmortems").glob("*.md"))
    text = path.read_text(encoding="utf-8")
    slug = slugify("Incident 00 in checkout", limit=None)
    path.rename(path.with_name(f"2021-01-01-{slug}-2.md"))
    kb = load_knowledge_base(root)
    data = json.loads(browse_data(kb.loaded, kb.config, directory_urls=False))
    assert data["columns"]["form"] == [AFTER_TITLE] and data["columns"]["page"] == ["-2"]
    assert data["suffix"] == ".html"
    assert decoded(data)[0]["page"] == f"2021-01-01-{slug}-2" and "Incident 00" in text


def test_the_page_lists_the_newest_rows_without_javascript_and_loads_its_script(built):
    _, site, wanted = built
    html = read(site, "postmortems/index.html")
    rows = re.findall(r'<tr(?: class="pm-row-draft")?><td><span class="pm-date">', html)
    assert len(rows) == len(wanted)
    assert html.count('class="pm-row-draft"') == sum(spec.status == "draft" for spec in wanted)
    assert f'<a href="{wanted[0].id}/">{wanted[0].title}</a>' in html
    assert '<script src="../assets/browse.js" defer></script>' in html
    assert 'data-browse-data="browse.json"' in html
    assert (site / "assets/browse.js").read_text(encoding="utf-8").startswith("/* The browse page")
    # In the sidebar of every page (mkdocs.yml's nav).
    assert re.search(r'<a href="postmortems/" class="md-nav__link">\s*<span class="md-ellipsis">\s*Browse postmortems',
                     read(site, "index.html"))


def test_without_javascript_a_large_knowledge_base_shows_the_newest_and_says_where_the_rest_are(built):
    root, _, wanted = built
    kb = load_knowledge_base(root)
    page = render_browse_page(kb.loaded, kb.config.severities, no_script_rows=5).as_markdown()
    assert page.count('<td><span class="pm-date">') == 5
    assert f"the newest 5 of {len(wanted)} postmortems" in page
    assert '<a href="../archive/">Archive by year</a>' in page


def test_index_pages_mark_drafts_link_up_and_link_into_the_browse_page(built):
    _, site, wanted = built
    tag = read(site, "tags/cache/index.html")
    cached = [spec for spec in wanted if "cache" in spec.tags]
    assert tag.count('class="pm-row-draft"') == sum(spec.status == "draft" for spec in cached) > 0
    assert "<th>Status</th>" in tag and '<span class="pm-status pm-status-in-review">in-review</span>' in tag
    assert '<p class="pm-breadcrumbs"><a href="../">Tags</a> › cache</p>' in tag
    assert '<a href="../../postmortems/?tag=cache">Browse with filters</a>' in tag
    severity = read(site, "severities/sev2/index.html")
    assert '<a href="../../postmortems/?severity=SEV2">Browse with filters</a>' in severity
    year = read(site, f"archive/{wanted[0].date.year}/index.html")
    assert f'<a href="../../postmortems/?year={wanted[0].date.year}">Browse with filters</a>' in year
    assert '<a href="../">Archive</a>' in year
    service = read(site, "services/checkout/index.html")
    assert '<a href="../../postmortems/?service=checkout">Browse with filters</a>' in service

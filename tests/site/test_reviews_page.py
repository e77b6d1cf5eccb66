"""/reviews/: in review, stale drafts, and published postmortems short of the approvals the rules ask."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from conftest import VALID_POSTMORTEM, write
from postmortem_kb.site.reviews_page import render_reviews_page
from site_helpers import mkdocs_build
from site_samples import loaded, make_kb

TODAY = dt.date.today()


def _pm(title: str, days_ago: int, status: str, severity: str = "SEV2", extra: str = "") -> str:
    day = (TODAY - dt.timedelta(days=days_ago)).isoformat()
    return (f"---\ntitle: {title}\ndate: {day}\nseverity: {severity}\nstatus: {status}\nauthors: [lee]\n{extra}"
            "summary: Something broke.\n---\n\n## Summary\n\nText.\n")


def _id(days_ago: int, slug: str) -> str:
    return f"{(TODAY - dt.timedelta(days=days_ago)).isoformat()}-{slug}"


SAMPLES = {
    f"{_id(5, 'in-review')}.md": _pm("Waiting on kim", 5, "in-review", extra="reviewers: [kim, ana]\napprovals: [{by: ana, date: 2024-01-01}]\n"),
    f"{_id(10, 'young-draft')}.md": _pm("A young draft", 10, "draft"),
    f"{_id(20, 'middle-draft')}.md": _pm("A draft of twenty days", 20, "draft"),
    f"{_id(40, 'old-draft')}.md": _pm("An old draft", 40, "draft"),
    f"{_id(50, 'sev1-one-approval')}.md": _pm("SEV1 with one approval", 50, "published", "SEV1",
                                              "approvals: [{by: ana, date: 2024-01-01}]\n"),
    f"{_id(60, 'self-approved')}.md": _pm("Approved by its author", 60, "published", "SEV2",
                                          "approvals: [{by: lee, date: 2024-01-01}]\n"),
    f"{_id(70, 'approved')}.md": _pm("Properly approved", 70, "published", "SEV2",
                                     "approvals: [{by: ana, date: 2024-01-01}]\n"),
    "2024-01-09-cache-stampede.md": VALID_POSTMORTEM,  # approved; its action item has ticket OPS-1
}
EXPECTED = {
    "awaiting": [_id(5, "in-review")],
    "stale": [_id(40, "old-draft")],  # stale_draft_days: 30 in the config
    "missing": [_id(60, "self-approved"), _id(50, "sev1-one-approval")],  # oldest first
}


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    root = make_kb(tmp_path_factory.mktemp("reviews"), SAMPLES)
    write(root / "postmortem-kb.yml", "review:\n  stale_draft_days: 30\n"
          "tickets:\n  '^OPS-\\d+$': 'https://jira.example.com/browse/{ticket}'\n")
    return root


def _sections(text: str) -> dict[str, list[str]]:
    """Section heading -> the postmortem ids its rows list, in order."""
    parts = re.split(r"<h2[^>]*>|\n## ", text)
    found = {}
    for part in parts[1:]:
        heading = re.match(r"[^<\n(]+", part).group(0).strip()
        found[heading] = re.findall(r'data-pm-id="([^"]+)"', part)
    return found


def test_the_queue_lists_each_kind_in_its_section(root):
    kb = loaded(root)
    text = render_reviews_page(kb.loaded, kb.config, TODAY).as_markdown()
    sections = _sections(text)
    assert sections["Awaiting review"] == EXPECTED["awaiting"]
    assert sections["Stale drafts"] == EXPECTED["stale"]
    assert sections["Published without the approvals now required"] == EXPECTED["missing"]
    assert "more than 30 days old" in text
    row = text[text.index(f'data-pm-id="{_id(5, "in-review")}"'):]
    row = row[:row.index("</tr>")]
    assert '<span class="pm-status pm-status-in-review">in-review</span>' in row
    assert '<span class="pm-age">5 days</span>' in row and ">1 of 1<" in row and "<td>kim</td>" in row
    sev1 = text[text.index(f'data-pm-id="{_id(50, "sev1-one-approval")}"'):]
    assert '<span class="pm-approvals">1 of 2</span>' in sev1[:sev1.index("</tr>")]


def test_a_default_config_calls_a_draft_stale_after_14_days(tmp_path):
    kb = loaded(make_kb(tmp_path / "kb", SAMPLES))
    sections = _sections(render_reviews_page(kb.loaded, kb.config, TODAY).as_markdown())
    assert sections["Stale drafts"] == [_id(40, "old-draft"), _id(20, "middle-draft")]
    assert '<span class="pm-status pm-status-draft">draft</span>' in render_reviews_page(
        kb.loaded, kb.config, TODAY).as_markdown()


def test_a_real_strict_build_has_the_page_in_the_nav_and_links_tickets(root):
    site = root / "site"
    result = mkdocs_build(root, site)
    assert result.returncode == 0, result.stderr
    page = (site / "reviews" / "index.html").read_text(encoding="utf-8")
    sections = _sections(page[page.index("<article"):])
    assert sections["Awaiting review"] == EXPECTED["awaiting"]
    assert sections["Stale drafts"] == EXPECTED["stale"]
    assert sections["Published without the approvals now required"] == EXPECTED["missing"]
    for pm_id in sum(EXPECTED.values(), []):
        assert f'href="../postmortems/{pm_id}/"' in page
        assert (site / "postmortems" / pm_id / "index.html").is_file()
    ledger = (site / "actions" / "index.html").read_text(encoding="utf-8")
    assert 'href="../reviews/"' in ledger, "in the nav"
    ticket = '<a class="pm-ticket" href="https://jira.example.com/browse/OPS-1"'
    assert ticket in ledger
    assert ticket in (site / "postmortems" / "2024-01-09-cache-stampede" / "index.html").read_text(encoding="utf-8")

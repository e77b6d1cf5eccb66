"""The review queue, ticket links, status badges and the analysis chart in a real browser.

The site is the sample knowledge base plus postmortems in every review
state, with `tickets:` patterns, built with `mkdocs build --strict`. Links
to the tracker are checked by their href only: the browser never leaves
127.0.0.1 (every request is recorded and checked).
"""

from __future__ import annotations

import datetime as dt

import pytest
from browser_support import SiteServer, browser, leaves_localhost, screenshot  # noqa: F401  (browser is a fixture)
from conftest import VALID_POSTMORTEM, write
from site_helpers import mkdocs_build
from site_samples import SAMPLES, make_kb

pytestmark = pytest.mark.e2e

TODAY = dt.date.today()
JIRA = "https://jira.example.com/browse/"
MIN_LABEL_PX = 11


def _day(days_ago: int) -> str:
    return (TODAY - dt.timedelta(days=days_ago)).isoformat()


def _variant(title: str, days_ago: int, status: str, extra: str = "", ticket: str = "OPS-1",
             trigger: str = "deploy") -> str:
    return (VALID_POSTMORTEM.replace("title: Cache stampede on the session store", f"title: {title}")
            .replace("date: 2024-01-09", f"date: {_day(days_ago)}")
            .replace("2024-01-09T", f"{_day(days_ago)}T")
            .replace("status: published", f"status: {status}\ntrigger: {trigger}\n"
                     "contributing_factors: [missing-alert]\ndetection: alert" + extra)
            .replace("| open | OPS-1 |", f"| open | {ticket} |"))


REVIEW_SAMPLES = {
    f"{_day(3)}-waiting-for-kim.md": _variant("Waiting for kim", 3, "in-review", "\nreviewers: [kim]",
                                              ticket="OPS-77"),
    f"{_day(30)}-forgotten-draft.md": _variant("A forgotten draft", 30, "draft", trigger="config-change"),
    f"{_day(45)}-sev1-short-of-approvals.md": _variant("SEV1 short of approvals", 45, "published",
                                                       ticket="#12").replace("severity: SEV2", "severity: SEV1"),
}
EXPECTED = {
    "Awaiting review": [f"{_day(3)}-waiting-for-kim"],
    # Oldest first within each section.
    "Stale drafts": ["2022-08-15-sparse", f"{_day(30)}-forgotten-draft"],
    "Published without the approvals now required": ["2023-05-01-disk-full",
                                                     f"{_day(45)}-sev1-short-of-approvals"],
}


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    root = make_kb(tmp_path_factory.mktemp("reviews"), {**SAMPLES, **REVIEW_SAMPLES})
    write(root / "postmortem-kb.yml", "tickets:\n"
          f"  '^OPS-\\d+$': '{JIRA}{{ticket}}'\n"
          "  '^#(\\d+)$': 'https://github.com/acme/kb/issues/{1}'\n")
    site = root / "site"
    result = mkdocs_build(root, site)
    assert result.returncode == 0, result.stderr
    with SiteServer(site) as server:
        yield server.url


@pytest.fixture
def requests_made():
    return []


def _tab(browser, requests_made, width: int = 1280):
    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    tab.on("request", lambda request: requests_made.append(request.url))
    return context, tab


@pytest.fixture
def page(browser, requests_made):
    context, tab = _tab(browser, requests_made)
    yield tab
    context.close()
    assert requests_made and [url for url in requests_made if leaves_localhost(url)] == []


def test_the_review_queue_lists_each_postmortem_in_its_section_with_its_status(page, site_url):
    page.goto(site_url + "reviews/")
    page.wait_for_load_state("networkidle")
    found = page.evaluate("""() => {
        const out = {};
        for (const h2 of document.querySelectorAll("article h2")) {
            const ids = [];
            for (let e = h2.nextElementSibling; e && e.tagName !== "H2"; e = e.nextElementSibling)
                e.querySelectorAll("tr[data-pm-id]").forEach(tr => ids.push(tr.dataset.pmId));
            out[h2.textContent.replace(/\\s*\\(\\d+\\).*$/s, "").trim()] = ids;
        }
        return out;
    }""")
    assert found == EXPECTED
    for section in EXPECTED.values():
        for pm_id in section:
            row = page.locator(f'tr[data-pm-id="{pm_id}"]')
            badge = row.locator(".pm-status")
            assert badge.is_visible() and badge.inner_text() in ("draft", "in-review", "published"), pm_id
    draft = page.locator(f'tr[data-pm-id="{_day(30)}-forgotten-draft"] .pm-status')
    assert draft.inner_text() == "draft" and "pm-status-draft" in draft.get_attribute("class")
    assert page.locator(f'tr[data-pm-id="{_day(3)}-waiting-for-kim"] .pm-age').inner_text() == "3 days"
    # A row's link leads to its postmortem's page on this site.
    page.locator(f'tr[data-pm-id="{_day(3)}-waiting-for-kim"] a').click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/postmortems/{_day(3)}-waiting-for-kim/")
    screenshot(page, "reviews-postmortem")


def test_the_ledger_shows_status_badges_and_links_tickets_to_the_tracker(page, site_url):
    page.goto(site_url + "actions/")
    page.wait_for_load_state("networkidle")
    screenshot(page, "actions-tickets")
    rows = page.locator('table[data-pm-table="ledger"] tbody tr')
    assert rows.count() >= 5
    for n in range(rows.count()):
        assert rows.nth(n).locator(".pm-status").count() == 1, "each item shows its postmortem's status"
    ticket = page.locator("a.pm-ticket", has_text="OPS-77")
    assert ticket.get_attribute("href") == JIRA + "OPS-77"
    github = page.locator("a.pm-ticket", has_text="#12")
    assert github.get_attribute("href") == "https://github.com/acme/kb/issues/12"
    waiting = page.locator("tr", has=page.locator("a.pm-ticket", has_text="OPS-77"))
    assert waiting.locator(".pm-status").inner_text() == "in-review"
    assert waiting.locator(".pm-age").inner_text() == "3d"


def test_a_postmortem_page_links_its_tickets_and_keeps_the_authors_table(page, site_url):
    page.goto(site_url + f"postmortems/{_day(3)}-waiting-for-kim/")
    page.wait_for_load_state("networkidle")
    link = page.locator(".pm-card a.pm-ticket")
    assert link.count() == 1 and link.inner_text() == "OPS-77"
    assert link.get_attribute("href") == JIRA + "OPS-77"
    assert link.get_attribute("title") == "Guard the flush command"
    # The author's Action items table shows the ticket as written.
    assert page.locator("article table td", has_text="OPS-77").count() == 1
    assert page.locator(".pm-card .pm-status").inner_text() == "in-review"


def test_the_analysis_chart_is_readable_on_a_390_pixel_phone(browser, requests_made, site_url):
    context, tab = _tab(browser, requests_made, width=390)
    try:
        tab.goto(site_url + "analysis/")
        tab.wait_for_load_state("networkidle")
        chart = tab.locator("figure.pm-chart img:visible").first  # on a phone: the narrow drawing
        chart.scroll_into_view_if_needed()
        assert chart.evaluate("img => img.complete && img.naturalWidth > 0")
        # The smallest label as drawn: its font size in the SVG, scaled as the image is shown.
        smallest = chart.evaluate("""async img => {
            const text = await (await fetch(img.src)).text();
            const svg = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
            const base = parseFloat(svg.getAttribute("font-size"));
            const sizes = [...svg.querySelectorAll("text")].map(t => parseFloat(t.getAttribute("font-size") || base));
            const natural = parseFloat(svg.getAttribute("viewBox").split(/\\s+/)[2]);
            return Math.min(...sizes) * img.getBoundingClientRect().width / natural;
        }""")
        screenshot(tab, "analysis-phone")
        assert smallest >= MIN_LABEL_PX, f"chart labels render at {smallest:.1f}px on a 390px screen"
        # A figure opens to the postmortems it counts, each linked on this site.
        figure = tab.locator('details.pm-figure[data-figure^="triggers:"]').first
        figure.locator("summary").click()
        first = figure.locator("a").first
        assert first.is_visible()
        target = first.get_attribute("href")
        first.click()
        tab.wait_for_load_state("networkidle")
        assert "/postmortems/" in tab.url and target.strip("./") in tab.url
    finally:
        context.close()
    assert [url for url in requests_made if leaves_localhost(url)] == []

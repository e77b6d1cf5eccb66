"""Timeline rows in the browser: an anchor per row that scrolls to it, a copy-link button, kind labels and T+."""

from __future__ import annotations

import pytest
from browser_support import SiteServer, browser, open_tab, screenshot  # noqa: F401  (browser is a fixture)
from site_helpers import mkdocs_build
from site_samples import SAMPLES, make_kb

pytestmark = pytest.mark.e2e

PAGE = "postmortems/2024-06-01-long-timeline/"
# Long enough that its last rows start well below the first screen.
LONG = """\
---
title: Long timeline
date: 2024-06-01
severity: SEV2
status: published
authors: [lee]
tags: [cache]
services: [sessions]
started_at: 2024-06-01T09:00:00+00:00
detected_at: 2024-06-01T09:05:00+00:00
mitigated_at: 2024-06-01T11:00:00+00:00
resolved_at: 2024-06-01T13:30:00+00:00
summary: Many rows.
---

## Summary

Rows.

## Impact

Some.

## Timeline

| Time | Kind | Event |
|------|------|-------|
| 2024-06-01 09:00 | Deploy | Config v7 goes out |
""" + "".join(f"| 09:{n:02d} | | Note number {n} |\n" for n in range(1, 40)) + """\
| 10:00 | | 🚨 Latency alert fires |
| 11:00 | | Rolled back to v6 |
| 12:00 | | Status page updated for customers |
| 13:30 | | All clear |

## Root cause

Config.

## Action items

| Action | Owner | Priority | Due | Status | Ticket |
|--------|-------|----------|-----|--------|--------|
| Guard it | lee | P2 | 2024-07-01 | open | OPS-9 |
"""
LIST = """\
---
title: List timeline
date: 2024-06-02
started_at: 2024-06-02T08:00:00+02:00
---

## Timeline

- 08:00 Deploy started
    - a note under it
- 08:15 On-call paged
- 09:45 Incident resolved
"""


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    samples = {**SAMPLES, "2024-06-01-long-timeline.md": LONG, "2024-06-02-list-timeline.md": LIST}
    root = make_kb(tmp_path_factory.mktemp("timeline"), samples)
    site = root / "site"
    result = mkdocs_build(root, site)
    assert result.returncode == 0, result.stderr
    with SiteServer(site) as server:
        yield server.url


def in_view(tab, selector: str) -> bool:
    return tab.locator(selector).evaluate(
        "e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; }")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_row_anchor_scrolls_its_row_into_view(browser, site_url, viewport):
    context, tab = open_tab(browser, viewport, "light")
    try:
        tab.goto(site_url + PAGE + "#t-20240601-1200")
        row = tab.locator("#t-20240601-1200")
        row.wait_for(state="attached")
        tab.wait_for_function("document.getElementById('t-20240601-1200').classList.contains('pm-tl-target')")
        assert row.evaluate("e => e.tagName") == "TR"
        assert "Status page updated" in row.inner_text()
        assert tab.evaluate("window.scrollY") > 500
        assert in_view(tab, "#t-20240601-1200")
        screenshot(tab, f"timeline-anchor-{viewport}")
    finally:
        context.close()


def test_rows_show_their_kind_with_a_label_their_offset_and_a_copy_link_button(browser, site_url):
    context, tab = open_tab(browser, "desktop", "dark")
    try:
        tab.goto(site_url + PAGE)
        rows = tab.locator(".pm-timeline tbody tr")
        assert rows.count() == 44
        assert tab.locator(".pm-tl-row").count() == 44
        first = tab.locator("#t-20240601-0900")
        assert first.locator(".pm-tl-kind").inner_text().strip() == "Deploy"
        assert first.locator(".pm-tl-kind svg[aria-hidden='true']").count() == 1
        assert first.locator(".pm-tl-offset").inner_text() == "T+0m"
        labels = {anchor: tab.locator(f"#{anchor} .pm-tl-kind").inner_text().strip()
                  for anchor in ("t-20240601-1000", "t-20240601-1100", "t-20240601-1200", "t-20240601-1330")}
        assert labels == {"t-20240601-1000": "Alert", "t-20240601-1100": "Mitigation",
                          "t-20240601-1200": "Comms", "t-20240601-1330": "Resolution"}
        assert tab.locator("#t-20240601-1330 .pm-tl-offset").inner_text() == "T+4h 30m"
        assert tab.locator("#t-20240601-0901 .pm-tl-kind").count() == 0
        button = tab.get_by_role("button", name="Copy link to this event")
        assert button.count() == 44
        assert tab.locator("#t-20240601-1330 .pm-tl-offset").is_visible()
    finally:
        context.close()


def test_the_copy_link_button_copies_the_rows_url(browser, site_url):
    context, tab = open_tab(browser, "desktop", "light")
    try:
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
        tab.goto(site_url + PAGE)
        tab.locator("#t-20240601-1100 .pm-tl-copy").click()
        tab.wait_for_function("document.getElementById('pm-tl-status').textContent.length > 0")
        assert tab.evaluate("location.hash") == "#t-20240601-1100"
        assert tab.evaluate("navigator.clipboard.readText()") == site_url + PAGE + "#t-20240601-1100"
        assert tab.locator("#pm-tl-status").inner_text() == "Link copied"
    finally:
        context.close()


def test_list_items_are_marked_too_and_nested_notes_are_not(browser, site_url):
    context, tab = open_tab(browser, "phone", "light")
    try:
        tab.goto(site_url + "postmortems/2024-06-02-list-timeline/#t-20240602-0945")
        tab.wait_for_function("document.querySelectorAll('.pm-tl-row').length === 3")
        assert [tab.locator(".pm-tl-row").nth(n).evaluate("e => e.id") for n in range(3)] == [
            "t-20240602-0800", "t-20240602-0815", "t-20240602-0945"]
        assert tab.locator("#t-20240602-0815 .pm-tl-kind").inner_text().strip() == "Page"
        assert tab.locator("#t-20240602-0945 .pm-tl-offset").inner_text() == "T+1h 45m"
        assert tab.locator(".pm-timeline li li .pm-tl-marks").count() == 0
        screenshot(tab, "timeline-list-phone")
    finally:
        context.close()

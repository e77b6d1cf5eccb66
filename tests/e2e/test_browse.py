"""The browse page (/postmortems/) in Chromium: filters, the address that keeps them, sorting, phones.

Expected rows come from the knowledge base's own specs (browse_samples),
never from the page.
"""

from __future__ import annotations

import pytest
from browse_samples import SEVERITIES, make_browse_kb
from browser_support import SiteServer, browser, leaves_localhost, screenshot  # noqa: F401  (browser is a fixture)
from site_helpers import mkdocs_build

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root, wanted = make_browse_kb(tmp_path_factory.mktemp("kb"))
    result = mkdocs_build(root, root / "site")
    assert result.returncode == 0, result.stderr
    with SiteServer(root / "site") as server:
        yield server.url, wanted


def _tab(browser, width: int, height: int, javascript: bool = True):
    context = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=javascript)
    tab = context.new_page()
    requested: list[str] = []
    tab.on("request", lambda request: requested.append(request.url))
    return context, tab, requested


@pytest.fixture
def page(browser):
    context, tab, requested = _tab(browser, 1280, 900)
    yield tab
    context.close()
    assert [url for url in requested if leaves_localhost(url)] == []


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#pm-browse.pm-browse-ready")


def _titles(page) -> list[str]:
    return page.locator("#pm-browse tbody tr td:nth-child(4) a").all_inner_texts()


def test_filtering_by_tag_and_severity_shows_exactly_those_rows_and_the_address_keeps_them(page, site):
    url, wanted = site
    _open(page, url + "postmortems/")
    assert len(_titles(page)) == len(wanted)
    page.select_option("#pm-browse-tag", "cache")
    page.select_option("#pm-browse-severity", "SEV2")
    expected = [spec.title for spec in wanted if "cache" in spec.tags and spec.severity == "SEV2"]
    assert expected, "the sample has rows for this filter"
    assert _titles(page) == expected
    assert "tag=cache" in page.url and "severity=SEV2" in page.url
    page.reload()
    page.wait_for_selector("#pm-browse.pm-browse-ready")
    assert _titles(page) == expected
    assert page.locator("#pm-browse-tag").input_value() == "cache"
    assert page.locator("#pm-browse-severity").input_value() == "SEV2"
    # The links the script writes lead where the plain table's do.
    first = next(spec for spec in wanted if spec.title == expected[0])
    page.locator("#pm-browse tbody a").first.click()
    page.wait_for_url(f"**/postmortems/{first.id}/")
    screenshot(page, "browse-postmortem-from-filter")


def test_a_shared_link_with_status_year_and_text_reproduces_the_rows(page, site):
    url, wanted = site
    spec = wanted[3]
    _open(page, f"{url}postmortems/?status={spec.status}&year={spec.date.year}&q=incident")
    expected = [s.title for s in wanted if s.status == spec.status and s.date.year == spec.date.year]
    assert _titles(page) == expected
    page.fill("#pm-browse-q", f"{spec.n:02d} in")
    assert _titles(page) == [spec.title]
    assert "q=" in page.url


def test_sorting_by_duration_then_severity_in_the_configured_order(page, site):
    url, wanted = site
    _open(page, url + "postmortems/")
    page.click("th[data-sort=duration] button")
    by_duration = sorted(wanted, key=lambda s: -s.resolve_minutes)
    assert _titles(page) == [s.title for s in by_duration]
    assert page.locator("th[data-sort=duration]").get_attribute("aria-sort") == "descending"
    assert "sort=-duration" in page.url
    page.click("th[data-sort=duration] button")
    assert _titles(page)[0] == min(wanted, key=lambda s: s.resolve_minutes).title
    page.click("th[data-sort=severity] button")
    # Most severe first; ties stay newest first.
    by_severity = sorted(wanted, key=lambda s: SEVERITIES.index(s.severity))
    assert _titles(page) == [s.title for s in by_severity]
    page.reload()
    page.wait_for_selector("#pm-browse.pm-browse-ready")
    assert _titles(page) == [s.title for s in by_severity]
    screenshot(page, "browse-desktop")


def test_drafts_are_marked(page, site):
    url, wanted = site
    _open(page, url + "postmortems/?status=draft")
    rows = page.locator("#pm-browse tbody tr")
    assert rows.count() == sum(spec.status == "draft" for spec in wanted) > 0
    assert rows.evaluate_all("rows => rows.every(row => row.classList.contains('pm-row-draft'))")


def test_no_sideways_scroll_on_a_phone(browser, site):
    url, _ = site
    context, tab, requested = _tab(browser, 390, 844)
    try:
        _open(tab, url + "postmortems/?tag=dns")
        overflow = tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
        screenshot(tab, "browse-phone")
    finally:
        context.close()
    assert [u for u in requested if leaves_localhost(u)] == []


def test_without_javascript_the_plain_table_lists_the_newest(browser, site):
    url, wanted = site
    context, tab, _ = _tab(browser, 1280, 900, javascript=False)
    try:
        tab.goto(url + "postmortems/")
        assert _titles(tab) == [spec.title for spec in wanted]
        assert tab.locator(".pm-browse-filters").is_hidden()
        screenshot(tab, "browse-no-javascript")
    finally:
        context.close()


def test_hostile_titles_and_tags_show_as_text(browser, tmp_path_factory):
    from site_samples import make_kb

    root = make_kb(tmp_path_factory.mktemp("hostile"))
    result = mkdocs_build(root, root / "site")
    assert result.returncode == 0, result.stderr
    context, tab, requested = _tab(browser, 1280, 900)
    dialogs: list[str] = []
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        with SiteServer(root / "site") as server:
            _open(tab, server.url + "postmortems/?q=alert")
            [title] = _titles(tab)
            assert title == "<script>alert(1)</script> [x](javascript:alert(2))"
            assert "<img src=x onerror=alert(3)>" in tab.locator("#pm-browse tbody").inner_text()
            assert tab.locator("#pm-browse tbody img, #pm-browse tbody svg, #pm-browse tbody script").count() == 0
            options = tab.locator("#pm-browse-tag option").all_inner_texts()
            assert any(option.startswith("<img src=x") for option in options)
    finally:
        context.close()
    assert dialogs == []
    assert [u for u in requested if leaves_localhost(u)] == []


def test_a_long_list_comes_a_hundred_rows_at_a_time(browser, tmp_path_factory):
    root, wanted = make_browse_kb(tmp_path_factory.mktemp("long"), count=130)
    result = mkdocs_build(root, root / "site")
    assert result.returncode == 0, result.stderr
    with SiteServer(root / "site") as server:
        context, plain, _ = _tab(browser, 1280, 900, javascript=False)
        try:
            plain.goto(server.url + "postmortems/")
            assert _titles(plain) == [spec.title for spec in wanted[:100]]
            assert "newest 100 of 130 postmortems" in plain.locator(".pm-browse-note").inner_text()
        finally:
            context.close()
        context, tab, requested = _tab(browser, 1280, 900)
        try:
            _open(tab, server.url + "postmortems/")
            assert _titles(tab) == [spec.title for spec in wanted[:100]]
            assert "Showing the first 100" in tab.locator(".pm-browse-count").inner_text()
            tab.click(".pm-browse-more button")
            assert _titles(tab) == [spec.title for spec in wanted]
            assert tab.locator(".pm-browse-more").is_hidden()
        finally:
            context.close()
    assert [u for u in requested if leaves_localhost(u)] == []

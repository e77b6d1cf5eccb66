"""The built site in a real browser: home, search, a tag page, the metrics charts.

Each test saves a screenshot under test-artifacts/screenshots/, and every
request the browser makes is recorded: none may leave 127.0.0.1.
"""

from __future__ import annotations

import pytest
from browser_support import (  # noqa: F401  (browser is a fixture)
    PALETTES, VIEWPORTS, SiteServer, browser, build_sample_site, horizontal_overflow, leaves_localhost, open_tab,
    page_kinds, palette_of, screenshot,
)
from site_helpers import mkdocs_build
from site_samples import make_kb

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    root = make_kb(tmp_path_factory.mktemp("kb"))
    site = root / "site"
    result = mkdocs_build(root, site)
    assert result.returncode == 0, result.stderr
    with SiteServer(site) as server:
        yield server.url


@pytest.fixture
def page(browser):
    """A fresh tab that records every URL it requests; checked after the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    requested: list[str] = []
    tab.on("request", lambda request: requested.append(request.url))
    yield tab
    context.close()
    assert requested, "the page made no request at all"
    assert [url for url in requested if leaves_localhost(url)] == []


def test_home_page_loads_with_the_latest_postmortems(page, site_url):
    response = page.goto(site_url)
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    assert page.title().startswith("Postmortems")
    latest = page.locator("article table").first
    assert latest.locator("a", has_text="Cache stampede on the session store").count() == 1
    screenshot(page, "home")


def test_searching_a_word_of_a_postmortem_body_lists_that_postmortem(page, site_url):
    page.goto(site_url)
    page.wait_for_load_state("networkidle")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    # Typed key by key: Material searches on keyboard input, which fill() does not send.
    page.locator("input[data-md-component='search-query']").press_sequentially("zanzibar", delay=30)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(state="visible", timeout=15_000)
    assert "Cache stampede on the session store" in results.first.inner_text()
    links = [results.nth(n).locator("a").first.get_attribute("href") for n in range(results.count())]
    assert any("postmortems/2024-01-09-cache-stampede/" in (href or "") for href in links)
    screenshot(page, "search")


def test_a_tag_page_lists_its_postmortems_newest_first(page, site_url):
    response = page.goto(site_url + "tags/server-infra/")
    assert response.status == 200
    rows = page.locator("article table tbody tr")
    assert rows.count() == 2
    assert "Cache stampede on the session store" in rows.nth(0).inner_text()
    assert "Older disk full on the build host" in rows.nth(1).inner_text()
    rows.nth(0).locator("a").click()
    page.wait_for_url("**/postmortems/2024-01-09-cache-stampede/")
    assert page.locator(".pm-card .pm-badge").inner_text() == "SEV2"
    screenshot(page, "postmortem")
    page.go_back()
    screenshot(page, "tag")


def test_the_metrics_page_shows_its_charts(page, site_url):
    page.goto(site_url + "metrics/")
    page.wait_for_load_state("networkidle")
    # One image a chart on screen (a chart's phone drawing, where there is one, is hidden here).
    assert page.locator("figure.pm-chart").count() == 5
    charts = page.locator("figure.pm-chart img:visible")
    assert charts.count() == 5
    for n in range(charts.count()):
        chart = charts.nth(n)
        chart.scroll_into_view_if_needed()
        loaded = chart.evaluate("img => img.complete && img.naturalWidth > 0 && img.naturalHeight > 0")
        assert loaded, chart.get_attribute("src")
        assert "table below" in chart.get_attribute("alt")
        assert chart.bounding_box()["width"] > 300
    screenshot(page, "metrics")


# -- every page kind, desktop and phone, light and dark (issue 16) ------------------------------------------

# Rendered chart text may not be smaller than this at any width (charts are drawn with 12px text).
MIN_CHART_TEXT = 11
CHART_FONT = 12


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory):
    site = build_sample_site(tmp_path_factory.mktemp("kinds"))
    with SiteServer(site) as server:
        yield server.url, page_kinds(site)


@pytest.mark.parametrize("palette", list(PALETTES))
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_every_page_kind_fits_the_screen_in_both_palettes(browser, sample_site, viewport, palette):
    url, kinds = sample_site
    context, tab = open_tab(browser, viewport, palette)
    requested: list[str] = []
    tab.on("request", lambda request: requested.append(request.url))
    try:
        for name, path in kinds:
            response = tab.goto(url + path)
            assert response.status == 200, path
            tab.wait_for_load_state("networkidle")
            assert palette_of(tab) == PALETTES[palette][1], path
            # Nothing scrolls sideways: the page is never wider than the window.
            assert horizontal_overflow(tab) <= 0, (path, viewport, horizontal_overflow(tab))
            screenshot(tab, f"{name}-{viewport}-{palette}")
    finally:
        context.close()
    assert [u for u in requested if leaves_localhost(u)] == []


def test_listings_become_cards_on_a_phone(browser, sample_site):
    url, _ = sample_site
    context, tab = open_tab(browser, "phone", "light")
    try:
        tab.goto(url + "tags/server-infra/")
        row = tab.locator("article table tbody tr").first
        assert row.evaluate("r => getComputedStyle(r).display") == "flex"
        assert tab.locator("article table thead").first.is_hidden()
        # The title heads the card, on a line of its own, and the summary is shown whole.
        title = row.locator("td", has=tab.locator("a")).bounding_box()
        cells = [row.locator("td").nth(n).bounding_box() for n in range(row.locator("td").count())]
        assert title["y"] == min(box["y"] for box in cells)
        assert title["width"] > 300
        summary = row.locator("td", has_text="A cache flush sent every request")
        assert summary.is_visible() and summary.bounding_box()["x"] + summary.bounding_box()["width"] <= 390
        desktop_context, desktop = open_tab(browser, "desktop", "light")
        desktop.goto(url + "tags/server-infra/")
        assert desktop.locator("article table tbody tr").first.evaluate("r => getComputedStyle(r).display") == "table-row"
        desktop_context.close()
    finally:
        context.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_chart_text_is_at_least_11px_on_screen(browser, sample_site, viewport):
    url, _ = sample_site
    context, tab = open_tab(browser, viewport, "light")
    try:
        tab.goto(url + "metrics/")
        tab.wait_for_load_state("networkidle")
        # The drawing the screen shows (a phone's own, where the page offers one).
        charts = tab.locator("figure.pm-chart img:visible")
        assert charts.count() >= 5
        for n in range(charts.count()):
            chart = charts.nth(n)
            scale = chart.evaluate("img => img.getBoundingClientRect().width / img.naturalWidth")
            assert scale * CHART_FONT >= MIN_CHART_TEXT, (chart.get_attribute("src"), viewport, scale)
        assert horizontal_overflow(tab) <= 0
    finally:
        context.close()


def test_the_palette_toggle_switches_light_and_dark(browser, sample_site):
    url, _ = sample_site
    context, tab = open_tab(browser, "desktop", "light")
    try:
        tab.goto(url + "postmortems/2024-01-09-cache-stampede/")
        assert palette_of(tab) == "default"
        light_card = tab.locator(".pm-card").evaluate("e => getComputedStyle(e).backgroundColor")
        tab.locator("label[for='__palette_1']").click()
        tab.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
        dark_card = tab.locator(".pm-card").evaluate("e => getComputedStyle(e).backgroundColor")
        assert dark_card != light_card
        # The choice stays for the next page.
        tab.goto(url + "tags/")
        assert palette_of(tab) == "slate"
        status = tab.goto(url + "postmortems/2022-08-15-sparse/")
        assert status.status == 200
        draft = tab.locator(".pm-card .pm-status-draft")
        assert draft.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(55, 71, 79)"
        screenshot(tab, "toggle-dark")
    finally:
        context.close()


def test_a_phone_shows_each_charts_narrow_drawing(browser, sample_site):
    """Every chart comes drawn twice; below 600px the narrow drawing replaces the wide one."""
    url, _ = sample_site
    for viewport, shown in (("phone", "narrow"), ("desktop", "wide")):
        context, tab = open_tab(browser, viewport, "light")
        try:
            tab.goto(url + "metrics/")
            tab.wait_for_load_state("networkidle")
            figure = tab.locator("figure.pm-chart").first
            assert figure.locator("img.pm-chart-wide").count() == 1 and figure.locator("img.pm-chart-narrow").count() == 1
            assert figure.locator(f"img.pm-chart-{shown}").is_visible()
            assert figure.locator("img:visible").count() == 1
            assert figure.evaluate("f => f.scrollWidth <= f.clientWidth")
        finally:
            context.close()

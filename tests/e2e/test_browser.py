"""The built site in a real browser: home, search, a tag page, the metrics charts.

Each test saves a screenshot under test-artifacts/screenshots/, and every
request the browser makes is recorded: none may leave 127.0.0.1.
"""

from __future__ import annotations

import pytest
from browser_support import SiteServer, browser, leaves_localhost, screenshot  # noqa: F401  (browser is a fixture)
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
    charts = page.locator("figure.pm-chart img")
    assert charts.count() == 5
    for n in range(charts.count()):
        chart = charts.nth(n)
        chart.scroll_into_view_if_needed()
        loaded = chart.evaluate("img => img.complete && img.naturalWidth > 0 && img.naturalHeight > 0")
        assert loaded, chart.get_attribute("src")
        assert "table below" in chart.get_attribute("alt")
        assert chart.bounding_box()["width"] > 300
    screenshot(page, "metrics")

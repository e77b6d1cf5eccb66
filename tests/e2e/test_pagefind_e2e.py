"""Pagefind search in a real browser: the header box, results with titles and excerpts, filters, offline.

Each test saves a screenshot under test-artifacts/screenshots/ and records
every request the browser makes: none may leave 127.0.0.1, and none may be
for Material's lunr index.
"""

from __future__ import annotations

import pytest
from browser_support import SiteServer, browser, leaves_localhost, screenshot  # noqa: F401  (browser is a fixture)
from site_helpers import mkdocs_build
from site_samples import make_kb

from conftest import REPO

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    root = make_kb(tmp_path_factory.mktemp("kb"))
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(config.replace("  - postmortems\n", "  - postmortems:\n      search: pagefind\n"),
                                     encoding="utf-8")
    site = root / "site"
    result = mkdocs_build(root, site)
    assert result.returncode == 0, result.stderr
    with SiteServer(site) as server:
        yield server.url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    requested: list[str] = []
    dialogs: list[str] = []
    tab.on("request", lambda request: requested.append(request.url))
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield tab
    context.close()
    assert requested, "the page made no request at all"
    assert [url for url in requested if leaves_localhost(url)] == []
    assert [url for url in requested if "search_index.json" in url or "/workers/search" in url] == []
    assert dialogs == [], "no script from front matter ran"


def search(page, site_url: str, query: str, path: str = ""):
    page.goto(site_url + path)
    page.wait_for_load_state("networkidle")
    box = page.locator(".pm-search input").first
    box.click()
    box.press_sequentially(query, delay=30)
    results = page.locator(".pagefind-ui__result")
    results.first.wait_for(state="visible", timeout=15_000)
    return results


def test_a_word_of_a_body_finds_its_postmortem_with_title_and_excerpt(page, site_url):
    results = search(page, site_url, "zanzibar")
    assert results.count() == 1
    assert results.first.locator(".pagefind-ui__result-title").first.inner_text() == "Cache stampede on the session store"
    assert "zanzibar" in results.first.locator(".pagefind-ui__result-excerpt").first.inner_text()
    link = results.first.locator("a.pagefind-ui__result-link").first.get_attribute("href")
    assert "postmortems/2024-01-09-cache-stampede/" in link
    page.locator("a.pagefind-ui__result-link").first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("postmortems/2024-01-09-cache-stampede/")
    screenshot(page, "pagefind-result-followed")


def test_filters_for_tag_service_and_severity_narrow_the_results(page, site_url):
    results = search(page, site_url, "cache", path="tags/")
    assert results.count() >= 2, "the cache stampede and the disk-full postmortem both say cache"
    filters = page.evaluate(
        """async () => {
            const pagefind = await import(new URL("../pagefind/pagefind.js", location.href).href);
            await pagefind.init();
            return await pagefind.filters();
        }"""
    )
    assert {"tag", "service", "severity", "status", "year"} <= set(filters)
    assert filters["tag"]["server-infra"] == 2 and filters["service"]["sessions"] == 1
    assert filters["severity"]["SEV1"] == 1
    page.locator(".pagefind-ui__filter-name", has_text="Severity").click()
    page.locator(".pagefind-ui__filter-label", has_text="SEV1").click()
    page.wait_for_function("document.querySelectorAll('.pagefind-ui__result').length === 1")
    assert "Older disk full on the build host" in page.locator(".pagefind-ui__result-title").first.inner_text()
    screenshot(page, "pagefind-filtered")


def test_hostile_front_matter_shows_as_text_in_results(page, site_url):
    results = search(page, site_url, "wombat")
    title = results.first.locator(".pagefind-ui__result-title").first.inner_text()
    assert "<script>alert(1)</script>" in title
    screenshot(page, "pagefind-hostile")


def test_the_slash_key_focuses_the_search_box(page, site_url):
    page.goto(site_url)
    page.wait_for_load_state("networkidle")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.closest('.pm-search') !== null")


def test_result_links_keep_the_sub_folder_the_site_is_served_from(browser, tmp_path_factory):
    """Hosted at /kb/ (a project site, TechDocs): result links must keep the /kb/ prefix."""
    import shutil

    root = make_kb(tmp_path_factory.mktemp("kb-sub"))
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(config.replace("  - postmortems\n", "  - postmortems:\n      search: pagefind\n"),
                                     encoding="utf-8")
    result = mkdocs_build(root, root / "served" / "kb")
    assert result.returncode == 0, result.stderr
    context = browser.new_context()
    tab = context.new_page()
    with SiteServer(root / "served") as server:
        results = search(tab, server.url, "zanzibar", path="kb/tags/")
        href = results.first.locator("a.pagefind-ui__result-link").first.get_attribute("href")
        assert href.startswith("/kb/postmortems/2024-01-09-cache-stampede/"), href
    context.close()
    shutil.rmtree(root / "served", ignore_errors=True)

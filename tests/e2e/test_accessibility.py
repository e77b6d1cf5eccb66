"""axe-core on every page kind, and on every hand-written page, in the light and the dark palette.

axe-core (MPL-2.0) comes from the `axe-playwright-python` wheel, which
bundles axe.min.js: it is injected into the page from the file, so nothing
is fetched. A serious or critical violation fails the test with the rule,
its help text and the elements it found.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_support import (  # noqa: F401  (browser is a fixture)
    PALETTES,
    SiteServer,
    browser,
    build_sample_site,
    leaves_localhost,
    open_tab,
    page_kinds,
    palette_of,
)

pytestmark = pytest.mark.e2e

BLOCKING = ("serious", "critical")
NAV_ENTRY = re.compile(r"^\s*-\s+[^:]+:\s+(\S+\.md)\s*$", re.MULTILINE)


def axe_script() -> str:
    axe = pytest.importorskip("axe_playwright_python", reason="install the test extras: pip install -e .[test]")
    return (Path(axe.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def docs_pages(root: Path) -> list[tuple[str, str]]:
    """Every hand-written page of the nav, as (name, URL path)."""
    found = []
    for source in NAV_ENTRY.findall((root / "mkdocs.yml").read_text(encoding="utf-8")):
        if (root / "docs" / source).is_file() and source != "index.md":
            stem = source[: -len(".md")]
            found.append((f"docs-{stem}", stem[: -len("index")] if stem.endswith("index") else stem + "/"))
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("a11y")
    built = build_sample_site(root)
    kinds = page_kinds(built) + docs_pages(root)
    with SiteServer(built) as server:
        yield server.url, kinds


def violations(tab, script: str) -> list[dict]:
    """The serious and critical violations of the page in the tab."""
    if not tab.evaluate("typeof axe !== 'undefined'"):
        tab.evaluate(script)
    result = tab.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [violation for violation in result["violations"] if violation["impact"] in BLOCKING]


def describe(path: str, found: list[dict]) -> str:
    lines = []
    for v in found:
        targets = "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        lines.append(f"{path}: {v['id']} ({v['impact']}): {v['help']} -> {targets}")
    return "\n".join(lines)


def test_the_docs_pages_are_found(site):
    _, kinds = site
    names = [name for name, _ in kinds]
    assert "docs-writing" in names and "docs-lint-rules" in names and len(names) > 20


@pytest.mark.parametrize("palette", list(PALETTES))
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_no_serious_or_critical_violation_on_any_page(browser, site, viewport, palette):
    url, kinds = site
    if viewport == "phone":
        # The cards of the phone layout: the page kinds (the docs pages only reflow their text).
        kinds = [(name, path) for name, path in kinds if not name.startswith("docs-")]
    script = axe_script()
    context, tab = open_tab(browser, viewport, palette)
    requested: list[str] = []
    tab.on("request", lambda request: requested.append(request.url))
    report = []
    try:
        for _name, path in kinds:
            assert tab.goto(url + path).status == 200, path
            tab.wait_for_load_state("networkidle")
            assert palette_of(tab) == PALETTES[palette][1]
            found = violations(tab, script)
            if found:
                report.append(describe(path, found))
    finally:
        context.close()
    assert report == [], "\n".join(report)
    assert [u for u in requested if leaves_localhost(u)] == []


def test_axe_finds_a_violation_when_there_is_one(browser, site):
    """The check can fail: white text on an orange of 3.8:1 (the old SEV2 badge) is reported."""
    url, _ = site
    context, tab = open_tab(browser, "desktop", "light")
    try:
        tab.goto(url + "tags/server-infra/")
        tab.evaluate("document.querySelectorAll('.pm-sev-rank-2').forEach(e => {"
                     " e.style.background = '#e65100'; e.style.color = '#ffffff'; })")
        found = violations(tab, axe_script())
        assert "color-contrast" in {v["id"] for v in found}
    finally:
        context.close()

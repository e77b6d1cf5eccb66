"""A built sample site served on 127.0.0.1, and Debian's Chromium driven by Playwright.

`playwright install` cannot download browsers here, so the tests launch the
system Chromium. Without it they skip with the reason shown, except under
CI=true, where a missing browser is a failure: CI installs it (.ci/run).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("POSTMORTEM_KB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def require_chromium(candidate: str = CHROMIUM, environ=os.environ) -> str:
    """The Chromium binary, or skip (fail under CI=true) saying why there is none."""
    found = candidate if Path(candidate).is_file() else shutil.which("chromium", path=environ.get("PATH"))
    if found:
        return found
    reason = f"Chromium not found at {candidate} or on PATH; install it with `apt-get install chromium`"
    if environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {reason}: the browser tests must run in CI")
    pytest.skip(reason)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass


class SiteServer:
    """Serves a folder over http on 127.0.0.1 (Material's search needs http, not file://)."""

    def __init__(self, folder: Path):
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/"

    def __enter__(self) -> "SiteServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def leaves_localhost(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return False
    return parts.hostname not in ("127.0.0.1",)


# One page of every kind the site has: (name for screenshots, URL path from the site root).
# The sample knowledge base of tests/site_samples.py, built by `build_sample_site`.
PAGE_KINDS = [
    ("home", ""),
    ("postmortem", "postmortems/2024-01-09-cache-stampede/"),
    ("postmortem-sparse", "postmortems/2022-08-15-sparse/"),
    ("tags", "tags/"),
    ("tag", "tags/server-infra/"),
    ("services", "services/"),
    ("service", "services/sessions/"),
    ("severities", "severities/"),
    ("severity", "severities/sev2/"),
    ("archive", "archive/"),
    ("year", "archive/2024/"),
    ("actions", "actions/"),
    ("metrics", "metrics/"),
    ("load-errors", "postmortems/load-errors/"),
    ("docs", "writing/"),
]
# Pages of other rounds (browse, review queue, analysis), checked when the build has them.
OPTIONAL_KINDS = [("browse", "postmortems/"), ("reviews", "reviews/"), ("analysis", "analysis/")]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
# Material picks its palette by the reader's system setting (mkdocs.yml's palette `media`).
PALETTES = {"light": ("light", "default"), "dark": ("dark", "slate")}
BROKEN = "---\ntitle: [oops\n---\n## Summary\n"


def build_sample_site(root: Path) -> Path:
    """The sample knowledge base plus a broken file, built (on_load_error: warn) into root/site."""
    import subprocess
    import sys

    from site_samples import make_kb

    make_kb(root)
    (root / "postmortems" / "2024-02-02-broken.md").write_text(BROKEN, encoding="utf-8")
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(config.replace("  - postmortems\n", "  - postmortems:\n      on_load_error: warn\n"),
                                     encoding="utf-8")
    site = root / "site"
    # Not --strict: the broken file's warning is the point (it makes the load-errors page).
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(site)], cwd=root,
                            capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr
    assert (site / "postmortems/load-errors/index.html").is_file()
    return site


def page_kinds(site: Path) -> list[tuple[str, str]]:
    """PAGE_KINDS, and the optional kinds this build has."""
    optional = [(name, path) for name, path in OPTIONAL_KINDS if (site / path / "index.html").is_file()]
    return PAGE_KINDS + optional


def open_tab(browser, viewport: str, palette: str):
    """A tab of a new context with the viewport and the system colour scheme asked for."""
    context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=PALETTES[palette][0])
    return context, context.new_page()


def palette_of(page) -> str:
    return page.evaluate("document.body.getAttribute('data-md-color-scheme')")


def horizontal_overflow(page) -> int:
    """How many pixels the page is wider than the window (0: nothing scrolls sideways)."""
    return page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
                         " - document.documentElement.clientWidth")


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture(scope="module")
def browser():
    """One headless Debian Chromium per test module, shared by its tabs."""
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()

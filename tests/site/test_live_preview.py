"""The live preview: a rebuild after an edit renders only what shows the edit, and a broken file never stops it.

Most tests drive MkDocs's own `build` twice in this process, as `mkdocs
serve --dirty` does (the same plugin instance, `dirty=True`), and compare
the result with a clean build of the edited knowledge base. The last one
runs a real `mkdocs serve` and polls it over HTTP.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import REPO
from mkdocs.commands.build import build
from mkdocs.config import load_config
from postmortem_kb.kb import load_knowledge_base
from postmortem_kb.scaffold import url_slug
from postmortem_kb.site.related import related_incidents
from site_helpers import _env
from site_samples import make_kb

sys.path.insert(0, str(REPO / "bench"))
from generate_corpus import generate  # noqa: E402

SERVE_URL = "http://127.0.0.1:8000/"
# MkDocs's own files, rewritten by every build whatever changed.
ALWAYS_WRITTEN = {"404.html", "sitemap.xml", "sitemap.xml.gz", "search/search_index.json"}


class Preview:
    """`mkdocs serve --dirty` without the server: dirty rebuilds into one folder, one plugin instance."""

    def __init__(self, root: Path, site: Path):
        self.root, self.site = root, site
        self.plugin = None

    def build(self) -> set[str]:
        """Rebuild; the files (site-relative) that were written."""
        before = self._stamps()
        config = load_config(str(self.root / "mkdocs.yml"), site_dir=str(self.site))
        config.site_url = SERVE_URL
        if self.plugin is None:
            config.plugins.on_startup(command="serve", dirty=True)
        plugin = config.plugins["postmortems"]
        assert self.plugin in (None, plugin), "MkDocs keeps the instance of a plugin that handles on_startup"
        self.plugin = plugin
        time.sleep(0.01)  # let a rewritten file's mtime differ
        build(config, serve_url=SERVE_URL, dirty=True)
        after = self._stamps()
        return {path for path, stamp in after.items() if before.get(path) != stamp}

    def _stamps(self) -> dict[str, int]:
        return {p.relative_to(self.site).as_posix(): p.stat().st_mtime_ns for p in self.site.rglob("*") if p.is_file()}


def clean_build(root: Path, site: Path) -> None:
    """A build in a process of its own: in this one, MkDocs hands back the preview's plugin instance."""
    config = root / "mkdocs.clean.yml"  # the knowledge base's config with the preview's site_url
    config.write_text(f"INHERIT: mkdocs.yml\nsite_url: {SERVE_URL}\n", encoding="utf-8")
    try:
        result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(config),
                                 "--site-dir", str(site)], cwd=root, capture_output=True, text=True, env=_env())
    finally:
        config.unlink()
    assert result.returncode == 0, result.stderr


def differences(site: Path, clean: Path) -> list[str]:
    """Files of a clean build that the preview's folder does not hold as they are."""
    found = []
    for path in clean.rglob("*"):
        name = path.relative_to(clean).as_posix()
        if path.is_file() and name not in ALWAYS_WRITTEN:
            other = site / name
            if not other.is_file() or other.read_bytes() != path.read_bytes():
                found.append(name)
    return found


@pytest.fixture
def preview(tmp_path):
    root = make_kb(tmp_path / "kb")
    generate(root / "postmortems", 40, seed=5)
    return Preview(root, tmp_path / "site")


def page_of(path: Path) -> str:
    return f"postmortems/{path.stem}/index.html"


def test_an_edit_rebuilds_its_page_and_the_pages_that_show_it_and_nothing_else(preview, tmp_path):
    first = preview.build()
    assert len([p for p in first if p.startswith("postmortems/")]) > 40
    target = sorted((preview.root / "postmortems").glob("20*.md"))[10]
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("\n## Summary\n\n", "\n## Summary\n\nA sentence about okapis.\n\n", 1)
                      .replace("\ntags: [", "\ntags: [brand-new-tag, ", 1), encoding="utf-8")

    written = preview.build() - ALWAYS_WRITTEN
    assert {page_of(target), "tags/brand-new-tag/index.html", "tags/index.html"} <= written
    # The browse page and its data list every postmortem with its tags: they show the edit too.
    browse = {"postmortems/index.html", "postmortems/browse.json"}
    others = [p for p in written - browse if p.startswith(("postmortems/", "services/", "severities/", "archive/"))]
    assert others == [page_of(target)], "no other postmortem or index page is rebuilt"
    assert written <= {page_of(target), "tags/brand-new-tag/index.html", "tags/index.html", "metrics/index.html",
                       "metrics/top-tags.svg", "api/postmortems.json", f"api/postmortems/{target.stem}.json",
                       "feed.xml", *browse}
    assert "okapis" in (preview.site / page_of(target)).read_text(encoding="utf-8")
    clean_build(preview.root, tmp_path / "clean")
    assert differences(preview.site, tmp_path / "clean") == []


def test_a_new_title_reaches_the_pages_that_list_or_relate_to_it(preview, tmp_path):
    preview.build()
    kb = load_knowledge_base(preview.root)
    related = related_incidents(kb.loaded)
    shown_by: dict[str, set[str]] = {}
    for pm_id, entries in related.items():
        for entry in entries:
            shown_by.setdefault(entry.postmortem_id, set()).add(pm_id)
    target = max(kb.loaded, key=lambda pm: (len(shown_by.get(pm.id, ())), pm.id))
    neighbours = {f"postmortems/{pm_id}/index.html" for pm_id in shown_by[target.id]}
    text = target.path.read_text(encoding="utf-8")
    target.path.write_text(text.replace(f"title: {text.split('title: ', 1)[1].split(chr(10), 1)[0]}",
                                        'title: "Renamed: quokka"', 1), encoding="utf-8")
    written = preview.build()
    # Its tag pages list it; its neighbours' related incidents show its title.
    for page in [*neighbours, *(f"tags/{url_slug(tag)}/index.html" for tag in target.tags)]:
        assert page in written and "Renamed: quokka" in (preview.site / page).read_text(encoding="utf-8"), page
    unrelated = {f"postmortems/{pm_id}/index.html" for pm_id in related} - neighbours - {page_of(target.path)}
    assert not unrelated & written, "a postmortem page that does not show it is not rebuilt"
    clean_build(preview.root, tmp_path / "clean")
    assert differences(preview.site, tmp_path / "clean") == []


def test_the_review_queue_follows_a_status_and_an_approval_and_only_those(preview, tmp_path):
    preview.build()
    target = next(path for path in sorted((preview.root / "postmortems").glob("20*.md"))
                  if "approvals:" not in path.read_text(encoding="utf-8"))
    text = target.read_text(encoding="utf-8")
    reviews = "reviews/index.html"
    # A tag edit changes nothing the queue shows: its page is not rebuilt.
    target.write_text(text.replace("\ntags: [", "\ntags: [queue-neutral, ", 1), encoding="utf-8")
    assert reviews not in preview.build()
    # Into review: the queue lists it; an approval changes its count.
    status = re.search(r"^status: .*$", text, re.M)
    in_review = text.replace(status.group(0), "status: in-review") if status else \
        text.replace("\ntitle:", "\nstatus: in-review\ntitle:", 1)
    target.write_text(in_review, encoding="utf-8")
    assert reviews in preview.build()
    assert target.stem in (preview.site / reviews).read_text(encoding="utf-8")
    target.write_text(in_review.replace("\ntitle:", "\napprovals: [{by: zora, date: 2024-05-01}]\ntitle:", 1),
                      encoding="utf-8")
    assert reviews in preview.build()
    clean_build(preview.root, tmp_path / "clean")
    assert differences(preview.site, tmp_path / "clean") == []


def test_a_serve_that_is_not_dirty_renders_every_page_each_time(tmp_path):
    """Without `--dirty` MkDocs renders every page again: each gets its whole markdown every time."""
    root = make_kb(tmp_path / "kb")
    site = tmp_path / "site"
    plugin = None
    for _ in range(2):
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
        config.site_url = SERVE_URL
        if plugin is None:
            config.plugins.on_startup(command="serve", dirty=False)
        plugin = config.plugins["postmortems"]
        build(config, serve_url=SERVE_URL, dirty=False)
    clean_build(root, tmp_path / "clean")
    assert differences(site, tmp_path / "clean") == []


def test_a_broken_file_shows_its_error_at_its_own_url_and_comes_back_when_fixed(preview, tmp_path):
    preview.build()
    target = preview.root / "postmortems" / "2024-01-09-cache-stampede.md"
    good = target.read_text(encoding="utf-8")
    target.write_text(good.replace("tags: [server-infra, cache]", "tags: [server-infra, cache"), encoding="utf-8")
    written = preview.build()  # must not raise: a failed rebuild leaves `mkdocs serve` waiting
    error_page = (preview.site / "postmortems/2024-01-09-cache-stampede/index.html").read_text(encoding="utf-8")
    assert "could not be loaded" in error_page and "postmortems/2024-01-09-cache-stampede.md" in error_page
    assert "not valid YAML" in error_page and "load-yaml" in error_page
    assert "tags/server-infra/index.html" in written
    assert "Cache stampede" not in (preview.site / "tags/server-infra/index.html").read_text(encoding="utf-8")
    assert "Older disk full" in (preview.site / "tags/server-infra/index.html").read_text(encoding="utf-8")

    target.write_text(good, encoding="utf-8")
    preview.build()
    page = (preview.site / "postmortems/2024-01-09-cache-stampede/index.html").read_text(encoding="utf-8")
    assert "could not be loaded" not in page and "zanzibar" in page
    clean_build(preview.root, tmp_path / "clean")
    assert differences(preview.site, tmp_path / "clean") == []


def test_a_plain_build_still_stops_at_a_broken_file(tmp_path):
    root = make_kb(tmp_path / "kb")
    (root / "postmortems" / "2024-02-02-broken.md").write_text("---\ntitle: [oops\n---\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(tmp_path / "site")],
                            cwd=root, capture_output=True, text=True, env=_env())
    assert result.returncode != 0 and "postmortems/2024-02-02-broken.md:2" in result.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:  # the server answers or the test fails: no hang
        return response.read().decode("utf-8")


def _until(url: str, needle: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while True:
        try:
            body = _get(url)
            if needle in body:
                return body
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{url} did not show {needle!r} within {seconds} s")
        time.sleep(0.2)


def test_mkdocs_serve_shows_edits_and_errors_and_never_hangs(tmp_path):
    root = make_kb(tmp_path / "kb")
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dirty", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=root, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True,
                              # Ctrl-C stops it (and it removes its temporary site) even under a shell that
                              # started this test run in the background, where SIGINT is ignored.
                              preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        page = base + "postmortems/2024-01-09-cache-stampede/"
        _until(page, "zanzibar")
        time.sleep(1.5)  # the watcher starts after the first build
        target = root / "postmortems" / "2024-01-09-cache-stampede.md"
        good = target.read_text(encoding="utf-8")
        target.write_text(good.replace("zanzibar", "zanzibar and a capybara"), encoding="utf-8")
        _until(page, "capybara")
        target.write_text(good.replace("tags: [server-infra, cache]", "tags: [server-infra, cache"), encoding="utf-8")
        _until(page, "could not be loaded")
        assert "Older disk full" in _get(base + "tags/server-infra/"), "the rest of the site keeps serving"
        target.write_text(good, encoding="utf-8")
        body = _until(page, "zanzibar")
        assert "could not be loaded" not in body and "capybara" not in body
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        assert server.returncode is not None

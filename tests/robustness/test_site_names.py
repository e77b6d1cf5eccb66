"""Names are data, never paths: values and file names that spell or fold onto another page (issue 13).

Each case is a real `mkdocs build` (and `postmortem lint` where it has a
say): the page a name would have taken stays what it was, the name gets a
page of its own, and nothing fails.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

from conftest import VALID_POSTMORTEM, write
from robustness.reliability_cases import BY_ID, covers
from robustness.robust_helpers import postmortem
from site_helpers import mkdocs_build


def with_tags(tags: str, title: str = "Cache stampede on the session store", severity: str = "SEV2",
              services: str = "[sessions]") -> str:
    return (VALID_POSTMORTEM.replace("tags: [server-infra, cache]", f"tags: {tags}")
            .replace("title: Cache stampede on the session store", f"title: {title}")
            .replace("severity: SEV2", f"severity: {severity}").replace("services: [sessions]", f"services: {services}"))


def built(kb: Path, *extra: str) -> Path:
    result = mkdocs_build(kb, kb / "site", *extra)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return kb / "site"


def heading(site: Path, page: str) -> str:
    html = (site / page).read_text(encoding="utf-8")
    start = html.index("<h1")
    return html[html.index(">", start) + 1: html.index("</h1>", start)].split("<a class=\"headerlink\"")[0]


def lint_output(kb: Path) -> subprocess.CompletedProcess:
    result = postmortem(kb, "lint")
    assert "Traceback" not in result.stderr
    return result


@covers("value-named-index")
def test_values_named_index_or_none_leave_the_overviews_and_the_no_value_pages_alone(kb):
    write(kb / "postmortems/2024-01-09-cache-stampede.md", with_tags("[index, none]", services="[index]"))
    result = lint_output(kb)
    assert result.returncode == 0, result.stdout
    assert BY_ID["value-named-index"].matches(result.stdout)
    # An unconfigured severity is lint's error (severity-known); the site still gives it a page.
    write(kb / "postmortems/2024-01-10-untagged.md",
          with_tags("[]", title="Untagged", severity="index", services="[]"))
    site = built(kb)
    assert heading(site, "tags/index.html") == "Tags"
    assert heading(site, "services/index.html") == "Services"
    assert heading(site, "severities/index.html") == "Severities"
    assert "Untagged" in (site / "tags/none/index.html").read_text(encoding="utf-8")
    for folder, value in (("tags", "index"), ("tags", "none"), ("services", "index"), ("severities", "index")):
        own = [p for p in (site / folder).glob(f"{value}--*/index.html")]
        assert len(own) == 1, (folder, value)
        kind = {"tags": "Tag", "services": "Service", "severities": "Severity"}[folder]
        assert heading(site, str(own[0].relative_to(site))) == f"{kind}: {value}"
    # The postmortem's own page links to the pages its values really have.
    page = (site / "postmortems/2024-01-09-cache-stampede/index.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="\.\./\.\./tags/index--[0-9a-f]{8}/" data-pagefind-filter="tag:index">', page)


@covers("values-fold-together")
def test_spellings_that_fold_together_each_get_a_page_whatever_the_file_order(kb):
    write(kb / "postmortems/2024-01-09-a.md", with_tags("[Server Infra]", title="Spelled with capitals"))
    write(kb / "postmortems/2024-01-10-b.md", with_tags("[server-infra, Server Infra]", title="Spelled both ways"))
    result = lint_output(kb)
    assert result.returncode == 0, result.stdout
    assert BY_ID["values-fold-together"].matches(result.stdout)
    site = built(kb)
    plain = (site / "tags/server-infra/index.html").read_text(encoding="utf-8")
    assert "Tag: server-infra" in plain and "Spelled both ways" in plain and "Spelled with capitals" not in plain
    [other] = list((site / "tags").glob("server-infra--*/index.html"))
    assert "Spelled with capitals" in other.read_text(encoding="utf-8")
    # Each postmortem's own page links to its values' real pages.
    capitals = (site / "postmortems/2024-01-09-a/index.html").read_text(encoding="utf-8")
    assert f'href="../../tags/{other.parent.name}/" data-pagefind-filter="tag:Server Infra"' in capitals
    # The same hashed URL from a knowledge base where the files come in the other order.
    digest = hashlib.sha256(b"Server Infra").hexdigest()[:8]
    assert other.parent.name == f"server-infra--{digest}"


@covers("tag-300-characters")
def test_a_300_character_tag_builds_with_a_bounded_file_name(kb):
    tag = "very-long-" + "x" * 290
    assert len(tag) == 300
    write(kb / "postmortems/2024-01-09-cache-stampede.md", with_tags(f"[{tag}]"))
    result = lint_output(kb)
    assert result.returncode == 0, result.stdout
    assert BY_ID["tag-300-characters"].matches(result.stdout)
    site = built(kb)
    [page] = [p for p in (site / "tags").iterdir() if p.is_dir() and p.name.startswith("very-long")]
    assert len(page.name) <= 80 and "--" in page.name
    assert tag in (page / "index.html").read_text(encoding="utf-8")


@covers("postmortem-named-load-errors")
def test_a_postmortem_named_load_errors_keeps_both_pages(kb):
    config = (kb / "mkdocs.yml").read_text(encoding="utf-8")
    (kb / "mkdocs.yml").write_text(config.replace("  - postmortems\n", "  - postmortems:\n      on_load_error: warn\n"),
                                   encoding="utf-8")
    write(kb / "postmortems/load-errors.md", with_tags("[cache]", title="A postmortem named load-errors"))
    write(kb / "postmortems/2024-02-02-broken.md", "---\ntitle: [\n---\n")
    # Not --strict: with `on_load_error: warn` the broken file is a warning by design.
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(kb / "site")], cwd=kb,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "load-errors.md" not in result.stderr
    site = kb / "site"
    listed = (site / "postmortems/load-errors/index.html").read_text(encoding="utf-8")
    assert "could not be loaded" in listed and "2024-02-02-broken.md" in listed
    own = (site / "postmortems/_load-errors/index.html").read_text(encoding="utf-8")
    assert "A postmortem named load-errors" in own
    browse = (site / "postmortems/index.html").read_text(encoding="utf-8")
    assert 'href="_load-errors/"' in browse

"""Backstage TechDocs: `postmortem generate --variant techdocs` built by mkdocs-techdocs-core itself.

TechDocs builds a site with `mkdocs build` and its `techdocs-core` plugin
(what `techdocs-cli generate --no-docker` runs), in an environment with its
own pinned mkdocs-material; the test installs exactly that, apart from ours.
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest
import yaml
from ci_checks import actionlint, check_schema
from conftest import VALID_POSTMORTEM, write
from doc_blocks import named_files
from site_helpers import external_fetches, javascript_fetch_triggers
from site_samples import make_kb
from tool_envs import REPO, TECHDOCS_CORE, postmortem, python_tool, tool_env

from postmortem_kb.site.mkdocs_variant import Tagged, variant_for

# What TechDocs' extra extensions would turn into markup or a fetch if it
# reached them unescaped: magiclink (URLs, e-mail), emoji (CDN images), mark, caret.
LOOKS_LIKE_MARKUP = (
    VALID_POSTMORTEM.replace("title: Cache stampede on the session store",
                             "title: 'Checkout ==errors== after https://evil.example.com/push'")
    .replace("tags: [server-infra, cache]", "tags: [':boom:', 'ops@example.com', '^^up^^']")
    .replace("date: 2024-01-09", "date: 2024-03-05")
    .replace("summary: A cache flush sent every request to the database at once.",
             "summary: 'Boom :smile: see https://evil.example.com/x, ops@example.com, ==mark== ^^ins^^'")
    .replace("zanzibar", "okapi :fire:")
)


@pytest.fixture(scope="module")
def techdocs_site(tmp_path_factory):
    env = python_tool("techdocs", [TECHDOCS_CORE])
    root = tmp_path_factory.mktemp("techdocs")
    kb = make_kb(root / "kb", {"2024-01-09-cache-stampede.md": VALID_POSTMORTEM,
                               "2024-03-05-looks-like-markup.md": LOOKS_LIKE_MARKUP})
    out = root / "techdocs-src"
    generated = postmortem("generate", "--out", str(out), "--variant", "techdocs", cwd=kb)
    assert generated.returncode == 0, generated.stderr
    site = root / "site"
    build = subprocess.run([str(env / "bin" / "mkdocs"), "build", "--strict", "-f", str(out / "mkdocs.yml"),
                            "--site-dir", str(site)], capture_output=True, text=True, env=tool_env(), timeout=600)
    assert build.returncode == 0, build.stdout + build.stderr
    return out, site


@pytest.mark.slow
def test_techdocs_core_builds_the_postmortem_and_tag_pages_and_its_metadata(techdocs_site):
    out, site = techdocs_site
    config = yaml.safe_load((out / "mkdocs.yml").read_text(encoding="utf-8").replace("!!python/name:", ""))
    assert config["plugins"][0] == "techdocs-core" and "search" not in config["plugins"]
    metadata = json.loads((site / "techdocs_metadata.json").read_text(encoding="utf-8"))
    assert metadata["site_name"] == "Postmortems"
    page = (site / "postmortems/2024-01-09-cache-stampede/index.html").read_text(encoding="utf-8")
    assert "Cache stampede on the session store" in page and "zanzibar" in page
    tag = (site / "tags/server-infra/index.html").read_text(encoding="utf-8")
    assert "postmortems/2024-01-09-cache-stampede/" in tag
    for overview in ("tags", "services", "severities", "archive", "actions", "metrics"):
        assert (site / overview / "index.html").is_file(), overview
    search = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    assert any("zanzibar" in doc["text"] for doc in search["docs"]), "TechDocs' search index holds the postmortems"


@pytest.mark.slow
def test_techdocs_site_fetches_nothing_and_front_matter_stays_text(techdocs_site):
    _, site = techdocs_site
    assert external_fetches(site) == [] and javascript_fetch_triggers(site) == []
    page = (site / "postmortems/2024-03-05-looks-like-markup/index.html").read_text(encoding="utf-8")
    listing = (site / "archive/2024/index.html").read_text(encoding="utf-8")
    metrics = (site / "metrics/index.html").read_text(encoding="utf-8")
    for html in (page, listing, metrics):
        assert 'href="https://evil' not in html and "mailto:" not in html
        assert "<mark>" not in html and "<ins>" not in html and "<sup>" not in html
        assert 'title=":smile:"' not in html and 'title=":boom:"' not in html
        assert "\N{COLLISION SYMBOL}" not in html, "an emoji shortcode in front matter stays text"
    # The author's body is markdown, rendered as such; its emoji becomes a character, not a CDN image.
    assert "okapi \N{FIRE}" in page


def test_techdocs_variant_swaps_search_for_techdocs_core_and_keeps_other_plugins(tmp_path):
    original = {"site_name": "KB", "plugins": ["search", {"postmortems": {"on_load_error": "warn"}}, "tags"],
                "markdown_extensions": ["tables"]}
    config = variant_for("techdocs", original, tmp_path / "mkdocs.yml", tmp_path / "out", "docs")
    assert config["plugins"] == ["techdocs-core", "tags"]
    emoji = next(e["pymdownx.emoji"] for e in config["markdown_extensions"] if isinstance(e, dict) and "pymdownx.emoji" in e)
    assert emoji == {"emoji_generator": Tagged("tag:yaml.org,2002:python/name:pymdownx.emoji.to_alt", "scalar", "")}
    mapping = variant_for("techdocs", {"plugins": {"search": {}, "postmortems": {}}}, tmp_path / "mkdocs.yml",
                          tmp_path / "out", "docs")
    assert mapping["plugins"] == {"techdocs-core": {}}
    team_emoji = {"pymdownx.emoji": {"emoji_generator": "their own"}}
    kept = variant_for("techdocs", {"markdown_extensions": [team_emoji]}, tmp_path / "mkdocs.yml", tmp_path / "out", "docs")
    assert kept["markdown_extensions"].count(team_emoji) == 1 and len(
        [e for e in kept["markdown_extensions"] if isinstance(e, dict) and "pymdownx.emoji" in e]) == 1
    plain = variant_for("plain", original, tmp_path / "mkdocs.yml", tmp_path / "out", "docs")
    assert plain["plugins"] == ["search", "tags"]


PAGE = REPO / "docs" / "techdocs.md"


def test_the_page_pins_the_tested_techdocs_core_and_its_ci_workflow_is_valid(tmp_path):
    text = PAGE.read_text(encoding="utf-8")
    assert "postmortem generate --out build/techdocs --variant techdocs" in text
    assert set(re.findall(r"mkdocs-techdocs-core==[\d.]+", text)) == {TECHDOCS_CORE}
    files = named_files(PAGE)
    workflow = write(tmp_path / "techdocs.yml", files[".github/workflows/techdocs.yml"])
    result = check_schema("vendor.github-workflows", workflow)
    assert result.returncode == 0, result.stdout + result.stderr
    steps = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]["publish"]["steps"]
    assert any("--variant techdocs" in step.get("run", "") for step in steps)
    entity = yaml.safe_load(files["catalog-info.yaml"])
    assert entity["metadata"]["annotations"]["backstage.io/techdocs-ref"] == "dir:."


@pytest.mark.slow
def test_actionlint_finds_nothing_in_the_techdocs_workflow(tmp_path):
    workflow = write(tmp_path / "techdocs.yml", named_files(PAGE)[".github/workflows/techdocs.yml"])
    assert actionlint(workflow) == []

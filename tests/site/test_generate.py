"""`postmortem generate --out DIR`: the same site from pages on disk, built without our plugin."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import VALID_POSTMORTEM, write
from postmortem_kb.cli import main
from postmortem_kb.generate import MARKER
from postmortem_kb.site.mkdocs_variant import (
    Tagged,
    dump_config,
    read_mkdocs_config,
    variant_config,
)
from site_helpers import _env, mkdocs_build
from site_samples import make_kb

# Runs mkdocs with our package made unimportable, so the build provably uses
# no plugin (or any other code) of ours.
PLAIN_MKDOCS = """
import sys
class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name == "postmortem_kb" or name.startswith("postmortem_kb."):
            raise ImportError("postmortem_kb is blocked in this build")
sys.meta_path.insert(0, Refuse())
from mkdocs.__main__ import cli
cli(sys.argv[1:])
"""


def plain_build(config: Path, site: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", PLAIN_MKDOCS, "build", "--strict", "-f", str(config), "--site-dir", str(site)],
        capture_output=True, text=True, env=_env(),
    )


def article(html: str) -> str:
    return html[html.index("<article"): html.index("</article>")] if "<article" in html else html


def test_generated_pages_build_without_our_plugin_into_the_same_site(tmp_path):
    root = make_kb(tmp_path / "kb")
    with_plugin = tmp_path / "with-plugin"
    result = mkdocs_build(root, with_plugin)
    assert result.returncode == 0, result.stderr

    out = tmp_path / "generated"
    cli = subprocess.run([sys.executable, "-m", "postmortem_kb", "generate", "--out", str(out)], cwd=root,
                         capture_output=True, text=True, env=_env())
    assert cli.returncode == 0, cli.stderr
    assert f"build it with: mkdocs build -f {out}/mkdocs.yml" in cli.stdout
    variant = yaml.safe_load((out / "mkdocs.yml").read_text(encoding="utf-8"))
    assert "postmortems" not in variant["plugins"] and variant["docs_dir"] == "docs"
    assert "<!-- postmortems:latest -->" not in (out / "docs/index.md").read_text(encoding="utf-8")

    without = tmp_path / "without-plugin"
    plain = plain_build(out / "mkdocs.yml", without)
    assert plain.returncode == 0, plain.stderr

    def files(site: Path) -> set[str]:
        return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and not p.name.startswith("sitemap")}

    assert files(with_plugin) == files(without)
    for name in sorted(files(with_plugin)):
        a, b = (with_plugin / name).read_bytes(), (without / name).read_bytes()
        if name.endswith(".html"):
            assert article(a.decode()) == article(b.decode()), name
        elif name != "search/search_index.json":
            assert a == b, name
    index_a = json.loads((with_plugin / "search/search_index.json").read_text(encoding="utf-8"))
    index_b = json.loads((without / "search/search_index.json").read_text(encoding="utf-8"))
    # The same entries; only their order (the order files were added) may differ.
    key = lambda doc: (doc["location"], doc["title"])  # noqa: E731
    assert sorted(index_a["docs"], key=key) == sorted(index_b["docs"], key=key)


def test_generate_refuses_a_folder_it_did_not_create_unless_forced(kb, runner, tmp_path):
    write(kb / "postmortems/2024-01-09-cache-stampede.md", VALID_POSTMORTEM)
    out = tmp_path / "out"
    write(out / "notes.txt", "mine")
    refused = runner.invoke(main, ["generate", "--out", str(out)])
    assert refused.exit_code == 1 and "not empty and was not written by `postmortem generate`" in refused.output
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"], "nothing written"
    forced = runner.invoke(main, ["generate", "--out", str(out), "--force"])
    assert forced.exit_code == 0, forced.output
    assert (out / "notes.txt").read_text() == "mine" and (out / "docs/postmortems/2024-01-09-cache-stampede.md").is_file()


def test_regenerating_updates_in_place_removes_stale_pages_and_keeps_other_files(kb, runner, tmp_path):
    write(kb / "postmortems/2024-01-09-cache-stampede.md", VALID_POSTMORTEM)
    second = kb / "postmortems/2023-05-01-other.md"
    write(second, VALID_POSTMORTEM.replace("date: 2024-01-09", "date: 2023-05-01").replace("[server-infra, cache]", "[gone-tag]"))
    out = tmp_path / "out"
    first = runner.invoke(main, ["generate", "--out", str(out), "--format", "json"])
    assert first.exit_code == 0, first.output
    report = json.loads(first.output)
    assert "docs/tags/gone-tag.md" in report["written"] and report["removed"] == []
    write(out / "docs/extra-by-hand.md", "# Mine\n")

    second.unlink()
    again = runner.invoke(main, ["generate", "--out", str(out), "--format", "json"])
    assert again.exit_code == 0, again.output
    report = json.loads(again.output)
    assert set(report["removed"]) >= {"docs/postmortems/2023-05-01-other.md", "docs/tags/gone-tag.md",
                                      "docs/archive/2023.md"}
    assert not (out / "docs/tags/gone-tag.md").exists() and (out / "docs/extra-by-hand.md").is_file()
    assert "docs/writing.md" not in report["written"] and report["unchanged"] > 0, "unchanged files are not rewritten"
    assert json.loads((out / MARKER).read_text())["files"] == sorted(json.loads((out / MARKER).read_text())["files"])


def test_generate_never_replaces_a_file_it_did_not_write(kb, runner, tmp_path):
    write(kb / "postmortems/2024-01-09-cache-stampede.md", VALID_POSTMORTEM)
    out = tmp_path / "out"
    assert runner.invoke(main, ["generate", "--out", str(out)]).exit_code == 0
    write(kb / "postmortems/2024-02-02-new.md", VALID_POSTMORTEM.replace("date: 2024-01-09", "date: 2024-02-02"))
    write(out / "docs/postmortems/2024-02-02-new.md", "hand-written, not ours\n")
    refused = runner.invoke(main, ["generate", "--out", str(out)])
    assert refused.exit_code == 1 and "docs/postmortems/2024-02-02-new.md" in refused.output
    assert (out / "docs/postmortems/2024-02-02-new.md").read_text() == "hand-written, not ours\n"


def test_load_errors_stop_generate_naming_file_and_line_or_are_listed_with_warn(kb, runner, tmp_path):
    write(kb / "postmortems/2024-01-09-cache-stampede.md", VALID_POSTMORTEM)
    write(kb / "postmortems/2024-02-02-broken.md", "---\ntitle: [oops\n---\n## Summary\n")
    out = tmp_path / "out"
    failed = runner.invoke(main, ["generate", "--out", str(out)])
    assert failed.exit_code == 1
    assert "postmortems/2024-02-02-broken.md:2: front matter is not valid YAML" in failed.output
    assert not out.exists()
    warned = runner.invoke(main, ["generate", "--out", str(out), "--on-load-error", "warn"])
    assert warned.exit_code == 0 and "2024-02-02-broken.md:2" in warned.output
    listed = (out / "docs/postmortems/load-errors.md").read_text(encoding="utf-8")
    assert "broken" in listed and "not valid YAML" in listed


def test_out_inside_the_docs_folder_is_a_usage_error(kb, runner):
    result = runner.invoke(main, ["generate", "--out", str(kb / "docs/generated")])
    assert result.exit_code == 2 and "inside the docs folder" in result.output
    assert not (kb / "docs/generated").exists()


def test_variant_config_keeps_yaml_tags_and_drops_only_our_plugin(tmp_path):
    original = tmp_path / "kb/mkdocs.yml"
    write(original, """\
        site_name: Team KB
        site_dir: public
        plugins:
          - search
          - postmortems:
              on_load_error: warn
        extra_css: [extra.css]
        markdown_extensions:
          - pymdownx.emoji:
              emoji_index: !!python/name:material.extensions.emoji.twemoji
          - toc:
              permalink: !ENV [PERMALINK, true]
        """)
    variant = variant_config(read_mkdocs_config(original), original, tmp_path / "out", "docs")
    assert variant["plugins"] == ["search"] and "site_dir" not in variant
    assert variant["extra_css"] == ["extra.css", "assets/postmortem-kb.css"]
    assert {"tables", "md_in_html", "admonition"} <= {e if isinstance(e, str) else next(iter(e)) for e in variant["markdown_extensions"]}
    assert "!/tags/index.md" in variant["not_in_nav"], "without a nav, overviews stay listed"
    text = dump_config(variant, original)
    assert "emoji_index: !!python/name:material.extensions.emoji.twemoji" in text
    assert "permalink: !ENV\n" in text or "permalink: !ENV [" in text
    reread = read_mkdocs_config(write(tmp_path / "again.yml", text))
    emoji = next(e for e in reread["markdown_extensions"] if isinstance(e, dict) and "pymdownx.emoji" in e)
    assert emoji["pymdownx.emoji"]["emoji_index"] == Tagged("tag:yaml.org,2002:python/name:material.extensions.emoji.twemoji", "scalar", "")

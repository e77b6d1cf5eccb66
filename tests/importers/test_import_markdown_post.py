"""`postmortem import`: old posts become format v1 files without losing a word."""

import datetime as dt
import json
import shutil

import frontmatter
import pytest
from import_helpers import POSTS, body_texts, missing_texts, normalise, sentences, shared_path

from conftest import write
from postmortem_kb.cli import main
from postmortem_kb.config import load_config
from postmortem_kb.importers import ImportFailure
from postmortem_kb.importers.markdown_post import convert_post, split_front_matter
from postmortem_kb.loader import load_postmortem, parse_postmortem


def imported(kb, name):
    return kb / "postmortems" / name


def test_toml_front_matter_and_h1_sections(kb, runner):
    result = runner.invoke(main, ["import", str(POSTS / "hugo-toml-post.md")])
    assert result.exit_code == 0, result.output
    path = imported(kb, "2023-04-02-queue-backlog-after-broker-failover.md")
    post = frontmatter.load(path)
    assert post["title"] == "Queue backlog after broker failover" and post["status"] == "draft"
    assert post["authors"] == ["ines", "tomas"]
    assert post["tags"] == ["queues", "broker", "ops-notes"]  # categories join the tags
    assert post["template"] == "default"
    # Unknown keys stay, and so do values v1 holds in another shape: the date's time, the categories' words.
    assert post["imported"] == {"from": "hugo-toml-post.md", "front_matter": {
        "date": dt.datetime(2023, 4, 2, 9, 15, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        "categories": ["Ops Notes"], "slug": "queue-backlog", "draft": False}}
    pm = load_postmortem(path, load_config(kb))
    top = {s.heading: s.canonical for s in pm.sections if s.top_level}
    # Headings keep their words; "## Timeline of events" under "# What happened" is lifted to the top.
    assert list(top) == ["What happened", "Impact", "Timeline of events", "Root cause", "Follow-ups", "Random thoughts"]
    assert (top["Timeline of events"], top["Follow-ups"], top["Random thoughts"]) == ("Timeline", "Action items", None)
    assert [e.text for e in pm.timeline] == ["Broker fails over", "Consumers restarted by hand"]
    assert [(a.action, a.status) for a in pm.actions] == [
        ("Add reconnect on failover to the consumer library", "open"), ("Alert on queue depth", "done")]
    assert missing_texts((POSTS / "hugo-toml-post.md").read_text().split("+++", 2)[2], path.read_text()) == []
    assert "'Timeline of events' -> Timeline (alias)" in result.output
    assert "missing, placeholder added: Impact, Root cause" in result.output


def test_yaml_front_matter_maps_fields_and_keeps_the_rest(kb, runner):
    result = runner.invoke(main, ["import", str(POSTS / "2022-11-03-jekyll-post.md")])
    assert result.exit_code == 0, result.output
    path = imported(kb, "2022-11-03-dns-resolver-outage.md")
    post = frontmatter.load(path)
    assert post["title"] == "DNS: resolver outage"  # a YAML special stays text
    assert post["authors"] == ["sam"] and post["tags"] == ["dns", "network"]
    assert post["summary"] == "The internal resolver stopped answering for 12 minutes."
    assert post["imported"]["front_matter"] == {"layout": "post"}
    pm = load_postmortem(path, load_config(kb))
    sections = {s.canonical: s for s in pm.sections if s.top_level and s.canonical}
    assert "No canary resolver." in sections["Root cause"].body
    assert "Reloads need a health check." in sections["Lessons learned"].body
    # A setext H1 that differs from the front matter title is not dropped.
    assert "## Resolver outage" in path.read_text()


def test_no_front_matter_title_from_h1_date_from_text(kb, runner):
    result = runner.invoke(main, ["import", str(POSTS / "no-front-matter.md")])
    assert result.exit_code == 0, result.output
    path = imported(kb, "2021-08-14-disk-full-on-the-build-host.md")
    text = path.read_text()
    assert frontmatter.loads(text)["title"] == "Disk full on the build host"
    assert "# Disk full" not in text.split("---", 2)[2]  # the H1 became the title
    # Headings inside code and quotes are not sections and stay as written.
    assert "## not a heading: this is inside a code block" in text and "> ## Quoted heading stays in the quote" in text
    assert missing_texts((POSTS / "no-front-matter.md").read_text(), text) == []
    assert "(first date in the text)" in result.output


def test_placeholders_satisfy_lint_required_sections(kb, runner):
    runner.invoke(main, ["import", str(POSTS / "no-front-matter.md")])
    result = runner.invoke(main, ["lint", "--format", "json"])
    findings = json.loads(result.stdout)
    assert findings and not any(f["rule"] == "section-required" for f in findings)


def test_never_overwrites_and_exits_1(kb, runner):
    source = POSTS / "no-front-matter.md"
    assert runner.invoke(main, ["import", str(source)]).exit_code == 0
    path = imported(kb, "2021-08-14-disk-full-on-the-build-host.md")
    path.write_text("my edits", encoding="utf-8")
    result = runner.invoke(main, ["import", str(source)])
    assert result.exit_code == 1 and "already exists" in result.output
    assert path.read_text(encoding="utf-8") == "my edits"


def test_dry_run_writes_nothing(kb, runner):
    result = runner.invoke(main, ["import", "--dry-run", "--format", "json", str(POSTS)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["dry_run"] and len(report["imported"]) == len(list(POSTS.rglob("*.md")))
    # The files it would copy along are named, and not copied either.
    assert any(link["outcome"] == "copy" for entry in report["imported"] for link in entry["links"])
    assert list((kb / "postmortems").iterdir()) == []
    text = runner.invoke(main, ["import", "--dry-run", str(POSTS)]).output
    assert "would be copied" in text and "dry run, nothing written" in text


def test_two_sources_with_one_target_do_not_merge(kb, runner, tmp_path):
    for name in ("a.md", "b.md"):
        write(tmp_path / "in" / name, "# Same title\n\nOn 2024-02-02 it broke.\n")
    result = runner.invoke(main, ["import", str(tmp_path / "in")])
    assert result.exit_code == 1 and "the same file as" in result.output
    assert [p.name for p in (kb / "postmortems").iterdir()] == ["2024-02-02-same-title.md"]


def test_broken_front_matter_names_file_and_line_and_others_still_import(kb, runner, tmp_path):
    write(tmp_path / "in/bad.md", "---\ntitle: ok\ntags: [unclosed\nauthor: x\n---\n\nText.\n")
    write(tmp_path / "in/bad.toml.md", "+++\ntitle = \"x\"\ndate = not-a-date\n+++\n\nText.\n")
    write(tmp_path / "in/good.md", "# Fine\n\nOn 2024-01-01 it broke.\n")
    result = runner.invoke(main, ["import", str(tmp_path / "in")])
    assert result.exit_code == 1
    assert f"{tmp_path / 'in/bad.md'}:" in result.output and "not valid YAML" in result.output
    assert f"{tmp_path / 'in/bad.toml.md'}:3: front matter is not valid TOML" in result.output
    assert (kb / "postmortems/2024-01-01-fine.md").is_file()


def test_folder_walk_passes_over_readme_and_non_markdown_but_says_so(kb, runner, tmp_path):
    write(tmp_path / "in/README.md", "# This folder\n")
    write(tmp_path / "in/LICENSE", "MIT License\n")
    write(tmp_path / "in/PM2020-001 - exported without suffix", "# No suffix\n\n## Summary\n\nOn 2020-03-03.\n")
    result = runner.invoke(main, ["import", str(tmp_path / "in")])
    assert result.exit_code == 0, result.output
    assert "README.md: not imported" in result.output and "LICENSE: not imported" in result.output
    assert [p.name for p in (kb / "postmortems").iterdir()] == ["2020-03-03-no-suffix.md"]


def test_json_report(kb, runner):
    result = runner.invoke(main, ["import", "--dry-run", "--format", "json", str(POSTS / "hugo-toml-post.md")])
    report = json.loads(result.output)
    [entry] = report["imported"]
    assert entry["missing"] == ["Impact", "Root cause"] and entry["timeline_rows"] == 2 and entry["action_items"] == 2
    line = (POSTS / "hugo-toml-post.md").read_text().split("\n").index("# Follow-ups") + 1
    assert {"heading": "Follow-ups", "section": "Action items", "mapped_by": "alias", "line": line} in entry["mapped"]
    assert {"heading": "Random thoughts", "line": line + 5, "level": 2, "section": None, "mapped_by": None,
            "written_as": "## Random thoughts"} in entry["headings"]


def test_unknown_template_is_a_usage_error(kb, runner):
    result = runner.invoke(main, ["import", "--template", "nope", str(POSTS)])
    assert result.exit_code == 2 and "no template named 'nope'" in result.output


def test_lite_template_requires_fewer_sections(kb, tmp_path):
    write(tmp_path / "p.md", "# T\n\n## Summary\n\nOn 2024-05-05.\n")
    post = convert_post(tmp_path / "p.md", load_config(kb), template="lite")
    assert post.missing == ["Impact", "Timeline", "Root cause", "Action items"]
    assert frontmatter.loads(post.text)["template"] == "lite"


def test_unclosed_front_matter_is_an_import_failure(tmp_path):
    with pytest.raises(ImportFailure, match=r":1: front matter opened with '---' is never closed"):
        split_front_matter("---\ntitle: x\n\nno end\n", tmp_path / "x.md")


# -- the shared corpus ----------------------------------------------------------


def test_seed_post_keeps_every_sentence_and_its_tags(kb, runner):
    seed = shared_path("seed", "handle-outage.md")
    result = runner.invoke(main, ["import", str(seed)])
    assert result.exit_code == 0, result.output
    [path] = list((kb / "postmortems").iterdir())
    text = path.read_text(encoding="utf-8")
    source_body = frontmatter.loads(seed.read_text(encoding="utf-8")).content
    kept = normalise(text)
    assert [s for t in body_texts(source_body) for s in sentences(t) if s not in kept] == []
    assert missing_texts(source_body, text) == []
    post = frontmatter.loads(text)
    assert {"lang-en", "server-infra"} <= set(post["tags"])
    assert post["title"] == "Handle outage" and str(post["date"]) == "2017-12-10"
    for heading in ("## The outage", "## Review", "## Conclusion"):
        assert heading in text  # unmapped headings keep their own sections


def test_every_dfds_file_imports_without_error_and_keeps_its_text(kb, runner):
    corpus = shared_path("corpus", "dfds")
    result = runner.invoke(main, ["import", str(corpus)])
    assert result.exit_code == 0, result.output
    config = load_config(kb)
    sources = sorted(p for p in corpus.iterdir() if p.name not in ("README.md", "LICENSE"))
    written = {json.dumps(frontmatter.load(p)["imported"]["from"]): p for p in (kb / "postmortems").iterdir()}
    assert len(written) == len(sources)
    for source in sources:
        out = written[json.dumps(source.name)]
        text = out.read_text(encoding="utf-8")
        assert missing_texts(source.read_text(encoding="utf-8"), text) == [], source.name
        pm = load_postmortem(out, config)
        assert not pm.failed, (source.name, pm.diagnostics)
        # At least every timeline row and action item the loader finds in the original.
        original = parse_postmortem(source.read_text(encoding="utf-8"), source, config)
        assert len(pm.timeline) >= len(original.timeline), source.name
        assert len(pm.actions) >= len(original.actions), source.name
    # A file named by its PM number takes its date from the first timeline row.
    assert (kb / "postmortems/2021-06-22-all-services-returning-503-in-kubernetes.md").is_file()


def test_dfds_corpus_copy_with_crlf_and_bom_imports_the_same(kb, tmp_path):
    corpus = shared_path("corpus", "dfds")
    source = corpus / "PM2021-005 - All services returning 503 in Kubernetes.md"
    copy = tmp_path / source.name
    copy.write_bytes(b"\xef\xbb\xbf" + source.read_bytes().replace(b"\n", b"\r\n"))
    config = load_config(kb)
    assert convert_post(copy, config).text == convert_post(source, config).text


def test_original_folder_is_left_untouched(kb, runner, tmp_path):
    shutil.copytree(POSTS, tmp_path / "in")
    before = {p: p.read_bytes() for p in (tmp_path / "in").rglob("*") if p.is_file()}
    assert runner.invoke(main, ["import", str(tmp_path / "in")]).exit_code == 0
    assert {p: p.read_bytes() for p in (tmp_path / "in").rglob("*") if p.is_file()} == before


def test_links_between_imported_posts_follow_them(kb, runner, tmp_path):
    write(tmp_path / "in/PM1 - First.md", "# First\n\nOn 2024-01-01. See [the next one](PM2%20-%20Second.md#timeline).\n")
    write(tmp_path / "in/PM2 - Second.md", "# Second\n\nOn 2024-02-02, after [PM1][pm1]. ![graph](img/g.png)\n\n"
          "[pm1]: <PM1 - First.md>\n")
    result = runner.invoke(main, ["import", str(tmp_path / "in")])
    assert result.exit_code == 0, result.output
    first = (kb / "postmortems/2024-01-01-first.md").read_text()
    second = (kb / "postmortems/2024-02-02-second.md").read_text()
    assert "[the next one](2024-02-02-second.md#timeline)" in first
    assert "[pm1]: <2024-01-01-first.md>" in second
    # An image that is not there stays as written, and the report says where it is.
    assert "![graph](img/g.png)" in second
    assert f"problem: {tmp_path / 'in/PM2 - Second.md'}:3: image to 'img/g.png': no such file" in result.output


def test_the_imported_dfds_corpus_builds_as_a_site(kb, runner, tmp_path):
    from site_helpers import mkdocs_build

    assert runner.invoke(main, ["import", str(shared_path("corpus", "dfds"))]).exit_code == 0
    build = mkdocs_build(kb, tmp_path / "site")
    assert build.returncode == 0, build.stderr
    page = (tmp_path / "site/postmortems/2019-12-04-hellman-kubernetes-cluster-node-deletion/index.html").read_text()
    assert 'href="../2019-11-29-kubernetes-network-infrastructure-ip-starvation/"' in page


def test_stated_timezone_is_read_and_prose_is_not_mistaken_for_one(kb, tmp_path):
    config = load_config(kb)
    write(tmp_path / "a.md", "# A\n\nIt failed three times in a row.\n\n## Timeline\n\nAll times in CET.\n\n"
          "| Time | Event |\n|---|---|\n| 2024-07-01 10:00 | x |\n")
    post = convert_post(tmp_path / "a.md", config)
    # CET names a region with summer time: the IANA zone, so July reads as CEST.
    assert frontmatter.loads(post.text)["timezone"] == "Europe/Paris"
    assert post.zone == ("Europe/Paris", "statement at line 7")
    pm = parse_postmortem(post.text, tmp_path / "a.md", config)
    assert pm.timeline[0].time.isoformat() == "2024-07-01T10:00:00+02:00"  # CEST in July
    write(tmp_path / "b.md", "# B\n\nIt failed three times in a row on 2024-07-01.\n")
    assert "timezone" not in frontmatter.loads(convert_post(tmp_path / "b.md", config).text)


SRE_BOOK_SHAPE = """\
---
title: Shakespeare Sonnet++ Postmortem (incident #465)
date: 2015-10-21
---

# Shakespeare Sonnet++ Postmortem (incident #465)

## Impact
Estimated 1.21B queries lost, no revenue impact.

## Timeline
2015-10-21 (all times UTC)

* 14:51 News reports that a new Shakespearean sonnet has been discovered
* 14:54 **OUTAGE BEGINS** — Search backends start melting down under load
* 16:00 **OUTAGE MITIGATED**, added 10x capacity
"""


def test_a_title_cut_by_a_yaml_comment_is_taken_whole_from_its_h1(kb, runner, tmp_path):
    source = tmp_path / "shakespeare.md"
    source.write_text(SRE_BOOK_SHAPE, encoding="utf-8")
    result = runner.invoke(main, ["import", str(source)])
    assert result.exit_code == 0, result.output
    path = next((kb / "postmortems").glob("2015-10-21-*.md"))
    post = frontmatter.load(path)
    assert post["title"] == "Shakespeare Sonnet++ Postmortem (incident #465)"
    assert "' #' as a comment" in result.output
    pm = load_postmortem(path, load_config(kb))
    assert [s.heading for s in pm.sections if s.level == 1] == []  # the H1 became the title, not a section
    # Emphasis that opens the event stays whole in the model's text.
    assert [e.text for e in pm.timeline][1] == "**OUTAGE BEGINS** — Search backends start melting down under load"
    assert missing_texts(SRE_BOOK_SHAPE.split("---", 2)[2], path.read_text()) == []


GOOGLE_DOC_SHAPE = """\
# Postmortem: Elevated API latency - 2023-06-14

**Authors:** Dana Kim, [Omar Haddad](mailto:omar@example.com)
**Status:** Final
**Severity:** SEV-2
**Summary:** p99 latency of the public API rose to 8 s for two and a half hours.

## Timeline (PDT)

| Date/Time (PDT) | Event |
|---|---|
| Jun 14, 09:12 AM | Latency SLO alert fires |
| Jun 14, 11:47 AM | Latency back to normal |

## Action Items

1. Add a query timeout to the reporting service
   - Owner: Omar
   - Due: 2023-07-01
   - Ticket: API-881
2. Alert on pool saturation
   - Owner: Dana
   - Status: Done
   - Talk to the database team first
"""


def test_labelled_lines_of_the_lead_sub_bullet_fields_and_a_date_at_the_title_end(kb, runner, tmp_path):
    source = tmp_path / "latency.md"
    source.write_text(GOOGLE_DOC_SHAPE, encoding="utf-8")
    result = runner.invoke(main, ["import", str(source)])
    assert result.exit_code == 0, result.output
    [path] = (kb / "postmortems").glob("2023-06-14-*.md")  # the title's date, not the due date in the text
    post = frontmatter.load(path)
    assert post["title"] == "Postmortem: Elevated API latency"
    assert post["authors"] == ["Dana Kim", "Omar Haddad"] and post["severity"] == "SEV2"
    assert post["summary"] == "p99 latency of the public API rose to 8 s for two and a half hours."
    assert "**Severity:** SEV-2" in post.content  # the lines stay in the text
    pm = load_postmortem(path, load_config(kb))
    assert [(a.action, a.owner, a.due, a.ticket, a.status) for a in pm.actions] == [
        ("Add a query timeout to the reporting service", "Omar", "2023-07-01", "API-881", ""),
        ("Alert on pool saturation", "Dana", "", "", "done"),
    ]
    assert [e.time.isoformat() for e in pm.timeline] == ["2023-06-14T09:12:00-07:00", "2023-06-14T11:47:00-07:00"]


def test_lead_lines_do_not_override_the_front_matter(kb, runner, tmp_path):
    source = tmp_path / "2023-06-14-latency.md"
    source.write_text("---\ntitle: Latency\nseverity: SEV1\nauthors: [lee]\n---\n\n**Severity:** SEV-3\n"
                      "**Authors:** Someone Else\n\n## Summary\n\nSlow.\n", encoding="utf-8")
    assert runner.invoke(main, ["import", str(source)]).exit_code == 0
    post = frontmatter.load(kb / "postmortems" / "2023-06-14-latency.md")
    assert (post["severity"], post["authors"]) == ("SEV1", ["lee"])


def test_the_incident_commander_named_in_the_text_is_read_when_the_front_matter_does_not_say(kb, runner, tmp_path):
    source = tmp_path / "2022-11-25-checkout.md"
    source.write_text("---\ntitle: Checkout degraded\n---\n\n## Summary\n\nSlow.\n\n## Responders\n\n"
                      "- Incident Commander: Alex\n- Tech Lead: Jo\n\n## Notes\n\n"
                      "IC: none was named at first. Later Jo took it.\n", encoding="utf-8")
    result = runner.invoke(main, ["import", str(source)])
    assert result.exit_code == 0, result.output
    [path] = (kb / "postmortems").glob("2022-11-25-*.md")
    post = frontmatter.load(path)
    assert post["incident_commander"] == "Alex"
    assert "- Incident Commander: Alex" in post.content


def test_a_labelled_value_keeps_its_own_emphasis_and_sheds_the_labels(kb, runner, tmp_path):
    source = tmp_path / "2024-01-05-x.md"
    source.write_text("# X\n\n**Severity: SEV-1**\n**Summary:** The cache *and* the queue failed, *twice*\n\n"
                      "## Responders\n\n- Incident commander: **Alex**\n", encoding="utf-8")
    assert runner.invoke(main, ["import", str(source)]).exit_code == 0
    [path] = (kb / "postmortems").glob("2024-01-05-*.md")
    post = frontmatter.load(path)
    assert (post["severity"], post["incident_commander"]) == ("SEV1", "Alex")
    assert post["summary"] == "The cache *and* the queue failed, *twice*"

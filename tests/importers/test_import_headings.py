"""`postmortem import` and headings: the author's words stay, the report says how each maps, and no
placeholder is added beside a section that was mapped."""

import json

import frontmatter
import pytest
from import_helpers import POSTS, missing_texts

from conftest import write
from postmortem_kb import loader
from postmortem_kb.cli import main
from postmortem_kb.config import load_config
from postmortem_kb.importers.markdown_post import convert_post, split_front_matter
from postmortem_kb.loader import load_postmortem

CHECKOUT = POSTS / "wiki-export/Incidents/2023-05/05-09-checkout-latency.md"


def test_headings_mapped_by_words_keep_their_words_and_the_zone_in_them(kb, runner):
    result = runner.invoke(main, ["import", "--format", "json", str(CHECKOUT)])
    assert result.exit_code == 0, result.output
    [entry] = json.loads(result.output)["imported"]
    by_heading = {h["heading"]: h for h in entry["headings"]}
    assert {name: (h["section"], h["mapped_by"]) for name, h in by_heading.items() if h["level"] == 2} == {
        "Issue Summary": ("Summary", "words"),
        "Timeline (all times PST)": ("Timeline", "words"),
        "Root Cause Analysis": ("Root cause", "words"),
        "Corrective and Preventative Measures": ("Action items", "words"),
    }
    lines = CHECKOUT.read_text().split("\n")
    assert by_heading["Timeline (all times PST)"]["line"] == lines.index("## Timeline (all times PST)") + 1
    text = (kb / "postmortems" / entry["name"]).read_text()
    for heading in by_heading:
        if heading != "Checkout latency after the May release":  # the title, now in front matter
            assert f"\n## {heading}\n" in text
    # Only the section the post really lacks gets a placeholder.
    assert entry["missing"] == ["Impact"] and text.count("<!-- hint:") == 1
    # The zone the heading states is the file's zone, with PST read as PDT in May.
    assert frontmatter.loads(text)["timezone"] == "America/Los_Angeles"
    assert entry["timezone"] == {"value": "America/Los_Angeles",
                                 "source": f"statement at line {by_heading['Timeline (all times PST)']['line']}"}
    pm = load_postmortem(kb / "postmortems" / entry["name"], load_config(kb))
    assert [e.time.isoformat() for e in pm.timeline] == [
        "2023-05-09T13:02:00-07:00", "2023-05-09T13:09:00-07:00", "2023-05-09T13:37:00-07:00"]
    assert [a.action for a in pm.actions][1] == "Add a latency gate to the release pipeline"


def test_text_report_says_how_each_heading_mapped(kb, runner):
    result = runner.invoke(main, ["import", "--dry-run", str(CHECKOUT)])
    assert ("sections: 'Issue Summary' -> Summary (words); 'Timeline (all times PST)' -> Timeline (words); "
            "'Root Cause Analysis' -> Root cause (words); 'Corrective and Preventative Measures' -> Action items (words)"
            ) in result.output
    assert "timezone: America/Los_Angeles  (statement at line" in result.output


def test_import_follows_classify_heading(kb, tmp_path, monkeypatch):
    """Whatever the loader's classifier says is what the import does: here it maps a heading
    ("Responders") that the real one leaves alone, and refuses one it would map."""
    real = loader.classify_heading

    def classify(text, config):
        if text == "Responders":
            return "Impact", "config"
        if text == "Root cause":
            return None, None
        return real(text, config)

    monkeypatch.setattr(loader, "classify_heading", classify)
    source = write(tmp_path / "2024-05-05-x.md", "# X\n\n## Summary\n\nIt broke.\n\n## Responders\n\nAda, Lin.\n\n"
                                                 "## Root cause\n\nA typo.\n")
    post = convert_post(source, load_config(kb))
    mapped = {h.heading: (h.section, h.mapped_by) for h in post.headings}
    assert mapped["Responders"] == ("Impact", "config") and mapped["Root cause"] == (None, None)
    assert "Impact" not in post.missing and "Root cause" in post.missing
    assert "## Responders\n\nAda, Lin." in post.text and post.text.count("## Impact") == 0
    assert "Root cause" in post.kept


def test_a_second_section_of_the_same_meaning_is_kept_and_noted(kb, tmp_path):
    source = write(tmp_path / "2024-05-05-x.md", "# X\n\n## Summary\n\nA.\n\n## Overview\n\nB.\n")
    post = convert_post(source, load_config(kb))
    assert [h.section for h in post.headings if h.level == 2] == ["Summary", None]
    assert "Overview" in post.kept and any("second Summary section" in note for note in post.notes)


@pytest.mark.parametrize("fixture", ["hugo-toml-post.md", "2022-11-03-jekyll-post.md", "no-front-matter.md", "hub-403.md",
                                     "wiki-export/Incidents/2023-05/05-09-checkout-latency.md",
                                     "wiki-export/Incidents/2023-04/04-25-user-account-compromise.md",
                                     "jekyll-site/_posts/2023-04-25-cache-eviction-storm.md",
                                     "hugo-bundle/2023-06-01-dns-flap/index.md"])
def test_every_fixture_keeps_every_text_and_never_places_a_placeholder_beside_a_mapped_section(kb, fixture):
    source = POSTS / fixture
    post = convert_post(source, load_config(kb))
    body = split_front_matter(source.read_text(), source)[1]
    assert missing_texts(body, post.text) == []
    mapped = {h.section for h in post.headings if h.section}
    assert not mapped & set(post.missing)
    pm = load_postmortem(write(kb / "postmortems" / post.name, post.text), load_config(kb))
    assert not pm.failed
    # What the import reports as mapped is what the loader reads.
    top = {s.canonical for s in pm.sections if s.top_level and s.canonical}
    assert mapped <= top

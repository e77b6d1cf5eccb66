"""Section rules: required, empty, recommended, duplicate, placeholders."""

from __future__ import annotations

from lint_helpers import CLEAN, by_rule, line_of, lint_text

HINTED = CLEAN.replace(
    "Logins were slow for 30 minutes.",
    "<!-- hint: Who and what was affected, for how long. -->",
)


def test_section_with_only_hints_is_empty_when_finished(kb):
    findings = lint_text(kb, HINTED)[1]
    empty = by_rule(findings, "section-empty")
    assert [f["line"] for f in empty] == [line_of(HINTED, "## Impact")]


def test_drafts_may_have_empty_sections_and_hints(kb):
    draft = HINTED.replace("status: published", "status: draft")
    findings = lint_text(kb, draft)[1]
    assert not by_rule(findings, "section-empty") and not by_rule(findings, "placeholder-text")


def test_timeline_with_header_only_is_empty(kb):
    text = CLEAN.replace("| 2024-01-09 10:00 | Cache flushed |\n| 10:04 | Latency alert fires |\n"
                         "| 10:30 | Cache warmed; latency normal |\n", "")
    empty = by_rule(lint_text(kb, text)[1], "section-empty")
    assert len(empty) == 1 and empty[0]["line"] == line_of(text, "## Timeline") and "no rows" in empty[0]["message"]


def test_subheadings_alone_do_not_fill_a_section(kb):
    text = CLEAN.replace("Flushing the whole cache was a single command with no guard.",
                         "### Technical\n\n<!-- hint: x -->\n\n### Process\n")
    assert by_rule(lint_text(kb, text)[1], "section-empty")


def test_placeholders_point_at_their_line_and_column(kb):
    text = CLEAN.replace("Logins were slow for 30 minutes.", "Logins were slow for TBD minutes.")
    text = text.replace("with no guard.", "with no guard.\n\n<!-- hint: describe systems -->")
    found = by_rule(lint_text(kb, text)[1], "placeholder-text")
    assert {(f["line"], f["column"]) for f in found} == {
        (line_of(text, "TBD minutes"), len("Logins were slow for ") + 1),
        (line_of(text, "<!-- hint"), 1),
    }


def test_placeholder_markers_are_whole_words_in_their_case(kb):
    text = CLEAN.replace("Logins were slow for 30 minutes.", "Our todo list and TODOS and XXXL shirts.")
    assert not by_rule(lint_text(kb, text)[1], "placeholder-text")


def test_duplicate_section_points_at_the_second(kb):
    text = CLEAN + "\n## Impact\n\nMore impact.\n"
    found = by_rule(lint_text(kb, text)[1], "section-duplicate")
    assert [f["line"] for f in found] == [line_of(text, "More impact.") - 2]
    assert f"line {line_of(text, '## Impact')}" in found[0]["message"]


def test_recommended_sections_warn(kb):
    text = CLEAN.replace("## Detection\n\nThe latency alert fired four minutes in.\n\n", "")
    found = by_rule(lint_text(kb, text)[1], "section-recommended")
    assert [f["severity"] for f in found] == ["warning"] and "Detection" in found[0]["message"]


def test_required_sections_come_from_the_template(kb):
    # The config's required_sections are a floor for every template: lowered
    # here, so the template's own list decides.
    (kb / "postmortem-kb.yml").write_text("required_sections: [Summary]\n", encoding="utf-8")
    (kb / "templates").mkdir()
    (kb / "templates" / "tiny.md.j2").write_text(
        "{# requires: Summary #}\n---\ntitle: {{ title | yaml }}\ntemplate: {{ template }}\n---\n\n## Summary\n",
        encoding="utf-8",
    )
    text = CLEAN.replace("related: []", "related: []\ntemplate: tiny").replace("## Impact", "## Effects")
    findings = lint_text(kb, text)[1]
    assert not by_rule(findings, "section-required")
    # Recommended sections the template does not have are not asked for.
    assert not by_rule(findings, "section-recommended")

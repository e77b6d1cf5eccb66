"""Inline suppressions: file-wide, next line, same line; unused and unknown ones reported."""

from __future__ import annotations

from lint_helpers import CLEAN, by_rule, line_of, lint_text

BLAMING = CLEAN.replace("Logins were slow for 30 minutes.", "The operator forgot the flag.")


def test_disable_for_the_whole_file(kb):
    text = BLAMING.replace("## Summary", "<!-- postmortem-lint disable blame-language -->\n\n## Summary")
    assert lint_text(kb, text) == (0, [])


def test_disable_next_line_covers_only_that_line(kb):
    text = BLAMING.replace(
        "The operator forgot the flag.",
        "<!-- postmortem-lint disable-next-line blame-language -- quoting the chat log -->\n"
        "The operator forgot the flag.\n\nAnd then forgot again.",
    )
    found = lint_text(kb, text)[1]
    assert [f["line"] for f in found] == [line_of(text, "forgot again")]


def test_disable_line_inside_a_table_row(kb):
    text = CLEAN.replace("| 10:30 | Cache warmed; latency normal |",
                         "| 09:30 | Cache warmed <!-- postmortem-lint disable-line timeline-order, timeline-window --> |")
    assert lint_text(kb, text) == (0, [])


def test_several_rules_and_front_matter_findings(kb):
    text = BLAMING.replace("severity: SEV2", "severity: SEV0").replace(
        "## Summary", "<!-- postmortem-lint disable severity-value blame-language -->\n\n## Summary")
    assert lint_text(kb, text) == (0, [])


def test_unused_and_unknown_suppressions_are_reported(kb):
    text = CLEAN.replace(
        "## Summary",
        "<!-- postmortem-lint disable blame-language -->\n<!-- postmortem-lint disable-next-line no-such-rule -->\n"
        "<!-- postmortem-lint disable -->\n\n## Summary",
    )
    code, findings = lint_text(kb, text)
    assert code == 0
    unused = by_rule(findings, "unused-suppression")
    assert [(f["line"], f["severity"]) for f in unused] == [(line_of(text, "disable blame-language"), "warning")]
    bad = by_rule(findings, "bad-suppression")
    assert sorted(f["line"] for f in bad) == [line_of(text, "no-such-rule"), line_of(text, "lint disable -->")]


def test_suppression_of_a_rule_switched_off_is_not_unused(kb):
    text = CLEAN.replace("## Summary", "<!-- postmortem-lint disable blame-language -->\n\n## Summary")
    assert lint_text(kb, text, config="rules:\n  blame-language: off\n") == (0, [])

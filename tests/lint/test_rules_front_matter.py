"""Front matter rules: required, types, formats, values, unknown keys, file name."""

from __future__ import annotations

from lint_helpers import CLEAN, by_rule, line_of, lint_text


def test_missing_and_empty_required_fields(kb):
    text = CLEAN.replace("title: Cache stampede on the session store\n", "").replace("authors: [lee]", "authors: []")
    code, findings = lint_text(kb, text)
    found = by_rule(findings, "front-matter-required")
    assert code == 1 and len(found) == 2
    missing = next(f for f in found if "title" in f["message"])
    assert missing["line"] == line_of(text, "related: []") + 1  # the closing ---, where it belongs
    empty = next(f for f in found if "authors" in f["message"])
    assert empty["line"] == line_of(text, "authors:") and "empty" in empty["message"]


def test_no_front_matter_at_all_is_one_finding(kb):
    code, findings = lint_text(kb, "## Summary\n\nText.\n")
    found = by_rule(findings, "front-matter-required")
    assert code == 1 and len(found) == 1 and found[0]["line"] == 1 and "no front matter" in found[0]["message"]


def test_wrong_types_give_findings_on_their_lines(kb):
    text = CLEAN.replace("tags: [server-infra, cache]", "tags: just-a-string").replace("date: 2024-01-09", "date: 12")
    text = text.replace("title: Cache stampede on the session store", "title: 5")
    code, findings = lint_text(kb, text)
    found = {f["line"]: f["message"] for f in by_rule(findings, "front-matter-type")}
    assert code == 1
    assert "list" in found[line_of(text, "tags:")] and "just-a-string" in found[line_of(text, "tags:")]
    assert "date, YYYY-MM-DD" in found[line_of(text, "date:")] and "number 12" in found[line_of(text, "date:")]
    assert "text" in found[line_of(text, "title:")]


def test_list_items_of_the_wrong_type_name_the_item(kb):
    text = CLEAN.replace("authors: [lee]", "authors: [lee, 42]")
    findings = by_rule(lint_text(kb, text)[1], "front-matter-type")
    assert [f["message"] for f in findings] == ["`authors` item 2 must be text, not the number 42"]


def test_date_and_datetime_formats(kb):
    text = (CLEAN.replace("date: 2024-01-09", "date: 2024-01-09T10:00:00")
                 .replace("started_at: 2024-01-09T10:00:00+01:00", "started_at: 2024-01-09T10:00:00")
                 .replace("detected_at: 2024-01-09T10:04:00+01:00", 'detected_at: "2024-01-09T10:04:00+01:00"')
                 .replace("resolved_at: 2024-01-09T12:00:00+01:00", "resolved_at: 2024-01-09 at noon"))
    findings = by_rule(lint_text(kb, text)[1], "front-matter-format")
    messages = {f["line"]: f["message"] for f in findings}
    assert "date, YYYY-MM-DD" in messages[line_of(text, "date: ")]
    assert "with an offset" in messages[line_of(text, "started_at:")]
    assert "quoted" in messages[line_of(text, "detected_at:")]
    assert "resolved_at" in messages[line_of(text, "resolved_at:")]
    assert len(findings) == 4


def test_allowed_values_with_suggestion(kb):
    text = CLEAN.replace("severity: SEV2", "severity: sev2").replace("status: published", "status: publsihed")
    findings = lint_text(kb, text)[1]
    assert "did you mean `SEV2`" in by_rule(findings, "severity-value")[0]["message"]
    assert "did you mean `published`" in by_rule(findings, "status-value")[0]["message"]


def test_unknown_key_is_a_warning_with_did_you_mean(kb):
    text = CLEAN.replace("summary:", "sumary:")
    code, findings = lint_text(kb, text)
    unknown = by_rule(findings, "front-matter-unknown-key")
    assert unknown[0]["severity"] == "warning" and "did you mean `summary`" in unknown[0]["message"]
    assert unknown[0]["line"] == line_of(text, "sumary:")


def test_extra_fields_are_known(kb):
    text = CLEAN.replace("related: []", "related: []\nteam: payments")
    assert by_rule(lint_text(kb, text)[1], "front-matter-unknown-key")
    assert not by_rule(lint_text(kb, text, config="extra_fields: [team]\n")[1], "front-matter-unknown-key")


def test_recommended_fields_warn(kb):
    text = CLEAN.replace("summary: A cache flush sent every request to the database at once.\n", "")
    found = by_rule(lint_text(kb, text)[1], "front-matter-recommended")
    assert [f["severity"] for f in found] == ["warning"] and "summary" in found[0]["message"]


def test_file_name_must_be_date_slug(kb):
    findings = lint_text(kb, CLEAN, name="Cache Stampede.md")[1]
    found = by_rule(findings, "file-name")
    assert found and "2024-01-09-cache-stampede-on-the-session-store.md" in found[0]["message"]
    (kb / "postmortems" / "Cache Stampede.md").unlink()
    assert by_rule(lint_text(kb, CLEAN, name="2024-02-30-cache.md")[1], "file-name")


def test_file_name_date_differs_from_date_field(kb):
    found = by_rule(lint_text(kb, CLEAN, name="2024-01-10-cache-stampede.md")[1], "file-name-date")
    assert found and found[0]["severity"] == "warning" and found[0]["line"] == line_of(CLEAN, "date:")


def test_vocabulary_config_turns_on_enum_checks(kb):
    config = "tags: [server-infra, caching]\nservices: [sessions]\n"
    findings = lint_text(kb, CLEAN, config=config)[1]
    tags = by_rule(findings, "tag-vocabulary")
    assert len(tags) == 1 and "`cache`" in tags[0]["message"] and "did you mean `caching`" in tags[0]["message"]
    assert not by_rule(findings, "service-vocabulary")

"""Reference rules: related ids exist."""

from __future__ import annotations

from conftest import write
from lint_helpers import CLEAN, by_rule, line_of, lint_text


def test_related_ids_must_exist_with_suggestion(kb):
    write(kb / "postmortems" / "2023-11-02-kv-crash.md", CLEAN)
    text = CLEAN.replace("related: []", "related: [2023-11-02-kv-crash, 2023-11-02-kv-crsh, 2023-11-02-kv-crash.md]")
    found = by_rule(lint_text(kb, text)[1], "related-exists")
    assert len(found) == 1 and found[0]["line"] == line_of(text, "related:")
    assert "`2023-11-02-kv-crsh`" in found[0]["message"] and "did you mean `2023-11-02-kv-crash`" in found[0]["message"]


def test_related_to_itself(kb):
    text = CLEAN.replace("related: []", "related: [2024-01-09-cache-stampede]")
    assert "itself" in by_rule(lint_text(kb, text)[1], "related-exists")[0]["message"]


def test_related_of_the_wrong_type_is_a_type_finding_only(kb):
    findings = lint_text(kb, CLEAN.replace("related: []", "related: 2023-11-02-kv-crash"))[1]
    assert by_rule(findings, "front-matter-type") and not by_rule(findings, "related-exists")

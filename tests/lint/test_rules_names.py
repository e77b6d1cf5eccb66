"""Name rule: `value-url` warns where a tag, service or severity does not get the URL its spelling suggests."""

from __future__ import annotations

from lint_helpers import CLEAN, by_rule, lint_text

from postmortem_kb.site.urls import MAX_SLUG


def with_front_matter(line_key: str, value: str) -> str:
    """CLEAN with one front matter key's line replaced."""
    lines = CLEAN.split("\n")
    at = next(n for n, line in enumerate(lines) if line.startswith(f"{line_key}:"))
    lines[at] = f"{line_key}: {value}"
    return "\n".join(lines)


def messages(kb, text: str) -> list[str]:
    _, findings = lint_text(kb, text)
    found = by_rule(findings, "value-url")
    assert all(f["severity"] == "warning" for f in found)
    return [f["message"] for f in found]


def test_a_clean_postmortem_has_no_finding(kb):
    assert messages(kb, CLEAN) == []


def test_two_tags_of_one_postmortem_that_fold_together(kb):
    [first, second] = messages(kb, with_front_matter("tags", '["Server Infra", server-infra]'))
    assert "`Server Infra` and `server-infra` fold to the same URL /tags/server-infra/" in first
    assert "`server-infra` and `Server Infra`" in second


def test_a_service_that_folds_onto_the_configured_vocabulary(kb):
    (kb / "postmortem-kb.yml").write_text("services: [kv-store, sessions]\n", encoding="utf-8")
    found = messages(kb, with_front_matter("services", '["KV Store"]'))
    assert any("`KV Store` and `kv-store` fold to the same URL /services/kv-store/" in m for m in found)


def test_a_severity_spelled_in_another_case_than_the_configured_one(kb):
    [message] = messages(kb, with_front_matter("severity", "sev2"))
    assert "severity `sev2` and `SEV2` fold to the same URL /severities/sev2/" in message


def test_a_value_that_spells_an_overview_or_is_too_long(kb):
    found = messages(kb, with_front_matter("tags", f"[index, {'x' * (MAX_SLUG + 1)}]"))
    assert any("`index` spells the site's own /tags/index/ page" in m for m in found)
    assert any(f"is {MAX_SLUG + 1} characters as a URL" in m for m in found)

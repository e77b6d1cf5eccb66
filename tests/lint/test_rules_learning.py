"""Learning rules: vocabularies with suggestions, language tags, translations and their staleness."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from conftest import write
from lint_helpers import CLEAN, CLEAN_NAME, by_rule, line_of, lint_json, lint_text
from postmortem_kb.commands.translate import translate
from postmortem_kb.lint import rules_learning  # noqa: F401  (registers the rules until the engine imports them)

ORIGINAL = CLEAN_NAME.removesuffix(".md")
TRANSLATION_NAME = "2024-01-09-cache-stampede-de.md"


def with_meta(text: str, *lines: str) -> str:
    return text.replace("related: []", "\n".join(["related: []", *lines]))


def test_learning_fields_from_the_vocabularies_pass(kb):
    text = with_meta(CLEAN, "trigger: human-process", "contributing_factors: [missing-runbook, tooling-gap]",
                     "detection: alert", "incident_commander: kim", "lang: en")
    code, findings = lint_text(kb, text)
    assert code == 0 and findings == []


def test_values_outside_the_vocabularies_are_errors_with_suggestions(kb):
    text = with_meta(CLEAN, "trigger: config change", "contributing_factors: [missing-runbook, missing alert, zzz]",
                     "detection: customer-reports")
    code, findings = lint_text(kb, text)
    assert code == 1
    [trigger] = by_rule(findings, "trigger-value")
    assert trigger["line"] == line_of(text, "trigger:") and trigger["severity"] == "error"
    assert "`config change`" in trigger["message"] and "did you mean `config-change`" in trigger["message"]
    assert "deploy, config-change" in trigger["message"]
    factors = by_rule(findings, "contributing-factor-value")
    assert [f["line"] for f in factors] == [line_of(text, "contributing_factors:")] * 2
    assert "item 2 is `missing alert`" in factors[0]["message"] and "did you mean `missing-alert`" in factors[0]["message"]
    assert "item 3 is `zzz`" in factors[1]["message"] and "did you mean" not in factors[1]["message"]
    [detection] = by_rule(findings, "detection-value")
    assert "did you mean `customer-report`" in detection["message"]


def test_a_team_vocabulary_replaces_the_default(kb):
    config = "triggers:\n  release: A release.\n  flag-flip: A feature flag.\n"
    findings = lint_text(kb, with_meta(CLEAN, "trigger: deploy"), config=config)[1]
    [finding] = by_rule(findings, "trigger-value")
    assert "(one of release, flag-flip;" in finding["message"]
    assert lint_text(kb, with_meta(CLEAN, "trigger: flag-flip"), config=config)[1] == []


def test_blank_learning_keys_of_a_fresh_draft_are_fine(kb):
    text = with_meta(CLEAN, "trigger:", "contributing_factors: []", "detection:", "lang:")
    assert lint_text(kb, text)[1] == []


def test_lang_must_be_a_language_tag_and_agree_with_a_lang_tag(kb):
    findings = lint_text(kb, with_meta(CLEAN, "lang: EN_us"))[1]
    [bad] = by_rule(findings, "lang-value")
    assert "`lang: EN_us` is not a language tag" in bad["message"] and "did you mean `en-us`" in bad["message"]
    text = with_meta(CLEAN, "lang: de").replace("tags: [server-infra, cache]", "tags: [server-infra, lang-en]")
    [mismatch] = by_rule(lint_text(kb, text)[1], "lang-tag")
    assert mismatch["line"] == line_of(text, "lang:") and "lang-en" in mismatch["message"]


def translation_of(text: str, *extra: str) -> str:
    return with_meta(text.replace("Cache stampede on the session store", "Cache-Ansturm auf den Sitzungsspeicher"),
                     "lang: de", f"translation_of: {ORIGINAL}", *extra)


def test_translation_must_name_an_existing_postmortem(kb):
    write(kb / "postmortems" / CLEAN_NAME, CLEAN)
    text = with_meta(CLEAN, "lang: de", "translation_of: 2024-01-09-cache-stampeed")
    [finding] = by_rule(lint_text(kb, text, TRANSLATION_NAME)[1], "translation-target")
    assert "did you mean `2024-01-09-cache-stampede`" in finding["message"]
    itself = with_meta(CLEAN, "translation_of: 2024-01-09-cache-stampede-de")
    assert "itself" in by_rule(lint_text(kb, itself, TRANSLATION_NAME)[1], "translation-target")[0]["message"]


def test_translation_stale_until_synced_and_again_after_the_original_changes(kb):
    original = write(kb / "postmortems" / CLEAN_NAME, CLEAN)
    translation = write(kb / "postmortems" / TRANSLATION_NAME, translation_of(CLEAN))
    [never] = by_rule(lint_json()[1], "translation-stale")
    assert never["path"].endswith(TRANSLATION_NAME) and "no `source_hash`" in never["message"]
    assert never["severity"] == "warning"

    result = CliRunner().invoke(translate, ["sync", TRANSLATION_NAME.removesuffix(".md")])
    assert result.exit_code == 0, result.output
    assert "synced with 2024-01-09-cache-stampede" in result.output
    assert by_rule(lint_json()[1], "translation-stale") == []

    # Bookkeeping on the original (its status) does not make the translation stale; its words do.
    original.write_text(CLEAN.replace("status: published", "status: in-review"), encoding="utf-8")
    assert by_rule(lint_json("--no-cache")[1], "translation-stale") == []
    original.write_text(CLEAN.replace("Logins were slow for 30 minutes.", "Logins were slow for 40 minutes."),
                        encoding="utf-8")
    [stale] = by_rule(lint_json("--no-cache")[1], "translation-stale")
    assert stale["line"] == line_of(translation.read_text(encoding="utf-8"), "source_hash:")
    assert "has changed since this translation was synced" in stale["message"]


def test_cached_lint_sees_the_original_change(kb):
    original = write(kb / "postmortems" / CLEAN_NAME, CLEAN)
    write(kb / "postmortems" / TRANSLATION_NAME, translation_of(CLEAN))
    assert CliRunner().invoke(translate, ["sync", TRANSLATION_NAME.removesuffix(".md")]).exit_code == 0
    assert by_rule(lint_json()[1], "translation-stale") == []
    original.write_text(CLEAN.replace("Logins were slow", "Logins were very slow"), encoding="utf-8")
    assert by_rule(lint_json()[1], "translation-stale") != []

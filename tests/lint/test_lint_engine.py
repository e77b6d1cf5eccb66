"""The lint command end to end: exit codes, config, rule levels, collection problems."""

from __future__ import annotations

from pathlib import Path

from conftest import VALID_POSTMORTEM, write
from lint_helpers import CLEAN, CLEAN_NAME, by_rule, line_of, lint_json, lint_text
from postmortem_kb.cli import main


def test_clean_postmortem_has_no_findings(kb):
    assert lint_text(kb, CLEAN) == (0, [])


def test_shared_valid_postmortem_has_no_errors(kb):
    code, findings = lint_text(kb, VALID_POSTMORTEM, "2024-01-09-cache.md")
    assert code == 0 and findings and {f["severity"] for f in findings} == {"warning"}


def test_each_finding_is_located_and_typed(kb):
    text = CLEAN.replace("severity: SEV2", "severity: SEV9").replace("status: published\n", "")
    text = text.replace("| 10:04 |", "| soon |").replace("## Impact", "## Effects")
    code, findings = lint_text(kb, text)
    assert code == 1
    assert all(set(f) == {"path", "line", "column", "rule", "severity", "message"} for f in findings)
    rules = {f["rule"]: f for f in findings}
    assert rules["severity-value"]["line"] == 4 and "SEV9" in rules["severity-value"]["message"]
    assert "`status`" in rules["front-matter-required"]["message"]
    assert "Impact" in rules["section-required"]["message"]
    assert rules["timeline-time"]["line"] == line_of(text, "| soon |") and "'soon'" in rules["timeline-time"]["message"]
    assert {f["path"] for f in findings} == {f"postmortems/{CLEAN_NAME}"}


def test_aliases_satisfy_required_sections(kb):
    text = CLEAN.replace("## Root cause", "## Contributing Factors:").replace("## Action items", "## Follow-ups")
    assert lint_text(kb, text) == (0, [])


def test_text_format_exit_codes_and_summary(kb, runner):
    path = write(kb / "postmortems" / CLEAN_NAME, CLEAN.replace("SEV2", "SEV0"))
    result = runner.invoke(main, ["lint", str(path)])
    assert result.exit_code == 1
    assert f"postmortems/{CLEAN_NAME}:4:1: error severity-value" in result.output
    assert "1 error, 0 warnings in 1 file" in result.output
    assert runner.invoke(main, ["lint", "does-not-exist.md"]).exit_code == 2
    assert runner.invoke(main, ["lint", "--format", "xml"]).exit_code == 2


def test_warnings_alone_exit_zero(kb):
    code, findings = lint_text(kb, CLEAN.replace("2099-02-01", "2020-02-01"))
    assert code == 0 and [f["rule"] for f in findings] == ["action-overdue"]


def test_config_error_exits_2_naming_the_key(kb, runner):
    write(kb / "postmortem-kb.yml", "severities: SEV1\n")
    result = runner.invoke(main, ["lint"])
    assert result.exit_code == 2 and "severities" in result.output
    write(kb / "postmortem-kb.yml", "rules:\n  no-such-rule: off\n")
    result = runner.invoke(main, ["lint"])
    assert result.exit_code == 2 and "rules.no-such-rule" in result.output
    write(kb / "postmortem-kb.yml", "rules:\n  secrets: off\n")
    result = runner.invoke(main, ["lint"])
    assert result.exit_code == 2 and "rules.secrets" in result.output and "did you mean `secret`" in result.output


def test_rule_can_be_turned_off_or_downgraded(kb):
    bad = CLEAN.replace("SEV2", "SEV0")
    code, findings = lint_text(kb, bad, config="rules:\n  severity-value: warning\n")
    assert code == 0 and [(f["rule"], f["severity"]) for f in findings] == [("severity-value", "warning")]
    # A bare `off` is YAML's false; it still means off.
    assert lint_text(kb, bad, config="rules:\n  severity-value: off\n") == (0, [])


def test_default_config_works_without_a_file(kb):
    assert not (kb / "postmortem-kb.yml").exists()
    assert lint_text(kb, CLEAN)[0] == 0


def test_folder_argument_and_duplicate_ids(kb, tmp_path):
    write(kb / "postmortems" / CLEAN_NAME, CLEAN)
    write(kb / "postmortems" / "2024" / CLEAN_NAME, CLEAN)
    code, findings = lint_json("postmortems")
    assert code == 1
    assert [f["path"] for f in by_rule(findings, "duplicate-id")] == [f"postmortems/{CLEAN_NAME}"]


def test_files_that_cannot_load_are_reported_not_dropped(kb):
    write(kb / "postmortems/2024-01-01-yaml.md", "---\ntitle: [unclosed\n---\n## Summary\n")
    (kb / "postmortems/2024-01-02-bytes.md").write_bytes(b"---\ntitle: x\n---\n\xff\xfe\n")
    code, findings = lint_json()
    assert code == 1
    rules = {(Path(f["path"]).name, f["rule"]) for f in findings}
    assert rules == {("2024-01-01-yaml.md", "load-yaml"), ("2024-01-02-bytes.md", "load-encoding")}

import json
from pathlib import Path

from conftest import VALID_POSTMORTEM, write
from postmortem_kb.cli import main


def lint_json(runner, *args):
    result = runner.invoke(main, ["lint", "--format", "json", *args])
    return result.exit_code, (json.loads(result.output) if result.output.strip().startswith("[") else result.output)


def test_valid_postmortem_passes(kb, runner):
    write(kb / "postmortems/2024-01-09-cache.md", VALID_POSTMORTEM)
    code, findings = lint_json(runner)
    assert (code, findings) == (0, [])


def test_each_finding_is_located_and_typed(kb, runner):
    text = VALID_POSTMORTEM.replace("severity: SEV2", "severity: SEV9").replace("status: published\n", "")
    text = text.replace("| 10:04 |", "| soon |").replace("## Impact", "## Effects")
    write(kb / "postmortems/2024-01-09-cache.md", text)
    code, findings = lint_json(runner)
    assert code == 1
    assert all(set(f) == {"path", "line", "rule", "severity", "message"} for f in findings)
    by_rule = {f["rule"]: f for f in findings}
    assert by_rule["severity-value"]["line"] == 4 and "SEV9" in by_rule["severity-value"]["message"]
    assert "`status`" in by_rule["front-matter-required"]["message"]
    assert "Impact" in by_rule["section-required"]["message"]
    assert by_rule["timeline-time"]["line"] == 28 and "'soon'" in by_rule["timeline-time"]["message"]
    assert {f["path"] for f in findings} == {"postmortems/2024-01-09-cache.md"}
    assert {f["severity"] for f in findings} == {"error"}


def test_aliases_satisfy_required_sections(kb, runner):
    text = VALID_POSTMORTEM.replace("## Root cause", "## Contributing Factors:").replace("## Action items", "## Follow-ups")
    write(kb / "postmortems/2024-01-09-cache.md", text)
    assert lint_json(runner) == (0, [])


def test_bad_input_gives_findings_not_tracebacks(kb, runner):
    write(kb / "postmortems/2024-01-01-yaml.md", "---\ntitle: [unclosed\n---\n## Summary\n")
    (kb / "postmortems/2024-01-02-bytes.md").write_bytes(b"---\ntitle: x\n---\n\xff\xfe\n")
    write(kb / "postmortems/2024-01-03-bare.md", "---\ntitle: Bare\n---\nJust text.\n")
    write(kb / "postmortems/2024-01-04-types.md", "---\ntitle: 5\ntags: just-a-string\ndate: 12\nseverity: [SEV1]\n---\n")
    code, findings = lint_json(runner)
    assert code == 1
    rules = {(Path(f["path"]).name, f["rule"]) for f in findings}
    assert ("2024-01-01-yaml.md", "load-yaml") in rules
    assert ("2024-01-02-bytes.md", "load-encoding") in rules
    assert ("2024-01-03-bare.md", "section-required") in rules
    assert ("2024-01-04-types.md", "severity-value") in rules
    assert all(isinstance(f["line"], int) and f["line"] >= 1 for f in findings)


def test_text_format_and_exit_codes(kb, runner):
    path = write(kb / "postmortems/2024-01-09-cache.md", VALID_POSTMORTEM.replace("SEV2", "SEV0"))
    result = runner.invoke(main, ["lint", str(path)])
    assert result.exit_code == 1
    assert "postmortems/2024-01-09-cache.md:4:1: error severity-value" in result.output
    assert "1 error, 0 warnings in 1 file" in result.output
    assert runner.invoke(main, ["lint", "does-not-exist.md"]).exit_code == 2
    assert runner.invoke(main, ["lint", "--format", "xml"]).exit_code == 2


def test_config_error_exits_2_naming_the_key(kb, runner):
    write(kb / "postmortem-kb.yml", "severities: SEV1\n")
    result = runner.invoke(main, ["lint"])
    assert result.exit_code == 2 and "severities" in result.output
    write(kb / "postmortem-kb.yml", "rules:\n  no-such-rule: off\n")
    result = runner.invoke(main, ["lint"])
    assert result.exit_code == 2 and "rules.no-such-rule" in result.output


def test_rule_can_be_turned_off_or_downgraded(kb, runner):
    write(kb / "postmortems/2024-01-09-cache.md", VALID_POSTMORTEM.replace("SEV2", "SEV0"))
    write(kb / "postmortem-kb.yml", "rules:\n  severity-value: warning\n")
    code, findings = lint_json(runner)
    assert code == 0 and [f["severity"] for f in findings] == ["warning"]

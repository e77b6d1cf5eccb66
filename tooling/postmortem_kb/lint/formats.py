"""Lint output formats: text, json, github (workflow commands) and sarif (2.1.0)."""

from __future__ import annotations

import json

from postmortem_kb.model import ERROR, INFO, WARNING, Diagnostic
from postmortem_kb.terminal import plain

FORMATS = ("text", "json", "github", "sarif")
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def summary_line(findings: list[Diagnostic], files: int | None = None) -> str:
    errors = sum(1 for f in findings if f.severity == ERROR)
    warnings = sum(1 for f in findings if f.severity == WARNING)
    infos = sum(1 for f in findings if f.severity == INFO)
    text = f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
    if infos:
        text += f", {infos} info"
    return text if files is None else f"{text} in {_plural(files, 'file')}"


def format_text(findings: list[Diagnostic], files: int, color: bool = False) -> str:
    import click

    def style(text: str, **kwargs) -> str:
        return click.style(text, **kwargs) if color else text

    colours = {ERROR: "red", WARNING: "yellow", INFO: "blue"}
    # Paths and messages quote the postmortem's own text: printed as plain
    # text, never as terminal escape sequences.
    lines = [
        f"{style(plain(f'{f.path}:{f.line}:{f.column}:'), bold=True)} "
        f"{style(f.severity, fg=colours.get(f.severity), bold=True)} {style(f.rule, dim=True)} {plain(f.message)}"
        for f in findings
    ]
    summary = summary_line(findings, files)
    has_errors = any(f.severity == ERROR for f in findings)
    lines.append(style(summary, fg="red" if has_errors else "green", bold=True))
    return "\n".join(lines)


def format_json(findings: list[Diagnostic]) -> str:
    return json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False)


# GitHub workflow commands: `%`, CR and LF are escaped in the message; the
# properties also escape `:` and `,`, which separate them.
def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(findings: list[Diagnostic], files: int) -> str:
    lines = []
    for f in findings:
        command = {ERROR: "error", WARNING: "warning"}.get(f.severity, "notice")
        props = ",".join([
            f"file={_gh_property(f.path)}",
            f"line={f.line}",
            f"col={f.column}",
            f"title={_gh_property(f'postmortem-lint {f.rule}')}",
        ])
        lines.append(f"::{command} {props}::{_gh_data(f.message)}")
    lines.append(summary_line(findings, files))
    return "\n".join(lines)


def _artifact(path: str) -> dict:
    from pathlib import PurePosixPath
    from urllib.parse import quote

    if PurePosixPath(path).is_absolute():
        return {"uri": PurePosixPath(path).as_uri()}
    # Relative to where lint ran (the repository root in CI), URI-escaped:
    # file names may hold spaces.
    return {"uri": quote(path), "uriBaseId": "%SRCROOT%"}


def _sarif_level(severity: str) -> str:
    return {ERROR: "error", WARNING: "warning"}.get(severity, "note")


def format_sarif(findings: list[Diagnostic], rules: dict, version: str) -> str:
    """One SARIF 2.1.0 run; the driver lists every rule so code scanning can show its help."""
    rule_ids = sorted(set(rules) | {f.rule for f in findings})
    index = {rule_id: n for n, rule_id in enumerate(rule_ids)}
    descriptors = []
    for rule_id in rule_ids:
        known = rules.get(rule_id)
        summary = known.summary if known else "The file could not be loaded."
        default = known.severity if known else ERROR
        descriptors.append({
            "id": rule_id,
            "name": "".join(part.capitalize() for part in rule_id.split("-")),
            "shortDescription": {"text": summary},
            "help": {"text": f"{summary} See the rule reference, docs/lint-rules.md#{rule_id}."},
            "defaultConfiguration": {"level": _sarif_level(default)},
        })
    results = [
        {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": _sarif_level(f.severity),
            "message": {"text": f.message},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": _artifact(f.path),
                    "region": {"startLine": max(1, f.line), "startColumn": max(1, f.column)},
                }
            }],
        }
        for f in findings
    ]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "postmortem-lint",
                "version": version,
                "rules": descriptors,
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The repository root."}}},
            "results": results,
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False)

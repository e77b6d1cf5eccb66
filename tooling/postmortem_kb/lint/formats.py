"""Lint output formats."""

from __future__ import annotations

import json

from postmortem_kb.model import ERROR, WARNING, Diagnostic


def summary_line(findings: list[Diagnostic]) -> str:
    errors = sum(1 for f in findings if f.severity == ERROR)
    warnings = sum(1 for f in findings if f.severity == WARNING)
    return f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"


def format_text(findings: list[Diagnostic], files: int) -> str:
    lines = [f"{f.path}:{f.line}:{f.column}: {f.severity} {f.rule} {f.message}" for f in findings]
    lines.append(f"{summary_line(findings)} in {files} file{'s' if files != 1 else ''}")
    return "\n".join(lines)


def format_json(findings: list[Diagnostic]) -> str:
    return json.dumps(
        [{k: v for k, v in f.as_dict().items() if k != "column"} for f in findings], indent=2, ensure_ascii=False
    )


FORMATS = ("text", "json")

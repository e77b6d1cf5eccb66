"""Every rule survives malformed input: findings, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lint_helpers import CLEAN
from postmortem_kb.config import load_config
from postmortem_kb.lint.engine import Linter
from postmortem_kb.loader import parse_postmortem

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
CONFIG = load_config(Path("/nonexistent-kb"))
LINTER = Linter(CONFIG, {"2023-11-02-kv-crash"})

yaml_scalars = st.sampled_from([
    "", "~", "12", "3.5", "true", "[]", "{}", "[a, [b, c]]", "{a: 1}", "2024-01-02", "2024-01-02T03:04:05",
    "2024-01-02 03:04:05+01:00", "'quoted'", "just text", "-1", ".inf", "!!binary aGVsbG8=", "*undefined",
    "&anchor [x]", "'2024-13-45'", "[2024-01-02, 5, null]",
])
keys = st.sampled_from([
    "title", "date", "severity", "status", "authors", "tags", "services", "started_at", "detected_at",
    "mitigated_at", "resolved_at", "summary", "related", "timezone", "template", "sumary", "5",
])
rows = st.sampled_from([
    "| 10:00 | ok |", "| | missing time |", "| only one cell |", "|||", "| 25:99 | bad |", "| 09:00 |",
    "| 2024-01-02 | date only |", "- 10:00 bullet", "- no time", "| a | b | c | d | e | f | g |",
    "<!-- postmortem-lint disable-next-line -->", "<!-- postmortem-lint disable nope -->", "## Timeline",
    "## Action items", "| Action | Owner |", "|---|---|", "TODO", "<!-- hint: x", "```", "> quote",
    "AKIAIOSFODNN7EXAMPLE", "user@example.org 8.8.8.8", "human error", "\t", "#", "| x | y | 2099-01-01 | open |",
])


def lint(text: str):
    pm = parse_postmortem(text, Path("2024-01-09-x.md"), CONFIG)
    findings = LINTER.lint(pm)
    # The loader reads a lone CR as a line break, as old editors wrote them.
    last = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 2
    for f in findings:
        assert 1 <= f.line <= last and f.column >= 1 and f.message and f.rule, f
    return findings


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(keys, yaml_scalars, max_size=10), st.lists(rows, max_size=25))
def test_random_front_matter_and_body_never_crash(meta, body):
    front = "\n".join(f"{k}: {v}" for k, v in meta.items())
    lint(f"---\n{front}\n---\n\n" + "\n".join(body) + "\n")


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_clean_postmortem_with_random_lines_replaced_never_crashes(data):
    lines = CLEAN.split("\n")
    for _ in range(data.draw(st.integers(1, 6))):
        index = data.draw(st.integers(0, len(lines) - 1))
        lines[index] = data.draw(rows | yaml_scalars | st.text(max_size=40))
    lint("\n".join(lines))


def test_the_examples_of_the_issue(kb):
    findings = lint("---\ntitle: 5\ntags: just-a-string\ndate: 12\nseverity: [SEV1]\nstarted_at: yesterday\n---\n"
                    "## Timeline\n\n| Time | Event |\n|---|---|\n| | nothing |\n| only |\n\n"
                    "## Action items\n\n| Action | Owner | Due |\n|---|---|---|\n| Fix |\n")
    rules = {f.rule for f in findings}
    assert {"front-matter-type", "front-matter-format", "timeline-time", "action-owner", "action-due"} <= rules


def test_real_corpus_gives_findings_not_tracebacks():
    corpus = SHARED / "corpus"
    if not corpus.is_dir():
        pytest.skip("the shared corpus (../shared/corpus beside the repository) is not present")
    files = sorted(corpus.rglob("*.md"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert lint(text), path  # raw posts are not format v1: each gets findings

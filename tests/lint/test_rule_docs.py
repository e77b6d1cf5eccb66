"""docs/lint-rules.md documents every registered rule, and nothing else, with its default."""

from __future__ import annotations

import re

from conftest import REPO
from postmortem_kb.lint.engine import RULES

DOC = REPO / "docs" / "lint-rules.md"


def documented() -> dict[str, str]:
    """rule id -> the text of its entry."""
    text = DOC.read_text(encoding="utf-8")
    parts = re.split(r"^### `([a-z0-9-]+)`\s*$", text, flags=re.MULTILINE)
    return {parts[n]: parts[n + 1].split("\n## ")[0] for n in range(1, len(parts), 2)}


def test_every_rule_is_documented_and_no_entry_is_stale():
    assert set(documented()) == set(RULES)


def test_each_entry_states_the_registered_default():
    for rule_id, entry in documented().items():
        assert f"Default: **{RULES[rule_id].severity}**." in entry, rule_id


def test_loader_findings_are_listed():
    text = DOC.read_text(encoding="utf-8")
    for rule_id in ("load-read", "load-size", "load-binary", "load-encoding", "load-front-matter", "load-yaml",
                    "load-symlink", "duplicate-id"):
        assert f"| `{rule_id}` |" in text

"""Inline suppressions: HTML comments that switch a named rule off in one file.

    <!-- postmortem-lint disable blame-language -->              the whole file
    <!-- postmortem-lint disable-next-line personal-data -->     the line below
    | 10:04 | ... <!-- postmortem-lint disable-line timeline-order --> |   this line

Several rule ids may follow, separated by spaces or commas; text after `--`
is a reason for the reader. HTML comments do not show on the site. A
suppression that silences nothing is itself reported, so stale ones go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Collection

from postmortem_kb.lint.facts import PostmortemFacts
from postmortem_kb.lint.suggest import did_you_mean
from postmortem_kb.model import Diagnostic

MARKER = "postmortem-lint"
_DIRECTIVE = re.compile(
    r"<!--\s*postmortem-lint\s+(?P<kind>disable-next-line|disable-line|disable)\b(?P<rest>.*?)-->",
    re.DOTALL,
)
_RULE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass
class Suppression:
    line: int  # where the comment is, for findings about it
    column: int
    kind: str
    rule: str
    # The line it silences; None for the whole file.
    target: int | None
    used: bool = False


@dataclass
class Suppressions:
    items: list[Suppression] = field(default_factory=list)
    # (line, column, message) of directives that cannot be understood.
    problems: list[tuple[int, int, str]] = field(default_factory=list)

    def silences(self, finding: Diagnostic) -> bool:
        hit = False
        for item in self.items:
            if item.rule == finding.rule and (item.target is None or item.target == finding.line):
                item.used = True
                hit = True
        return hit


def read_suppressions(facts: PostmortemFacts, known_rules: Collection[str]) -> Suppressions:
    found = Suppressions()
    body = facts.pm.body
    if MARKER not in body:  # the common case costs one substring search
        return found
    for match in _DIRECTIVE.finditer(body):
        line, column = facts.position(match.start())
        end_line, _ = facts.position(match.end() - 1)
        kind = match.group("kind")
        ids_text = match.group("rest").split("--", 1)[0]
        ids = [part for part in re.split(r"[\s,]+", ids_text) if part]
        if not ids:
            found.problems.append((line, column, f"`{kind}` names no rule; write `<!-- {MARKER} {kind} rule-id -->`"))
            continue
        for rule_id in ids:
            if not _RULE_ID.match(rule_id) or rule_id not in known_rules:
                found.problems.append((line, column, f"`{kind}` names unknown rule `{rule_id}`"
                                       f"{did_you_mean(rule_id, sorted(known_rules))}"))
                continue
            target = {"disable": None, "disable-line": line, "disable-next-line": end_line + 1}[kind]
            found.items.append(Suppression(line, column, kind, rule_id, target))
    return found

"""The rule registry: each rule has an id, a default severity and a check."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable, Iterable, NamedTuple

from postmortem_kb.config import KBConfig
from postmortem_kb.model import Postmortem


class Hit(NamedTuple):
    """What a check reports; the engine adds path, rule id and severity."""

    line: int
    message: str
    column: int = 1


@dataclass
class LintContext:
    config: KBConfig
    # Ids of every postmortem in the knowledge base, for `related:` checks.
    known_ids: set[str] = field(default_factory=set)
    today: dt.date = field(default_factory=dt.date.today)


Check = Callable[[Postmortem, LintContext], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    summary: str
    check: Check


RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: str, summary: str) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} registered twice")
        RULES[rule_id] = Rule(rule_id, severity, summary, check)
        return check

    return register

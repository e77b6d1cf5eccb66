"""The rule registry: each rule has an id, a default severity and a check.

A check is a function of one postmortem and the run's context that yields
`Hit`s; the engine turns them into located findings, applies the config's
per-rule level and the file's suppressions. Rules the engine itself reports
(suppression problems) are registered without a check, so that the config,
the docs and the SARIF rule list know them like any other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, NamedTuple

from postmortem_kb.config import KBConfig
from postmortem_kb.model import Postmortem

if TYPE_CHECKING:
    from postmortem_kb.lint.facts import PostmortemFacts


class Hit(NamedTuple):
    """What a check reports; the engine adds path, rule id and severity."""

    line: int
    message: str
    column: int = 1


@dataclass
class FileScope:
    """What the context knows of one postmortem while rules check it.

    Lint runs each rule across a batch of postmortems, so the context moves
    from file to file (`LintContext.enter`) and each file's own records go
    with it: which ids it asked about, which other files it read, and the
    facts derived from it.
    """

    known_ids: set[str]
    file_dependencies: dict[str, str | None] = field(default_factory=dict)
    facts: "PostmortemFacts | None" = None

    def release(self) -> None:
        """Let go of the postmortem's facts, and with them its model.

        Rules memoise values that point back at the facts (a bound
        `position`, a closure), a reference cycle only the garbage collector
        frees: each batch's models would wait for it, and the next batch
        would be parsed into cold memory instead of the memory just freed.
        """
        if self.facts is not None:
            self.facts.__dict__.clear()
            self.facts = None


@dataclass
class LintContext:
    config: KBConfig
    # The postmortem being checked: the ids of the knowledge base it may ask
    # about (`related:` checks), the other files it read, its facts.
    scope: FileScope = field(default_factory=lambda: FileScope(set()))
    today: dt.date = field(default_factory=dt.date.today)
    # Built once per run and shared by the rules (compiled schema, patterns).
    shared: dict[str, Any] = field(default_factory=dict)

    @property
    def known_ids(self) -> set[str]:
        return self.scope.known_ids

    def depend_on_file(self, path) -> None:
        """Record that this postmortem's findings read `path` (a translation's original): lint's cache re-checks it."""
        from postmortem_kb.lint.digests import file_digest

        self.scope.file_dependencies[str(path)] = file_digest(path)

    def enter(self, scope: FileScope) -> None:
        """Check the postmortem whose scope this is from now on."""
        self.scope = scope

    def facts(self, pm: Postmortem) -> "PostmortemFacts":
        """What several rules derive from one postmortem, computed once."""
        facts = self.scope.facts
        if facts is None or facts.pm is not pm:
            # Imported here: facts imports this module.
            from postmortem_kb.lint.facts import PostmortemFacts

            facts = self.scope.facts = PostmortemFacts(pm, self)
        return facts

    def once(self, key: str, build: Callable[[], Any]) -> Any:
        """A value built on first use and kept for the run."""
        if key not in self.shared:
            self.shared[key] = build()
        return self.shared[key]


Check = Callable[[Postmortem, LintContext], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    summary: str
    # None for findings the engine makes itself (unused suppressions).
    check: Check | None
    category: str


RULES: dict[str, Rule] = {}


def _category(module: str) -> str:
    # rules_front_matter -> "front matter"; the docs group rules by it.
    name = module.rsplit(".", 1)[-1]
    return name.removeprefix("rules_").replace("_", " ")


def _register(new: Rule) -> None:
    if new.id in RULES:
        raise ValueError(f"rule {new.id} registered twice")
    RULES[new.id] = new


def rule(rule_id: str, severity: str, summary: str) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        _register(Rule(rule_id, severity, summary, check, _category(check.__module__)))
        return check

    return register


def engine_rule(rule_id: str, severity: str, summary: str) -> None:
    _register(Rule(rule_id, severity, summary, None, "suppression"))

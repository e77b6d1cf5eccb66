"""Run the rules over postmortems and turn their hits into findings.

One pass per file: load (the shared loader), run every enabled rule, then
drop what the file's inline suppressions silence and report the
suppressions that silenced nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from postmortem_kb.config import ConfigError, KBConfig
from postmortem_kb.kb import display_path, iter_files, postmortem_files
# Importing the rule modules registers their rules.
from postmortem_kb.lint import (  # noqa: F401
    rules_actions,
    rules_front_matter,
    rules_publishing,
    rules_references,
    rules_sections,
    rules_times,
)
from postmortem_kb.lint.registry import RULES, LintContext, Rule, engine_rule
from postmortem_kb.lint.suppression import read_suppressions
from postmortem_kb.model import WARNING, Diagnostic, Postmortem

UNUSED_SUPPRESSION = "unused-suppression"
BAD_SUPPRESSION = "bad-suppression"
engine_rule(UNUSED_SUPPRESSION, WARNING, "Every inline suppression silences a finding (stale ones are removed).")
engine_rule(BAD_SUPPRESSION, WARNING, "Every inline suppression names a rule that exists.")


def check_rule_config(config: KBConfig) -> None:
    from postmortem_kb.lint.suggest import did_you_mean

    for rule_id in config["rules"]:
        if rule_id not in RULES:
            raise ConfigError(config.path, f"rules.{rule_id}",
                              f"no such rule{did_you_mean(rule_id, sorted(RULES))}; known rules: {', '.join(sorted(RULES))}")


class Linter:
    """The enabled rules and their levels, resolved once for a run."""

    def __init__(self, config: KBConfig, known_ids: set[str], today: dt.date | None = None):
        check_rule_config(config)
        self.ctx = LintContext(config=config, known_ids=known_ids, today=today or dt.date.today())
        self.active: list[tuple[Rule, str]] = []
        for rule in RULES.values():
            level = config.rule_level(rule.id, rule.severity)
            if level != "off" and rule.check is not None:
                self.active.append((rule, level))
        self.level = {rule.id: config.rule_level(rule.id, rule.severity) for rule in RULES.values()}

    def lint(self, pm: Postmortem) -> list[Diagnostic]:
        found = list(pm.diagnostics)
        if pm.failed:
            return found
        shown = found[0].path if found else display_path(pm.path)
        ctx = self.ctx
        for rule, level in self.active:
            for hit in rule.check(pm, ctx):
                found.append(Diagnostic(shown, hit.line, rule.id, level, hit.message, hit.column))
        return self._apply_suppressions(pm, shown, found)

    def _apply_suppressions(self, pm: Postmortem, shown: str, found: list[Diagnostic]) -> list[Diagnostic]:
        suppressions = read_suppressions(self.ctx.facts(pm), set(RULES))
        if not suppressions.items and not suppressions.problems:
            return found
        kept = [d for d in found if not suppressions.silences(d)]
        if self.level[BAD_SUPPRESSION] != "off":
            for line, column, message in suppressions.problems:
                kept.append(Diagnostic(shown, line, BAD_SUPPRESSION, self.level[BAD_SUPPRESSION], message, column))
        if self.level[UNUSED_SUPPRESSION] != "off":
            for item in suppressions.items:
                # A rule switched off in the config silences nothing anywhere;
                # that is the config's choice, not a stale comment.
                if not item.used and self.level[item.rule] != "off":
                    kept.append(Diagnostic(
                        shown, item.line, UNUSED_SUPPRESSION, self.level[UNUSED_SUPPRESSION],
                        f"`{item.kind} {item.rule}` silences nothing here; remove it", item.column,
                    ))
        return kept


def expand_paths(paths: list[Path], config: KBConfig) -> list[Path]:
    if not paths:
        return postmortem_files(config.postmortems_dir)
    files: list[Path] = []
    for path in paths:
        files.extend(postmortem_files(path) if path.is_dir() else [path])
    return files


@dataclass
class LintReport:
    findings: list[Diagnostic]
    files: int


def lint_paths(paths: list[Path], config: KBConfig, today: dt.date | None = None) -> LintReport:
    files = expand_paths(paths, config)
    known = {p.stem for p in postmortem_files(config.postmortems_dir)} | {p.stem for p in files}
    linter = Linter(config, known, today)
    findings: list[Diagnostic] = []
    # One file at a time: each model is dropped once linted.
    for pm, collection in iter_files(files, config):
        findings.extend(collection)
        if pm is not None:
            findings.extend(linter.lint(pm))
    findings.sort(key=lambda d: (d.path, d.line, d.column, d.rule))
    return LintReport(findings=findings, files=len(files))

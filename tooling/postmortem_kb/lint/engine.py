"""Run the rules over postmortems and turn their hits into diagnostics."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from postmortem_kb.config import ConfigError, KBConfig
from postmortem_kb.kb import display_path, load_files, postmortem_files
from postmortem_kb.lint import rules_basic  # noqa: F401  (registers rules)
from postmortem_kb.lint.registry import RULES, LintContext
from postmortem_kb.model import Diagnostic, Postmortem


def check_rule_config(config: KBConfig) -> None:
    for rule_id in config["rules"]:
        if rule_id not in RULES:
            raise ConfigError(config.path, f"rules.{rule_id}", f"no such rule; known rules: {', '.join(sorted(RULES))}")


def lint_postmortem(pm: Postmortem, ctx: LintContext) -> list[Diagnostic]:
    found = list(pm.diagnostics)
    if pm.failed:
        return found
    shown = found[0].path if found else display_path(pm.path)
    for rule in RULES.values():
        level = ctx.config.rule_level(rule.id, rule.severity)
        if level == "off":
            continue
        for hit in rule.check(pm, ctx):
            found.append(Diagnostic(shown, hit.line, rule.id, level, hit.message, hit.column))
    return found


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


def lint_paths(paths: list[Path], config: KBConfig) -> LintReport:
    check_rule_config(config)
    files = expand_paths(paths, config)
    postmortems, collection = load_files(files, config)
    known = {p.stem for p in postmortem_files(config.postmortems_dir)} | {pm.id for pm in postmortems}
    ctx = LintContext(config=config, known_ids=known)
    findings = list(collection)
    for pm in postmortems:
        findings.extend(lint_postmortem(pm, ctx))
    findings.sort(key=lambda d: (d.path, d.line, d.column, d.rule))
    return LintReport(findings=findings, files=len(files))

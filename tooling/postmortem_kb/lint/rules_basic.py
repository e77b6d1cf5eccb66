"""Presence rules: the fields and sections every postmortem needs."""

from __future__ import annotations

from typing import Iterable

from postmortem_kb.lint.registry import Hit, LintContext, rule
from postmortem_kb.model import ERROR, Postmortem
from postmortem_kb import template_catalog


def _field_line(pm: Postmortem, key: str) -> int:
    return pm.meta_lines.get(key, 1)


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, (str, list, tuple, dict)) and not value)


@rule("front-matter-required", ERROR, "Every required front matter field is present and not empty.")
def required_fields(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    for key in ctx.config["required_fields"]:
        if key not in pm.meta:
            yield Hit(1, f"front matter is missing `{key}`")
        elif _is_blank(pm.meta[key]):
            yield Hit(_field_line(pm, key), f"front matter `{key}` is empty")


def _allowed_value(pm: Postmortem, key: str, allowed: list[str]) -> Iterable[Hit]:
    value = pm.meta.get(key)
    if _is_blank(value):
        return
    if not isinstance(value, str) or value not in allowed:
        yield Hit(_field_line(pm, key), f"`{key}: {value}` is not one of {', '.join(allowed)}")


@rule("severity-value", ERROR, "`severity` is one of the configured levels.")
def severity_value(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    return _allowed_value(pm, "severity", ctx.config["severities"])


@rule("status-value", ERROR, "`status` is one of the configured statuses.")
def status_value(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    return _allowed_value(pm, "status", ctx.config["statuses"])


@rule("section-required", ERROR, "Every required section is present (headings match through the aliases).")
def required_sections(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    present = {s.canonical for s in pm.sections if s.top_level}
    aliases = ctx.config["section_aliases"]
    last_line = pm.body_line + pm.body.count("\n")
    for name in template_catalog.required_sections(ctx.config, pm.meta.get("template")):
        if name not in present:
            also = aliases.get(name)
            hint = f" (or one of: {', '.join(also)})" if also else ""
            yield Hit(last_line, f"section `## {name}`{hint} is missing")


@rule("timeline-time", ERROR, "Every timeline row has a time that parses.")
def timeline_times(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    for event in pm.timeline:
        if event.error:
            yield Hit(event.line, f"timeline row: {event.error}")

"""Section rules: required sections present and filled in, no duplicates, no placeholders left."""

from __future__ import annotations

import re
from typing import Iterable

from postmortem_kb import template_catalog
from postmortem_kb.config import normalise_heading
from postmortem_kb.lint.registry import Hit, LintContext, rule
from postmortem_kb.lint.textscan import PhraseFinder
from postmortem_kb.model import ERROR, INFO, WARNING, Postmortem, Section

# HTML comments are invisible on the site, so a section holding only
# comments (the template's hints) reads as empty.
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_HINT = re.compile(r"<!--\s*hint:", re.IGNORECASE)
# Sections whose content is a table: a header row alone is still empty.
_TABLE_SECTIONS = {"Timeline": "timeline", "Action items": "actions"}


def _last_line(pm: Postmortem) -> int:
    return pm.body_line + pm.body.count("\n")


def _is_finished(pm: Postmortem, ctx: LintContext) -> bool:
    status = pm.meta.get("status")
    # `closed` comes after published: it is held to everything published is.
    return isinstance(status, str) and (status in ctx.config.finished_statuses
                                        or status == ctx.config.review.get("closed_status"))


def _subsection_lines(pm: Postmortem, top: Section) -> set[int]:
    return {s.line for s in pm.sections if not s.top_level and top.line < s.line <= top.body_end}


def _without_comments(text: str) -> str:
    # The substring test nearly always says no, and costs far less than the pattern.
    return _COMMENT.sub("", text) if "<!--" in text else text


def emptiness(pm: Postmortem, section: Section) -> str | None:
    """Why a section reads as empty, or None when it has content.

    Sub-headings and comments are not content; neither is a Timeline or
    Action items table that has no rows the loader could read.
    """
    headings = _subsection_lines(pm, section)
    lines = (line for n, line in enumerate(_without_comments(section.body).split("\n"), start=section.body_start)
             if line.strip() and n not in headings)
    kind = _TABLE_SECTIONS.get(section.canonical or "")
    if not kind or getattr(pm, kind):
        return None if next(lines, None) is not None else "is empty"
    content = list(lines)
    if not content:
        return "is empty"
    if all(line.lstrip().startswith("|") for line in content):
        return ("has a table with no rows that can be read (a table needs a header row, a `|---|` row "
                "with as many columns, then one row per entry)")
    return None


@rule("section-required", ERROR, "Every required section is present (headings match through the aliases).")
def required_sections(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    present = {s.canonical for s in pm.sections if s.top_level}
    aliases = ctx.config.section_aliases
    for name in _required(pm, ctx):
        if name not in present:
            also = aliases.get(name)
            hint = f" (or one of: {', '.join(also)})" if also else ""
            yield Hit(_last_line(pm), f"section `## {name}`{hint} is missing")


@rule("section-empty", ERROR, "Required sections of a finished postmortem (in-review, published) have content.")
def empty_sections(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    if not _is_finished(pm, ctx):
        return
    required = set(_required(pm, ctx))
    for section in pm.sections:
        if not section.top_level or section.canonical not in required:
            continue
        reason = emptiness(pm, section)
        if reason:
            yield Hit(section.line, f"section `## {section.heading}` {reason}; fill it in, or set `status: draft`")


@rule("section-to-write", INFO, "A draft's findings list the required sections still to write.")
def sections_to_write(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    if _is_finished(pm, ctx):
        return  # section-empty reports them, as errors
    required = set(_required(pm, ctx))
    empty = [section for section in pm.sections
             if section.top_level and section.canonical in required and emptiness(pm, section)]
    if empty:
        names = ", ".join(section.heading for section in empty)
        yield Hit(empty[0].line, f"still to write before review: {names}")


def _required(pm: Postmortem, ctx: LintContext) -> list[str]:
    """The sections `pm` must have, worked out once per template in a run (it reads the template file)."""
    template = pm.meta.get("template")
    return ctx.once(f"required-sections:{template!r}",
                    lambda: template_catalog.required_sections(ctx.config, template))


def _template_sections(ctx: LintContext, template: object) -> set[str] | None:
    """Canonical names of the sections a template has, or None (no template)."""
    if not isinstance(template, str) or not template.strip():
        return None

    def build() -> set[str] | None:
        from postmortem_kb.scaffold import ScaffoldError, find_template

        try:
            path = find_template(ctx.config, template.strip())
        except ScaffoldError:
            return None
        heading_map = ctx.config.heading_map()
        names = template_catalog.template_sections(path)[0]
        return {heading_map.get(normalise_heading(n), n) for n in names}

    return ctx.once(f"template-sections:{template}", build)


@rule("section-recommended", WARNING, "Recommended sections are present (those the postmortem's template has).")
def recommended_sections(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    present = {s.canonical for s in pm.sections if s.top_level}
    in_template = _template_sections(ctx, pm.meta.get("template"))
    for name in ctx.config.recommended_sections:
        if name not in present and (in_template is None or name in in_template):
            yield Hit(_last_line(pm), f"recommended section `## {name}` is missing")


@rule("section-duplicate", ERROR, "No section appears twice (only the first would be read).")
def duplicate_sections(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    seen: dict[str, int] = {}
    for section in pm.sections:
        if not section.top_level:
            continue
        key = section.canonical or normalise_heading(section.heading)
        if key in seen:
            yield Hit(section.line, f"section `## {section.heading}` repeats the one on line {seen[key]}; merge them")
        else:
            seen[key] = section.line


def _marker_finder(ctx: LintContext) -> PhraseFinder:
    # Markers match as whole words in the case given, so the word "todo"
    # in prose is not a marker but "TODO" is.
    return ctx.once("placeholder-markers", lambda: PhraseFinder(ctx.config.placeholder_markers, ignore_case=False))


@rule("placeholder-text", ERROR, "A finished postmortem has no template hints, TODO, TBD or XXX left.")
def placeholder_text(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    if not _is_finished(pm, ctx):
        return
    facts = ctx.facts(pm)
    status = pm.meta.get("status")
    if "<!--" in pm.body:
        for match in _HINT.finditer(pm.body):
            line, column = facts.position(match.start())
            yield Hit(line, f"template hint left in a postmortem with `status: {status}`; "
                            "replace it with the answer and delete the `<!-- hint: ... -->` comment", column)
    for start, _, marker in _marker_finder(ctx).find(pm.body):
        line, column = facts.position(start)
        yield Hit(line, f"`{marker}` left in a postmortem with `status: {status}`; finish it, or set `status: draft`",
                  column)

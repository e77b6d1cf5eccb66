"""What each template declares: its sections and which of them are required.

A template lists its required sections in a Jinja comment on its first
lines, `{# requires: Summary, Impact, Timeline #}`; without one, every
level-2 heading in the template is required. Lint reads this through
`required_sections`, so a postmortem is held to the template it was made
from (its `template:` front matter key).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from postmortem_kb.config import KBConfig

_REQUIRES = re.compile(r"\{#-?\s*requires:\s*(?P<names>.*?)\s*-?#\}", re.DOTALL)
_HEADING = re.compile(r"^##\s+(?P<name>[^#\n].*?)\s*#*\s*$", re.MULTILINE)


@lru_cache(maxsize=64)
def _read_declarations(path: Path, mtime_ns: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    source = path.read_text(encoding="utf-8")
    sections = tuple(m.group("name") for m in _HEADING.finditer(source))
    declared = _REQUIRES.search(source)
    if declared:
        required = tuple(n.strip() for n in declared.group("names").split(",") if n.strip())
    else:
        required = sections
    return sections, required


def template_sections(path: Path) -> tuple[list[str], list[str]]:
    """(every level-2 section, the required ones) of one template file."""
    sections, required = _read_declarations(path, path.stat().st_mtime_ns)
    return list(sections), list(required)


def required_sections(config: KBConfig, template_name: object) -> list[str]:
    """The sections a postmortem must have: its template's, else the config's."""
    from postmortem_kb.scaffold import ScaffoldError, find_template

    if isinstance(template_name, str) and template_name.strip():
        try:
            path = find_template(config, template_name.strip())
        except ScaffoldError:
            return list(config["required_sections"])
        return template_sections(path)[1]
    return list(config["required_sections"])


@dataclass
class TemplateInfo:
    """One available template, as `postmortem templates` shows it."""

    name: str
    path: Path
    origin: str  # "built-in", "team", or "team, overrides built-in"
    sections: list[str] = field(default_factory=list)
    required: list[str] = field(default_factory=list)
    # Problems an author would otherwise meet only at `postmortem new` or lint.
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "path": self.path.as_posix(),
            "origin": self.origin,
            "sections": self.sections,
            "required": self.required,
            "problems": self.problems,
        }


def catalog(config: KBConfig) -> list[TemplateInfo]:
    """Every template the knowledge base can use, checked, sorted by name."""
    from postmortem_kb.scaffold import BUILTIN_TEMPLATES, TEMPLATE_SUFFIX, available_templates

    infos = []
    for name, path in sorted(available_templates(config).items()):
        if path.parent == BUILTIN_TEMPLATES:
            origin = "built-in"
        elif (BUILTIN_TEMPLATES / f"{name}{TEMPLATE_SUFFIX}").is_file():
            origin = "team, overrides built-in"
        else:
            origin = "team"
        sections, required = template_sections(path)
        infos.append(TemplateInfo(name, path, origin, sections, required, check_template(config, name, path)))
    return infos


def check_template(config: KBConfig, name: str, path: Path) -> list[str]:
    """Render the template with sample values and read the result back.

    This finds what `postmortem new` and lint would trip over later: Jinja
    syntax errors and undefined variables (with the template's line), front
    matter that does not parse, a missing `template:` key, and required
    sections that the template lacks or that lint cannot recognise.
    """
    import datetime as dt

    from postmortem_kb.loader import parse_postmortem
    from postmortem_kb.scaffold import NewPostmortem, ScaffoldError, render_template, template_context

    sample = NewPostmortem(
        title="Sample title", date=dt.date(2024, 1, 1), severity=config["severities"][0],
        tags=["sample-tag"], services=["sample-service"], authors=["sample-author"], template=name,
    )
    try:
        text = render_template(path, template_context(sample))
    except ScaffoldError as exc:
        return [str(exc)]
    pm = parse_postmortem(text, path, config)
    problems = [f"{path}:{d.line}: the rendered file: {d.message}" for d in pm.diagnostics]
    if pm.failed:
        return problems
    if pm.meta.get("template") != name:
        problems.append(f"{path}: the rendered front matter lacks `template: {name}`, so lint cannot tell which "
                        "sections this postmortem must have; add `template: {{ template }}`")
    known = set(config.heading_map().values())
    present = {s.canonical for s in pm.sections if s.top_level}
    for section in template_sections(path)[1]:
        if section not in known:
            problems.append(
                f"{path}: required section {section!r} is not a section lint knows; add it to `section_aliases` "
                f"in postmortem-kb.yml (`{section}: []`) so lint can recognise it"
            )
        elif section not in present:
            problems.append(f"{path}: required section {section!r} has no `## {section}` heading in the template")
    return problems

"""What each template declares, and what a postmortem must have.

A template lists its required sections in a Jinja comment on its first
lines, `{# requires: Summary, Impact, Timeline #}`; without one, every
level-2 heading in the template is required.

`required_sections` is the one answer to "which sections must this
postmortem have": the config's `required_sections` (the knowledge base's
floor, for every postmortem) plus the sections its template (its
`template:` front matter key) requires. A template can add to the config's
list, never take away from it. Lint, `postmortem templates` and the
template checks all ask it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from postmortem_kb.config import KBConfig, normalise_heading

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
    """The sections a postmortem made from `template_name` must have (None or "" for no template).

    The template's required sections in its order, then the config's
    `required_sections` it does not list; each as its canonical name (the
    one lint compares with), so an alias or another case counts once. An
    unknown template adds nothing: the config's list still holds.
    """
    return _required(config, _template_path(config, template_name))


def _required(config: KBConfig, template: Path | None) -> list[str]:
    names = list(config.required_sections)
    if template is not None:
        names = [*template_sections(template)[1], *names]
    canonical = config.heading_map()
    return list(dict.fromkeys(canonical.get(normalise_heading(name), name) for name in names))


def _template_path(config: KBConfig, template_name: object) -> Path | None:
    from postmortem_kb.scaffold import ScaffoldError, find_template

    if not isinstance(template_name, str) or not template_name.strip():
        return None
    try:
        return find_template(config, template_name.strip())
    except ScaffoldError:
        return None


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
    from postmortem_kb.scaffold import (
        BUILTIN_TEMPLATES,
        TEMPLATE_SUFFIX,
        available_templates,
    )

    infos = []
    for name, path in sorted(available_templates(config).items()):
        if path.parent == BUILTIN_TEMPLATES:
            origin = "built-in"
        elif (BUILTIN_TEMPLATES / f"{name}{TEMPLATE_SUFFIX}").is_file():
            origin = "team, overrides built-in"
        else:
            origin = "team"
        sections = template_sections(path)[0]
        infos.append(TemplateInfo(name, path, origin, sections, _required(config, path),
                                  check_template(config, name, path)))
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
    from postmortem_kb.scaffold import (
        NewPostmortem,
        ScaffoldError,
        render_template,
        template_context,
    )

    sample = NewPostmortem(
        title="Sample title", date=dt.date(2024, 1, 1), severity=config.severities[0],
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
    from_config = set(_required(config, None))
    for section in _required(config, path):
        if section not in known:
            problems.append(
                f"{path}: required section {section!r} is not a section lint knows; add it to `section_aliases` "
                f"in postmortem-kb.yml (`{section}: []`) so lint can recognise it"
            )
        elif section in present:
            continue
        elif section in from_config:
            problems.append(
                f"{path}: required section {section!r} (`required_sections` in postmortem-kb.yml) has no "
                f"`## {section}` heading in the template, so a postmortem made from it fails lint until one is "
                f"added; add the heading to the template (a team copy in the templates folder overrides a built-in)"
            )
        else:
            problems.append(f"{path}: required section {section!r} has no `## {section}` heading in the template")
    return problems

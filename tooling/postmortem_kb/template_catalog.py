"""What each template declares: its sections and which of them are required.

A template lists its required sections in a Jinja comment on its first
lines, `{# requires: Summary, Impact, Timeline #}`; without one, every
level-2 heading in the template is required. Lint reads this through
`required_sections`, so a postmortem is held to the template it was made
from (its `template:` front matter key).
"""

from __future__ import annotations

import re
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

"""`postmortem init DIR`: a new knowledge base that builds at once.

The skeleton is the smallest folder that `mkdocs build --strict` turns into
a working site: mkdocs.yml (Material, no web fonts, the `search` and
`postmortems` plugins, postmortems kept out of the sidebar), the knowledge
base's own config, an empty postmortems/ folder, templates/ with a README
on overriding templates, and a home page with the latest-postmortems
marker. Every file is created exclusively: init never overwrites anything,
and it refuses a folder that already holds a knowledge base.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from postmortem_kb.atomic import create_new
from postmortem_kb.config import CONFIG_FILE

MKDOCS_YML = """\
site_name: {site_name}
site_description: Incident postmortems, searchable by tag, service and severity.
docs_dir: docs

theme:
  name: material
  # An internal site must make no request to the internet: no Google Fonts.
  font: false
  # Light and dark, following the reader's system setting until they pick
  # one with the toggle in the header (Material keeps the choice per site).
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      primary: indigo
      accent: indigo
      toggle:
        icon: material/weather-night
        name: Switch to dark mode
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      primary: indigo
      accent: indigo
      toggle:
        icon: material/weather-sunny
        name: Switch to light mode
  features:
    - search.highlight
    - navigation.top
    - content.code.copy

extra:
  # Drops the "Made with Material" footer link to an external host.
  generator: false

plugins:
  - search
  # Generates a page per postmortem and the indexes from postmortems/.
  - postmortems

markdown_extensions:
  - tables
  - admonition
  - attr_list
  - md_in_html
  - toc:
      permalink: true

# Postmortems stay out of the sidebar: thousands of entries there make the
# build slow. People browse them through the generated indexes.
nav:
  - Home: index.md
  - Browse postmortems: postmortems/index.md
  - Tags: tags/index.md
  - Services: services/index.md
  - Severities: severities/index.md
  - Archive: archive/index.md
  - Action items: actions/index.md
  - Metrics: metrics/index.md
  - Analysis: analysis/index.md
  - Reviews: reviews/index.md
  - Writing a postmortem: writing.md

not_in_nav: |
  /postmortems/
  /tags/
  /services/
  /severities/
  /archive/
"""

KB_CONFIG = """\
# postmortem-kb settings for this knowledge base. Every key is optional;
# the values below are the defaults.
severities: [SEV1, SEV2, SEV3, SEV4]
statuses: [draft, in-review, published]
required_sections: [Summary, Impact, Timeline, Root cause, Action items]
# Zone for timeline times written without an offset.
timezone: UTC
# A fixed vocabulary turns on lint's check of tags and services, e.g.
# tags: [database, network, server-infra]
"""

HOME = """\
# Postmortems

Every incident we learn from, written blamelessly and kept in one place.
Browse and filter [every postmortem](postmortems/index.md), go by [tag](tags/index.md), or search from the box at the top.

## Latest postmortems

<!-- postmortems:latest -->
"""

WRITING = """\
# Writing a postmortem

1. Scaffold the file: `postmortem new "Short title of what broke"`. It asks
   for the severity, tags, services and authors, creates
   `postmortems/<date>-<slug>.md` with `status: draft` and prints the path.
   `postmortem templates` lists the templates (`default`, `lite`, `security`).
2. Fill in each section; the `<!-- hint: ... -->` comments say what belongs there.
   `postmortem timeline import ID --from slack FILE` merges a chat export
   into the timeline.
3. Run `postmortem lint` and fix what it reports.
4. Set `status: in-review`, open a merge request, and `published` once agreed.

Write about systems and decisions, not people.
"""

POSTMORTEMS_README = """\
# Postmortems

One markdown file per incident, named `YYYY-MM-DD-slug.md`. Create one with
`postmortem new "Title"`, or bring old ones in with `postmortem import DIR`.
"""

GITIGNORE = """\
# The built site: `mkdocs build` recreates it (`make site` keeps the last one
# in site.old/ while it builds into site.new/).
/site/
/site.new/
/site.old/
# `postmortem generate --out build` and the tutorial's builds.
/build/
# Lint's cache of findings for unchanged files: `postmortem lint` recreates it.
/.postmortem-cache/
"""


def templates_readme() -> str:
    """The README for a knowledge base's templates/ folder (shipped with the package)."""
    return resources.files("postmortem_kb").joinpath("templates/README.md").read_text(encoding="utf-8")


class InitError(Exception):
    """The folder cannot become a knowledge base; the message says why."""


@dataclass
class InitResult:
    root: Path
    created: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # existing files left as they were


def skeleton(site_name: str) -> dict[str, str]:
    """Relative path -> content. mkdocs.yml comes last: a knowledge base is
    only "there" (and a second init refused) once everything else is."""
    return {
        CONFIG_FILE: KB_CONFIG,
        "postmortems/README.md": POSTMORTEMS_README,
        "templates/README.md": templates_readme(),
        "docs/index.md": HOME,
        "docs/writing.md": WRITING,
        ".gitignore": GITIGNORE,
        "mkdocs.yml": MKDOCS_YML.format(site_name=_yaml_text(site_name)),
    }


def _yaml_text(value: str) -> str:
    import json

    return json.dumps(" ".join(value.split()) or "Postmortems", ensure_ascii=False)


def init_knowledge_base(root: Path, site_name: str = "Postmortems") -> InitResult:
    if root.exists() and not root.is_dir():
        raise InitError(f"{root} exists and is not a folder")
    for marker in ("mkdocs.yml", CONFIG_FILE):
        if (root / marker).exists():
            raise InitError(
                f"{root / marker} already exists: {root} is already a site or knowledge base, and init never "
                "overwrites; pick a new folder, or add `- postmortems` to the plugins of that mkdocs.yml yourself"
            )
    result = InitResult(root)
    for relative, content in skeleton(site_name).items():
        target = root / relative
        try:
            create_new(target, content)
        except FileExistsError:
            result.kept.append(target)
            continue
        result.created.append(target)
    return result

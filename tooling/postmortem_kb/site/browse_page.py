"""`/postmortems/`: every postmortem on one page, filtered and sorted in the browser.

Three parts, built with the site:

- the page (`render_browse_page`): the newest `NO_SCRIPT_ROWS` postmortems
  as a plain table, readable without JavaScript, with a note that says so
  and links to the archive for the rest;
- its data (`browse_data`, `postmortems/browse.json`): every postmortem,
  column by column, small enough that 5,000 of them load in well under a
  megabyte (see FORMAT below);
- its script (`assets/browse.js`): reads the data, adds the filters and the
  sortable headers, and keeps both in the page's query string, so a link
  or a reload shows the same rows.

Durations come from `metrics.duration`, as on every other page; the script
only formats them.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from pathlib import Path
from typing import Sequence

from markupsafe import Markup

from postmortem_kb.config import KBConfig
from postmortem_kb.languages import language_of
from postmortem_kb.metrics import duration, format_duration
from postmortem_kb.model import Postmortem
from postmortem_kb.scaffold import slugify
from postmortem_kb.site.blocks import (
    DRAFT,
    Chip,
    format_date,
    incident_duration,
    page_title,
    plural,
    severity_chip,
    status_chip,
)
from postmortem_kb.site.fragments import MISSING, fragment
from postmortem_kb.site.parts import END, Block, PageSource
from postmortem_kb.site.urls import (
    ARCHIVE_INDEX,
    BROWSE_DATA,
    BROWSE_PAGE,
    BROWSE_SCRIPT,
    href,
    postmortem_page,
)

# Rows the page itself holds, for reading without JavaScript (and before
# the data has loaded): newest first. The rest are on the archive pages.
NO_SCRIPT_ROWS = 100
FORMAT_VERSION = 1

# FORMAT of browse.json (version 1). Rows are newest first; column `c[k][i]`
# is row i's value of k. Repeated text is stored once in `values[k]` and
# a row holds its index there ("dictionary encoded"):
#
#   {"version": 1, "count": N, "suffix": "/" or ".html",
#    "values": {"severity": [...configured order, then others], "status": [...],
#               "lang": [...], "tag": [...], "service": [...]},
#    "severity_rank": [rank of each severity value, configured first; null for unconfigured],
#    "severity_class": [...], "severity_hint": [...], "status_class": [...],
#    "columns": {"page": [...], "form": [...], "title": [...], "date": [days since 1970-01-01 or null],
#                "severity": [index or null], "status": [index or null], "lang": [index],
#                "tags": [[index, ...]], "services": [[index, ...]],
#                "duration": [minutes or null], "detect": [minutes or null]}}
#
# A row's page (its link, relative to the browse page, is page + suffix) is
# stored short: `form` 0: `page` is the whole stem; 1: the stem is the ISO
# date, "-", then `page`; 2: the ISO date, "-", the slug of the (ASCII)
# title, then `page`. Ids made by `postmortem new` are form 2 and store a
# few characters.
VERBATIM, AFTER_DATE, AFTER_TITLE = 0, 1, 2
_PREFIX = len("postmortems/")
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def browse_script() -> str:
    return resources.files("postmortem_kb.site").joinpath(BROWSE_SCRIPT).read_text(encoding="utf-8")


def browse_data(postmortems: list[Postmortem], config: KBConfig, directory_urls: bool = True) -> str:
    """browse.json (see FORMAT) for `postmortems`, newest first."""
    configured = list(config.severities)
    dictionaries: dict[str, dict[str, int]] = {
        "severity": {level: index for index, level in enumerate(configured)},
        "status": {}, "lang": {}, "tag": {}, "service": {},
    }

    def code(kind: str, value: str | None) -> int | None:
        if not value:
            return None
        known = dictionaries[kind]
        return known.setdefault(value, len(known))

    columns: dict[str, list] = {name: [] for name in (
        "page", "form", "title", "date", "severity", "status", "lang", "tags", "services", "duration", "detect")}
    chips: dict[str, Chip] = {}
    status_chips: dict[str, Chip] = {}
    for pm in postmortems:
        form, page = _short_page(pm)
        columns["page"].append(page)
        columns["form"].append(form)
        columns["title"].append(pm.title)
        columns["date"].append(pm.date.toordinal() - _EPOCH_ORDINAL if pm.date else None)
        columns["severity"].append(code("severity", pm.severity))
        if pm.severity and pm.severity not in chips:
            chips[pm.severity] = severity_chip(pm, configured)
        columns["status"].append(code("status", pm.status))
        if pm.status and pm.status not in status_chips:
            status_chips[pm.status] = status_chip(pm)
        columns["lang"].append(code("lang", language_of(pm, config)))
        columns["tags"].append([code("tag", tag) for tag in dict.fromkeys(pm.tags) if tag])
        columns["services"].append([code("service", service) for service in dict.fromkeys(pm.services) if service])
        columns["duration"].append(_minutes(pm, "time_to_resolve"))
        columns["detect"].append(_minutes(pm, "time_to_detect"))
    values = {kind: list(known) for kind, known in dictionaries.items()}
    # A configured level no postmortem has yet: its chip as a postmortem of that level would show it.
    severity_chips = [chips.get(level) or _level_chip(level, configured) for level in values["severity"]]
    data = {
        "version": FORMAT_VERSION,
        "count": len(postmortems),
        "suffix": "/" if directory_urls else ".html",
        "values": values,
        "severity_rank": [configured.index(level) if level in configured else None for level in values["severity"]],
        "severity_class": [chip.classes for chip in severity_chips],
        "severity_hint": [chip.hint for chip in severity_chips],
        "status_class": [status_chips[status].classes for status in values["status"]],
        "columns": columns,
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # As the API's JSON: markup characters as escapes, so the data reads as data even pasted into HTML.
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _level_chip(level: str, configured: list[str]) -> Chip:
    return severity_chip(Postmortem(path=Path(level), id=level, meta={"severity": level}), configured)


def _short_page(pm: Postmortem) -> tuple[int, str]:
    stem = postmortem_page(pm.id)[_PREFIX:-len(".md")]
    if pm.date is None or not stem.startswith(pm.date.isoformat() + "-"):
        return VERBATIM, stem
    rest = stem[len("yyyy-mm-dd-"):]
    # Only an ASCII title: the script's slug (browse.js) is this one for ASCII text. A title with no
    # letter or digit slugs to "-<hash>" here, which the script cannot rebuild.
    title_slug = slugify(pm.title, limit=None, fallback="") if pm.title.isascii() else ""
    if title_slug and not title_slug.startswith("-") and rest.startswith(title_slug):
        return AFTER_TITLE, rest[len(title_slug):]
    return AFTER_DATE, rest


def _minutes(pm: Postmortem, name: str) -> int | None:
    took = duration(pm, name)
    return None if took is None else int(took.total_seconds() // 60)


def render_browse_page(postmortems: list[Postmortem], severities: Sequence[str], directory_urls: bool = True,
                       no_script_rows: int = NO_SCRIPT_ROWS, draft: str = DRAFT) -> PageSource:
    shown = postmortems[:no_script_rows]
    rows = [_row(pm, severities, directory_urls, draft) for pm in shown]
    total = len(postmortems)
    if total > len(shown):
        note = (f"Without JavaScript this table shows the newest {len(shown)} of {plural(total, 'postmortem')}; "
                "the rest are in the archive, by year.")
    else:
        note = f"{plural(total, 'postmortem')}, newest first."
    block = fragment(
        "browse.html", rows=rows, note=note, total=total,
        archive_href=href(BROWSE_PAGE, ARCHIVE_INDEX, directory_urls),
        data_href=href(BROWSE_PAGE, BROWSE_DATA, directory_urls),
        script_href=href(BROWSE_PAGE, BROWSE_SCRIPT, directory_urls),
    )
    intro = ("Every postmortem in one table: filter by tag, service, severity, status, year and language, "
             "search the titles, sort by date, severity, duration or time to detect. "
             "The address keeps the filters: copy it to share what you see.")
    return PageSource([page_title("Browse postmortems", wide=True), "# Browse postmortems\n", intro + "\n",
                       Block(block, END), ""])


def _row(pm: Postmortem, severities: Sequence[str], directory_urls: bool, draft: str) -> Markup:
    return fragment(
        "browse_row.html", date=format_date(pm), severity=severity_chip(pm, severities), status=status_chip(pm),
        draft=pm.status == draft, href=href(BROWSE_PAGE, postmortem_page(pm.id), directory_urls), title=pm.title,
        values=[*pm.tags, *pm.services], duration=incident_duration(pm),
        detect=format_duration(duration(pm, "time_to_detect"), MISSING),
    )

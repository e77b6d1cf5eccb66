"""Building blocks every generated page shares: the page's title, dates and durations, chips, the listing.

Text that came from a postmortem reaches markdown only through
`escape.md_text`, and HTML only through a template (`fragments`), which
escapes it, so it shows as text and never as markup or a link. A missing
value shows as MISSING, never a guess.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
from dataclasses import dataclass
from typing import Iterable, Sequence

from markupsafe import Markup

from postmortem_kb.kb import sort_newest_first
from postmortem_kb.metrics import duration, format_duration
from postmortem_kb.model import Postmortem
from postmortem_kb.site.escape import css_token
from postmortem_kb.site.fragments import MISSING, fragment
from postmortem_kb.site.parts import END, Block
from postmortem_kb.site.urls import href, postmortem_page
from postmortem_kb.yaml_text import yaml_quoted

__all__ = ["MISSING", "REQUIRED_EXTENSIONS", "Chip", "Listing", "listing_table", "page_title"]

# The markdown extensions generated pages are written for: tables for the
# listings, md_in_html for the header card and timeline, admonition for notices.
REQUIRED_EXTENSIONS = ("tables", "md_in_html", "attr_list", "admonition")


def page_title(title: str, wide: bool = False) -> str:
    """A page's own meta block, setting its title.

    MkDocs takes a page title from the first H1 and unescapes its entities
    before writing it into <title>; an explicit, HTML-escaped meta title keeps
    front matter text as text there too (the theme prints it unescaped). `wide`
    hides Material's table of contents, giving wide listings that column.
    """
    hide = "hide:\n  - toc\n" if wide else ""
    return "---\ntitle: " + yaml_quoted(html.escape(" ".join(title.split()))) + "\n" + hide + "---\n\n"


def or_missing(text: str) -> str:
    return text if text and text.strip() else MISSING


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def format_moment(moment: dt.datetime | None) -> str:
    if moment is None:
        return MISSING
    return moment.strftime("%Y-%m-%d %H:%M %z")


def format_date(pm: Postmortem) -> str:
    return pm.date.isoformat() if pm.date else MISSING


def incident_duration(pm: Postmortem) -> str:
    """From start to resolution: what "how long was it down" means here."""
    return format_duration(duration(pm, "time_to_resolve"), MISSING)


@dataclass(frozen=True)
class Chip:
    """A small labelled badge (chip.html): severity, status, an action item's status."""

    classes: str
    label: str
    hint: str = ""

    def __html__(self) -> str:
        return _chip_html(self)


@functools.lru_cache(maxsize=1024)  # a handful of distinct chips, on thousands of rows
def _chip_html(chip: Chip) -> Markup:
    return fragment("chip.html", classes=chip.classes, label=chip.label, hint=chip.hint)


def severity_chip(pm: Postmortem, known: Sequence[str] | None = None) -> Chip:
    """The severity as a coloured chip; an unconfigured level is marked as such."""
    if not pm.severity:
        return Chip("pm-badge pm-sev-none", "no severity")
    levels = list(known) if known is not None else []
    classes = f"pm-badge pm-sev-{css_token(pm.severity)}"
    if known is not None and pm.severity not in levels:
        return Chip(classes + " pm-sev-unknown", pm.severity, "not one of the configured severities")
    # The colour follows the level's rank in the configured order, so a team
    # with P1..P4 or critical/high/... gets the same red-to-green scale.
    rank = f" pm-sev-rank-{levels.index(pm.severity) + 1}" if levels else ""
    return Chip(classes + rank, pm.severity)


# The lifecycle's first status (`review.draft_status`); "draft" unless a team renames it.
DRAFT = "draft"


def status_chip(pm: Postmortem) -> Chip:
    return Chip(f"pm-status pm-status-{css_token(pm.status)}", pm.status or "no status")


class Listing:
    """The one listing every index uses: newest first, with the values people scan for.

    It is HTML rather than a markdown table: it is long (a tag on a large
    knowledge base lists hundreds of postmortems), and the plugin puts it
    into the page after the search index has read the page (`parts`): the
    postmortem pages already index every title and summary.

    A postmortem is on many listings, linked the same way from all pages of
    one folder depth, so its row is rendered once per link and kept;
    `forget` drops the rows of postmortems that changed.
    """

    def __init__(self, known_severities: Iterable[str] | None = None, directory_urls: bool = True,
                 draft: str = DRAFT):
        self.known = tuple(known_severities) if known_severities is not None else None
        self.directory_urls = directory_urls
        self.draft = draft
        self._rows: dict[tuple[str, str], Markup] = {}

    def table(self, from_page: str, postmortems: list[Postmortem], presorted: bool = False, at: str = END) -> Block:
        rows = [self.row(from_page, pm) for pm in (postmortems if presorted else sort_newest_first(postmortems))]
        return Block(fragment("listing.html", rows=rows), at)

    def row(self, from_page: str, pm: Postmortem) -> Markup:
        link = href(from_page, postmortem_page(pm.id), self.directory_urls)
        row = self._rows.get((pm.id, link))
        if row is None:
            row = self._rows[(pm.id, link)] = fragment(
                "listing_row.html", date=format_date(pm), severity=severity_chip(pm, self.known),
                status=status_chip(pm), draft=pm.status == self.draft, href=link,
                title=pm.title, summary=or_missing(pm.summary), duration=incident_duration(pm))
        return row

    def forget(self, ids: Iterable[str]) -> None:
        ids = set(ids)
        self._rows = {key: row for key, row in self._rows.items() if key[0] not in ids}


def listing_table(from_page: str, postmortems: list[Postmortem], known_severities: Iterable[str] | None = None,
                  presorted: bool = False, directory_urls: bool = True, at: str = END) -> Block:
    """A listing of its own (see `Listing`)."""
    return Listing(known_severities, directory_urls).table(from_page, postmortems, presorted, at)

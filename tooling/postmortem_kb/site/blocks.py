"""Building blocks every generated page shares: the page's title, dates and durations, chips, the listing.

Text that came from a postmortem reaches markdown only through
`escape.md_text`, and HTML only through a template (`fragments`), which
escapes it, so it shows as text and never as markup or a link. A missing
value shows as MISSING, never a guess.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass
from typing import Iterable, Sequence

from postmortem_kb.kb import sort_newest_first
from postmortem_kb.metrics import duration, format_duration
from postmortem_kb.model import Postmortem
from postmortem_kb.site.escape import css_token
from postmortem_kb.site.fragments import MISSING, fragment
from postmortem_kb.site.parts import END, Block
from postmortem_kb.site.urls import href, postmortem_page

__all__ = ["MISSING", "REQUIRED_EXTENSIONS", "Chip", "listing_table", "page_title"]

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
    return "---\ntitle: " + json.dumps(html.escape(" ".join(title.split()))) + "\n" + hide + "---\n\n"


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
    """A small labelled badge (macros.html `chip`): severity, status, an action item's status."""

    classes: str
    label: str
    hint: str = ""


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


def status_chip(pm: Postmortem) -> Chip:
    return Chip(f"pm-status pm-status-{css_token(pm.status)}", pm.status or "no status")


@dataclass(frozen=True)
class ListingRow:
    date: str
    severity: Chip
    href: str
    title: str
    summary: str
    duration: str


def listing_row(from_page: str, pm: Postmortem, known: Sequence[str] | None, directory_urls: bool) -> ListingRow:
    return ListingRow(format_date(pm), severity_chip(pm, known), href(from_page, postmortem_page(pm.id), directory_urls),
                      pm.title, or_missing(pm.summary), incident_duration(pm))


def listing_table(from_page: str, postmortems: list[Postmortem], known_severities: Iterable[str] | None = None,
                  presorted: bool = False, directory_urls: bool = True, at: str = END) -> Block:
    """The one listing every index uses: newest first, with the values people scan for.

    It is HTML rather than a markdown table: it is long (a tag on a large
    knowledge base lists hundreds of postmortems), and the plugin puts it
    into the page after the search index has read the page (`parts`): the
    postmortem pages already index every title and summary.
    """
    known = list(known_severities) if known_severities is not None else None
    ordered = postmortems if presorted else sort_newest_first(postmortems)
    rows = [listing_row(from_page, pm, known, directory_urls) for pm in ordered]
    return Block(fragment("listing.html", rows=rows), at)

"""Building blocks every generated page shares.

Everything that came from a postmortem (front matter, action-item cells)
passes through `md_text` before it lands in markdown, or through `html_text`
before it lands in one of our HTML blocks (listings, badges, the header
card), so it shows as text and never as markup or a link. A missing value
shows as MISSING, never a guess.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
from typing import Iterable

from postmortem_kb.kb import sort_newest_first
from postmortem_kb.metrics import duration, format_duration
from postmortem_kb.model import Postmortem
from postmortem_kb.site.escape import css_token
from postmortem_kb.site.parts import OUTPUT, HtmlBlock
from postmortem_kb.site.urls import href, postmortem_page

MISSING = "—"
# The markdown extensions generated pages are written for: tables for the
# listings, md_in_html for the header card and timeline, admonition for notices.
REQUIRED_EXTENSIONS = ("tables", "md_in_html", "attr_list", "admonition")


def page_title(title: str, wide: bool = False) -> str:
    """A page's own meta block, setting its title.

    MkDocs takes a page title from the first H1 and unescapes its entities
    before writing it into <title>; an explicit, HTML-escaped meta title keeps
    front matter text as text there too. `wide` hides Material's table of
    contents, giving wide listings that column.
    """
    hide = "hide:\n  - toc\n" if wide else ""
    return "---\ntitle: " + json.dumps(html.escape(" ".join(title.split()))) + "\n" + hide + "---\n\n"


def html_text(value: object) -> str:
    """Author text as HTML text: entities for `<`, `>`, `&` and quotes, whitespace collapsed."""
    return _html_text(str(value))


# Titles and summaries repeat on every listing a postmortem is on; escaping
# is a pure function of the text, so it is done once per text.
@functools.lru_cache(maxsize=65536)
def _html_text(value: str) -> str:
    return html.escape(" ".join(value.split()), quote=True)


def value(text: str) -> str:
    """Author text for an HTML table cell or a sentence, or MISSING."""
    return html_text(text) if text and text.strip() else MISSING


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


def severity_badge(pm: Postmortem, known: Iterable[str] | None = None) -> str:
    """The severity as a coloured chip; an unconfigured level is marked as such."""
    if not pm.severity:
        return '<span class="pm-badge pm-sev-none">no severity</span>'
    levels = list(known) if known is not None else []
    unknown = known is not None and pm.severity not in levels
    # The colour follows the level's rank in the configured order, so a team
    # with P1..P4 or critical/high/... gets the same red-to-green scale.
    extra = " pm-sev-unknown" if unknown else (f" pm-sev-rank-{levels.index(pm.severity) + 1}" if levels else "")
    hint = ' title="not one of the configured severities"' if unknown else ""
    return f'<span class="pm-badge pm-sev-{css_token(pm.severity)}{extra}"{hint}>{html_text(pm.severity)}</span>'


def status_badge(pm: Postmortem) -> str:
    label = pm.status or "no status"
    return f'<span class="pm-status pm-status-{css_token(pm.status)}">{html_text(label)}</span>'


def postmortem_link(from_page: str, pm: Postmortem, directory_urls: bool = True) -> str:
    """An HTML link to a postmortem's page, its title as text."""
    return f'<a href="{href(from_page, postmortem_page(pm.id), directory_urls)}">{html_text(pm.title)}</a>'


LISTING_HEAD = (
    "<table data-search-exclude>\n<thead>\n<tr><th>Date</th><th>Severity</th><th>Title</th><th>Summary</th><th>Duration</th></tr>\n"
    "</thead>\n<tbody>"
)


def listing_table(from_page: str, postmortems: list[Postmortem], known_severities: Iterable[str] | None = None,
                  presorted: bool = False, directory_urls: bool = True) -> HtmlBlock:
    """The one listing every index uses: newest first, with the values people scan for.

    It is HTML rather than a markdown table: it is long (a tag on a large
    knowledge base lists hundreds of postmortems) and the plugin puts it
    into the written page only (`OUTPUT`). It stays out of the search index
    either way (`data-search-exclude`, for a build without the plugin): the
    postmortem pages already index every title and summary.
    """
    rows = [LISTING_HEAD]
    known = list(known_severities) if known_severities is not None else None
    for pm in postmortems if presorted else sort_newest_first(postmortems):
        rows.append(
            f'<tr><td><span class="pm-date">{format_date(pm)}</span></td><td>{severity_badge(pm, known)}</td>'
            f"<td>{postmortem_link(from_page, pm, directory_urls)}</td><td>{value(pm.summary)}</td>"
            f'<td><span class="pm-span">{incident_duration(pm)}</span></td></tr>'
        )
    rows.append("</tbody>\n</table>")
    return HtmlBlock("\n".join(rows), stage=OUTPUT)

"""One postmortem's page: a header card, the author's text with a readable timeline, related incidents.

The author's markdown body is kept as written, so nothing they wrote is
lost; the page adds a header card built from the front matter (every value
escaped), wraps the Timeline section so the stylesheet can lay it out as a
timeline, and ends with related incidents and where the source lives. What
the page adds is HTML (`parts.HtmlBlock`): MkDocs renders only the author's
markdown, and the plugin puts the blocks in afterwards.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from postmortem_kb.metrics import duration, format_duration
from postmortem_kb.model import Postmortem
from postmortem_kb.site.blocks import (
    MISSING, format_date, format_moment, html_text, incident_duration, page_title, postmortem_link, severity_badge,
    status_badge,
)
from postmortem_kb.site.parts import OUTPUT, HtmlBlock, PageSource
from postmortem_kb.site.related import Related
from postmortem_kb.site.urls import href, postmortem_page, service_page, tag_page

# The underline of a setext heading ("Title\n=====") belongs to the heading.
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)\s*$")

# (label, duration name in metrics.DURATIONS, front matter key of its end)
_TIMES = (
    ("Time to detect", "time_to_detect", "detected_at"),
    ("Time to mitigate", "time_to_mitigate", "mitigated_at"),
    ("Time to resolve", "time_to_resolve", "resolved_at"),
)


@dataclass
class PostmortemPageContext:
    """What a postmortem page needs from outside the postmortem itself."""

    source: str  # the file's path in the repository, postmortems/<id>.md
    severities: list[str]
    source_url_template: str | None
    related: list[Related]
    directory_urls: bool = True


TIMELINE_OPEN = HtmlBlock('<div class="pm-timeline">', markdown='<div class="pm-timeline" markdown>', raw_block=False)
TIMELINE_CLOSE = HtmlBlock("</div>", raw_block=False)


def render_postmortem(pm: Postmortem, context: PostmortemPageContext) -> PageSource:
    page = postmortem_page(pm.id)
    lines = pm.body.split("\n")
    first_body_line = pm.body_line  # the file line of lines[0]

    title_end = _title_heading_end(pm, lines, first_body_line)
    # Without an H1 of the author's own, the theme shows the page title (the
    # escaped front matter title, see page_title) as the page's heading.
    out = PageSource([page_title(pm.title)])
    rest_start = 0
    if title_end is not None:
        out.parts.extend(lines[:title_end])
        rest_start = title_end
    # The card repeats front matter; it goes into the written page only and
    # stays out of the search index, which indexes the author's text.
    out.parts += ["", HtmlBlock(_header_card(pm, page, context), stage=OUTPUT), ""]
    out.parts += _wrap_timeline(pm, lines, rest_start, first_body_line)
    out.parts += _related_section(page, context.related, context.directory_urls)
    out.parts += ["", HtmlBlock(_source_line(pm, context), stage=OUTPUT), ""]
    return out


def _title_heading_end(pm: Postmortem, lines: list[str], first_body_line: int) -> int | None:
    """Index just past the body's own H1 title, if the body opens with one."""
    if not pm.sections or pm.sections[0].level != 1 or pm.sections[0].top_level:
        return None
    at = pm.sections[0].line - first_body_line
    if at < 0 or at >= len(lines):
        return None
    if at + 1 < len(lines) and _SETEXT_UNDERLINE.match(lines[at + 1]) and lines[at].strip():
        return at + 2
    return at + 1


def _header_card(pm: Postmortem, page: str, context: PostmortemPageContext) -> str:
    facts = [
        ("Date", format_date(pm)),
        ("Started", format_moment(pm.moment("started_at"))),
    ]
    for label, name, end_key in _TIMES:
        took = duration(pm, name)
        end = pm.moment(end_key)
        shown = format_duration(took, MISSING)
        if end is not None:
            shown += f' <span class="pm-at">at {format_moment(end)}</span>'
        facts.append((label, shown))
    facts += [
        ("Services", _links(page, pm.services, service_page, context.directory_urls, "service")),
        ("Tags", _links(page, pm.tags, tag_page, context.directory_urls, "tag")),
        ("Authors", ", ".join(html_text(a) for a in pm.authors) or MISSING),
    ]
    # A <section>, not a <div>: Material's search parser forgets an
    # exclusion when a nested element of the same tag closes (the head div).
    card = ['<section class="pm-card" data-search-exclude>']
    card.append(
        f'<div class="pm-card-head">{severity_badge(pm, context.severities)} {status_badge(pm)} '
        f'<span class="pm-duration">Duration {incident_duration(pm)}</span>{_search_filters(pm)}</div>'
    )
    if pm.summary:
        card.append(f'<p class="pm-summary">{html_text(pm.summary)}</p>')
    card.append('<dl class="pm-facts">')
    for label, shown in facts:
        card.append(f"<dt>{label}</dt>")
        card.append(f"<dd>{shown}</dd>")
    card.append("</dl>")
    card.append("</section>")
    return "\n".join(card)


# Pagefind's UI writes filter values into the page as HTML (its results,
# titles and excerpts it escapes), and Pagefind decodes entities in them, so
# escaping cannot protect a filter value: the characters that start markup
# become their full-width look-alikes instead ("<b>" shows as "＜b＞").
_FILTER_SAFE = str.maketrans({"<": "＜", ">": "＞", "&": "＆"})


def filter_attribute(name: str, value: str) -> str:
    """A `data-pagefind-filter` attribute carrying its value, safe in Pagefind's filter list."""
    text = " ".join(value.split()).translate(_FILTER_SAFE)
    return f' data-pagefind-filter="{name}:{html.escape(text, quote=True)}"'


def _search_filters(pm: Postmortem) -> str:
    """Empty elements naming the page's severity, status and year as Pagefind filters (see search_pagefind)."""
    values = [("severity", pm.severity), ("status", pm.status), ("year", str(pm.date.year) if pm.date else "")]
    return "".join(f"<span{filter_attribute(name, value)}></span>" for name, value in values if value.strip())


def _links(from_page: str, values: list[str], target, directory_urls: bool, search_filter: str) -> str:
    """Links to the index pages; each also names its value as a Pagefind filter."""
    if not values:
        return MISSING
    return " · ".join(
        f'<a href="{href(from_page, target(v), directory_urls)}"{filter_attribute(search_filter, v)}>'
        f"{html_text(v)}</a>" for v in dict.fromkeys(values)
    )


def _wrap_timeline(pm: Postmortem, lines: list[str], start: int, first_body_line: int) -> list[str | HtmlBlock]:
    """The body from `start`, with the Timeline section's content in a styled block.

    The section's lines come from the model; the block is opened after the
    heading and closed where the section ends, so every line the author
    wrote stays where it was.
    """
    section = pm.section("Timeline")
    body = lines[start:]
    if section is None or section.is_empty:
        return body
    heading_at = section.line - first_body_line
    open_at = heading_at + 1
    if open_at < len(lines) and _SETEXT_UNDERLINE.match(lines[open_at]) and lines[heading_at].strip():
        open_at += 1
    close_at = min(section.body_end - first_body_line + 1, len(lines))
    if heading_at < start or open_at > close_at:
        return body
    return (
        lines[start:open_at]
        + ["", TIMELINE_OPEN, ""]
        + lines[open_at:close_at]
        + ["", TIMELINE_CLOSE, ""]
        + lines[close_at:]
    )


def _related_section(page: str, related: list[Related], directory_urls: bool = True) -> list[str | HtmlBlock]:
    out: list[str | HtmlBlock] = ["", "## Related incidents", ""]
    if not related:
        out.append("No related incidents: this postmortem names none in `related:` and shares no tag or service.")
        return out
    # Other postmortems' titles: searching one should find that postmortem,
    # not every page that lists it here, so the list stays out of the index.
    items = ['<ul class="pm-related" data-search-exclude data-pagefind-ignore>']
    for entry in related:
        if entry.postmortem is None:
            items.append(f"<li>{html_text(entry.postmortem_id)} {MISSING} not in the knowledge base "
                         "(named in <code>related:</code>)</li>")
            continue
        pm = entry.postmortem
        why = "named in <code>related:</code>" if entry.named else ""
        if entry.shared:
            shares = "shares " + ", ".join(html_text(s) for s in entry.shared)
            why = f"{why}; {shares}" if why else shares
        items.append(f"<li>{format_date(pm)} · {postmortem_link(page, pm, directory_urls)} · {why}</li>")
    items.append("</ul>")
    return out + [HtmlBlock("\n".join(items), stage=OUTPUT)]


def source_path(pm: Postmortem, root: Path) -> str:
    """The file's path in the repository, as `postmortems/<id>.md`."""
    # The loader gives paths under the (resolved) root; resolving (two
    # system calls a path component) is only the fallback.
    try:
        return pm.path.relative_to(root).as_posix()
    except ValueError:
        pass
    try:
        return pm.path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return pm.path.name


def _source_line(pm: Postmortem, context: PostmortemPageContext) -> str:
    path = context.source
    if context.source_url_template:
        url = context.source_url_template.format(path=quote(path, safe="/"))
        anchor = f'<a class="pm-edit" href="{html.escape(url, quote=True)}">Edit source</a>'
        return f'<p class="pm-source" data-search-exclude data-pagefind-ignore>{anchor} · {html_text(path)}</p>'
    return f'<p class="pm-source" data-search-exclude data-pagefind-ignore>Source: {html_text(path)}</p>'

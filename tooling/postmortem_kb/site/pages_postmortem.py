"""One postmortem's page: a header card, the author's text with a readable timeline, related incidents.

The author's markdown body is kept as written, so nothing they wrote is
lost; the page adds a header card built from the front matter, wraps the
Timeline section so the stylesheet can lay it out as a timeline, and ends
with related incidents and where the source lives. Where the author's
title, the Timeline section and its end are comes from the model's
section spans; nothing here reads the markdown again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping, Sequence
from urllib.parse import quote, urlsplit

from postmortem_kb.languages import language_of
from postmortem_kb.metrics import duration, format_duration
from postmortem_kb.model import Postmortem
from postmortem_kb.review import draft_status
from postmortem_kb.site.blocks import (
    MISSING,
    format_date,
    format_moment,
    incident_duration,
    page_title,
    severity_chip,
    status_chip,
)
from postmortem_kb.site.fragments import fragment
from postmortem_kb.site.parts import END, TOP, Block, PageSource
from postmortem_kb.site.related import Related
from postmortem_kb.site.timeline_marks import timeline_block
from postmortem_kb.site.urls import href, postmortem_page, service_page, tag_page
from postmortem_kb.tickets import ticket_url, tickets_in

if TYPE_CHECKING:
    from postmortem_kb.config import KBConfig
    from postmortem_kb.languages import Version

# (label, duration name in metrics.DURATIONS, front matter key of its end)
_TIMES = (
    ("Time to detect", "time_to_detect", "detected_at"),
    ("Time to mitigate", "time_to_mitigate", "mitigated_at"),
    ("Time to resolve", "time_to_resolve", "resolved_at"),
)
TIMELINE_OPEN = '<div class="pm-timeline" markdown>'
TIMELINE_CLOSE = "</div>"
NO_RELATED = "No related incidents: this postmortem names none in `related:` and shares no tag or service."


@dataclass
class PostmortemPageContext:
    """What a postmortem page needs from outside the postmortem itself."""

    source: str  # the file's path in the repository, postmortems/<id>.md
    severities: Sequence[str]
    source_url_template: str | None
    related: list[Related]
    directory_urls: bool = True
    # For ticket links (`tickets:`); None: tickets show as written.
    config: KBConfig | None = None
    # Every language version of the incident, the original first (`languages.Translations.versions`).
    languages: tuple[Version, ...] = ()
    # Value -> URL segment of every tag and service (`urls.allocate_slugs`, B); None: each value's own.
    tag_slugs: Mapping[str, str] | None = None
    service_slugs: Mapping[str, str] | None = None


def render_postmortem(pm: Postmortem, context: PostmortemPageContext) -> PageSource:
    lines = pm.body.split("\n")
    title_end = _title_heading_end(pm, len(lines))
    # Without an H1 of the author's own, the theme shows the page title (the
    # escaped front matter title, see page_title) as the page's heading.
    out = PageSource([page_title(pm.title)], after_h1=title_end is not None)
    if title_end:
        out.parts.append("\n".join(lines[:title_end]))
    # The card repeats front matter; the search index reads the author's text.
    out.parts += ["", Block(header_card(pm, context), TOP), ""]
    # The author's lines in a few long strings rather than thousands of short ones.
    out.parts += ["\n".join(run) for run in _wrap_timeline(pm, lines, title_end or 0)]
    out.parts += related_section(pm, context)
    # Timeline row anchors, kinds and T+ offsets (C): data and script, after everything else.
    marks = timeline_block(pm, context.directory_urls)
    if marks:
        out.parts += [Block(marks, END), ""]
    return out


def related_section(pm: Postmortem, context: PostmortemPageContext) -> list[str | Block]:
    """The page's end: related incidents, then where the source lives."""
    out: list[str | Block] = ["", "## Related incidents", ""]
    if context.related:
        draft = draft_status(context.config) if context.config is not None else None
        out.append(Block(related_list(postmortem_page(pm.id), context.related, context.directory_urls, draft)))
    else:
        out.append(NO_RELATED)
    return out + ["", Block(source_line(context)), ""]


def _title_heading_end(pm: Postmortem, line_count: int) -> int | None:
    """Index (in body lines) just past the body's own H1 title, if the body opens with one."""
    if not pm.sections or pm.sections[0].level != 1 or pm.sections[0].top_level:
        return None
    title = pm.sections[0]
    if title.line < pm.body_line:
        return None
    return min(title.body_start - pm.body_line, line_count)


def header_card(pm: Postmortem, context: PostmortemPageContext) -> str:
    page = postmortem_page(pm.id)
    times = []
    for label, name, end_key in _TIMES:
        end = pm.moment(end_key)
        times.append((label, format_duration(duration(pm, name), MISSING), format_moment(end) if end is not None else ""))
    filters = [("severity", pm.severity), ("status", pm.status), ("year", str(pm.date.year) if pm.date else "")]
    if context.config is not None:
        filters.append(("language", language_of(pm, context.config)))
    value_links = [
        ("Services", "service", _links(page, pm.services, lambda value: service_page(value, context.service_slugs),
                                       context.directory_urls)),
        ("Tags", "tag", _links(page, pm.tags, lambda value: tag_page(value, context.tag_slugs), context.directory_urls)),
    ]
    return fragment(
        "card.html", severity=severity_chip(pm, context.severities), status=status_chip(pm),
        duration=incident_duration(pm), filters=[(name, value) for name, value in filters if value.strip()],
        summary=pm.summary, date=format_date(pm), started=format_moment(pm.moment("started_at")), times=times,
        value_links=value_links, authors=pm.authors, tickets=ticket_links(pm, context.config),
        languages=language_links(pm, context),
    )


def ticket_links(pm: Postmortem, config: KBConfig | None) -> list[tuple[str, str | None, str]]:
    """(ticket, its URL under `tickets:` or None, the action it belongs to) for every ticket of the action items.

    The author's Action items section stays as written; the card lists its
    tickets as links beside it.
    """
    out = []
    for item in pm.actions:
        for ticket in tickets_in(item.ticket):
            url = ticket_url(ticket, config) if config is not None else None
            if url is None and urlsplit(ticket).scheme in ("http", "https"):
                url = ticket  # written as a URL: it is its own link
            out.append((ticket, url, item.action))
    return out


def language_links(pm: Postmortem, context: PostmortemPageContext) -> list[tuple[str, str, str | None, bool]]:
    """(language, title, link or None for this page, is the original) for each version, when there are several."""
    if len(context.languages) < 2:
        return []
    page = postmortem_page(pm.id)
    return [(version.lang, version.title,
             None if version.id == pm.id else href(page, postmortem_page(version.id), context.directory_urls),
             version.is_original) for version in context.languages]


def _links(from_page: str, values: list[str], target, directory_urls: bool) -> list[tuple[str, str]]:
    """Each value with the link to its index page; each also names its value as a Pagefind filter (card.html)."""
    return [(value, href(from_page, target(value), directory_urls)) for value in values]


def _wrap_timeline(pm: Postmortem, lines: list[str], start: int) -> list[list[str]]:
    """The body from `start` in runs of lines, the Timeline section's content in a styled block.

    The section's span comes from the model; the block opens after the
    heading (its setext underline included) and closes where the section
    ends, so every line the author wrote stays where it was.
    """
    section = pm.section("Timeline")
    body = [lines[start:]]
    if section is None or section.is_empty:
        return body
    heading_at = section.line - pm.body_line
    open_at = section.body_start - pm.body_line
    close_at = min(section.body_end - pm.body_line + 1, len(lines))
    if heading_at < start or open_at > close_at:
        return body
    return [lines[start:open_at] + ["", TIMELINE_OPEN, ""], lines[open_at:close_at],
            ["", TIMELINE_CLOSE, ""] + lines[close_at:]]


def related_list(page: str, related: list[Related], directory_urls: bool = True, draft: str | None = None) -> str:
    """The related incidents; a neighbour whose status is `draft` is marked as a draft."""
    entries = []
    for entry in related:
        other = entry.postmortem
        if other is None:
            entries.append((entry.postmortem_id, None, "", "", True, [], ""))
            continue
        marker = status_chip(other) if draft is not None and other.status == draft else ""
        entries.append((other.id, href(page, postmortem_page(other.id), directory_urls), format_date(other),
                        other.title, entry.named, entry.shared, marker))
    return fragment("related.html", entries=entries)


def source_line(context: PostmortemPageContext) -> str:
    edit_url = ""
    if context.source_url_template:
        edit_url = context.source_url_template.format(path=quote(context.source, safe="/"))
    return fragment("source.html", path=context.source, edit_url=edit_url)

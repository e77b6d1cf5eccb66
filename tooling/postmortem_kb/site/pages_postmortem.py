"""One postmortem's page: a header card, the author's text with a readable timeline, related incidents.

The author's markdown body is kept as written, so nothing they wrote is
lost; the page adds a header card built from the front matter (every value
escaped), wraps the Timeline section so the stylesheet can lay it out as a
timeline, and ends with related incidents and where the source lives.
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
    MISSING, format_date, format_moment, incident_duration, page_title, postmortem_link, severity_badge,
    status_badge,
)
from postmortem_kb.site.escape import md_text
from postmortem_kb.site.related import Related
from postmortem_kb.site.urls import link, postmortem_page, service_page, tag_page

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


def render_postmortem(pm: Postmortem, context: PostmortemPageContext) -> str:
    page = postmortem_page(pm.id)
    lines = pm.body.split("\n")
    first_body_line = pm.body_line  # the file line of lines[0]

    title_end = _title_heading_end(pm, lines, first_body_line)
    out = [page_title(pm.title)]
    if title_end is None:
        out.append(f"# {md_text(pm.title)}\n")
        head, rest_start = [], 0
    else:
        head, rest_start = lines[:title_end], title_end
    out.extend(head)
    out.append(_header_card(pm, page, context))
    out.append(_wrap_timeline(pm, lines, rest_start, first_body_line))
    out.append(_related_section(page, context.related))
    out.append(_source_line(pm, context))
    return "\n".join(part for part in out if part is not None) + "\n"


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
        ("Services", _links(page, pm.services, service_page)),
        ("Tags", _links(page, pm.tags, tag_page)),
        ("Authors", ", ".join(md_text(a) for a in pm.authors) or MISSING),
    ]
    card = ['<div class="pm-card" markdown>']
    card.append(
        f'<div class="pm-card-head" markdown="span">{severity_badge(pm, context.severities)} {status_badge(pm)} '
        f'<span class="pm-duration">Duration {incident_duration(pm)}</span></div>'
    )
    if pm.summary:
        card.append(f'<p class="pm-summary" markdown="span">{md_text(pm.summary)}</p>')
    card.append('<dl class="pm-facts" markdown>')
    for label, shown in facts:
        card.append(f"<dt>{label}</dt>")
        card.append(f'<dd markdown="span">{shown}</dd>')
    card.append("</dl>")
    card.append("</div>\n")
    return "\n".join(card)


def _links(from_page: str, values: list[str], target) -> str:
    if not values:
        return MISSING
    return " · ".join(f"[{md_text(v)}]({link(from_page, target(v))})" for v in dict.fromkeys(values))


def _wrap_timeline(pm: Postmortem, lines: list[str], start: int, first_body_line: int) -> str:
    """The body from `start`, with the Timeline section's content in a styled block.

    The section's lines come from the model; the block is opened after the
    heading and closed where the section ends, so every line the author
    wrote stays where it was.
    """
    section = pm.section("Timeline")
    body = lines[start:]
    if section is None or section.is_empty:
        return "\n".join(body) + "\n"
    heading_at = section.line - first_body_line
    open_at = heading_at + 1
    if open_at < len(lines) and _SETEXT_UNDERLINE.match(lines[open_at]) and lines[heading_at].strip():
        open_at += 1
    close_at = min(section.body_end - first_body_line + 1, len(lines))
    if heading_at < start or open_at > close_at:
        return "\n".join(body) + "\n"
    wrapped = (
        lines[start:open_at]
        + ["", '<div class="pm-timeline" markdown>', ""]
        + lines[open_at:close_at]
        + ["", "</div>", ""]
        + lines[close_at:]
    )
    return "\n".join(wrapped) + "\n"


def _related_section(page: str, related: list[Related]) -> str:
    out = ["## Related incidents\n"]
    if not related:
        out.append("No related incidents: this postmortem names none in `related:` and shares no tag or service.\n")
        return "\n".join(out)
    for entry in related:
        if entry.postmortem is None:
            out.append(f"- {md_text(entry.postmortem_id)} {MISSING} not in the knowledge base (named in `related:`)")
            continue
        pm = entry.postmortem
        why = "named in `related:`" if entry.named else ""
        if entry.shared:
            shares = "shares " + ", ".join(md_text(s) for s in entry.shared)
            why = f"{why}; {shares}" if why else shares
        out.append(f"- {format_date(pm)} · {postmortem_link(page, pm)} · {why}")
    return "\n".join(out) + "\n"


def source_path(pm: Postmortem, root: Path) -> str:
    """The file's path in the repository, as `postmortems/<id>.md`."""
    # The loader gives paths under the (resolved) root; resolving is the slow fallback.
    for path, base in ((pm.path, root), (pm.path.resolve(), root.resolve())):
        try:
            return path.relative_to(base).as_posix()
        except ValueError:
            continue
    return pm.path.name


def _source_line(pm: Postmortem, context: PostmortemPageContext) -> str:
    path = context.source
    if context.source_url_template:
        url = context.source_url_template.format(path=quote(path, safe="/"))
        anchor = f'<a class="pm-edit" href="{html.escape(url, quote=True)}">Edit source</a>'
        return f'<p class="pm-source" markdown="span">{anchor} · {md_text(path)}</p>\n'
    return f'<p class="pm-source" markdown="span">Source: {md_text(path)}</p>\n'

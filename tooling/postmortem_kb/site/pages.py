"""Knowledge base in, `{relative path: markdown}` out.

A pure function of the loaded knowledge base, so the MkDocs plugin and
`postmortem generate` emit exactly the same pages. Links are relative links
to `.md` sources, which MkDocs validates and rewrites for either URL style.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import posixpath
from collections import defaultdict
from importlib import resources

from postmortem_kb.kb import KnowledgeBase, sort_newest_first
from postmortem_kb.model import Postmortem
from postmortem_kb.site.escape import css_token, md_text, url_slug

MISSING = "—"
STYLESHEET = "assets/postmortem-kb.css"
LATEST_MARKER = "<!-- postmortems:latest -->"
LATEST_COUNT = 10


def link(from_page: str, to_page: str) -> str:
    return posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")


def postmortem_page(pm: Postmortem) -> str:
    return f"postmortems/{pm.id}.md"


def tag_page(tag: str) -> str:
    return f"tags/{url_slug(tag)}.md"


def page_title(title: str) -> str:
    """A page's own meta block, setting its title.

    MkDocs takes a page title from the first H1 and unescapes its entities
    before writing it into <title>; an explicit, HTML-escaped meta title keeps
    front matter text as text there too.
    """
    return "---\ntitle: " + json.dumps(html.escape(" ".join(title.split()))) + "\n---\n\n"


def format_moment(value: dt.datetime | None) -> str:
    if value is None:
        return MISSING
    return value.strftime("%Y-%m-%d %H:%M %z")


def format_date(pm: Postmortem) -> str:
    return pm.date.isoformat() if pm.date else MISSING


def _value(text: str) -> str:
    return md_text(text) if text else MISSING


def _links(from_page: str, values: list[str], target) -> str:
    if not values:
        return MISSING
    return " · ".join(f"[{md_text(v)}]({link(from_page, target(v))})" for v in values)


def severity_badge(pm: Postmortem) -> str:
    label = pm.severity or "no severity"
    return f'<span class="pm-badge pm-sev-{css_token(pm.severity)}">{md_text(label)}</span>'


def render_postmortem(pm: Postmortem) -> str:
    page = postmortem_page(pm)
    has_title = bool(pm.sections) and pm.sections[0].level == 1 and not pm.sections[0].top_level
    out = [page_title(pm.title)]
    if not has_title:
        out.append(f"# {md_text(pm.title)}\n")
    status = pm.status or "no status"
    out.append('<div class="pm-card" markdown>\n')
    out.append(f'{severity_badge(pm)} <span class="pm-status pm-status-{css_token(pm.status)}">{md_text(status)}</span>\n')
    out.append(
        f"**Date:** {format_date(pm)} · **Started:** {format_moment(pm.moment('started_at'))} · "
        f"**Detected:** {format_moment(pm.moment('detected_at'))} · "
        f"**Mitigated:** {format_moment(pm.moment('mitigated_at'))} · "
        f"**Resolved:** {format_moment(pm.moment('resolved_at'))}\n"
    )
    out.append(f"**Tags:** {_links(page, pm.tags, tag_page)}\n")
    out.append(f"**Services:** {', '.join(md_text(s) for s in pm.services) or MISSING}\n")
    out.append(f"**Authors:** {', '.join(md_text(a) for a in pm.authors) or MISSING}\n")
    out.append("</div>\n")
    if pm.summary:
        out.append(f"> {md_text(pm.summary)}\n")
    out.append(pm.body.strip() + "\n")
    return "\n".join(out)


def listing_table(from_page: str, postmortems: list[Postmortem]) -> str:
    rows = ["| Date | Severity | Title | Summary |", "|------|----------|-------|---------|"]
    for pm in sort_newest_first(postmortems):
        rows.append(
            f"| {format_date(pm)} | {_value(pm.severity)} | "
            f"[{md_text(pm.title)}]({link(from_page, postmortem_page(pm))}) | {_value(pm.summary)} |"
        )
    return "\n".join(rows) + "\n"


def group_by_tag(postmortems: list[Postmortem]) -> dict[str, tuple[list[str], list[Postmortem]]]:
    """Tag slug -> (the spellings used, the postmortems carrying it)."""
    groups: dict[str, tuple[list[str], list[Postmortem]]] = defaultdict(lambda: ([], []))
    for pm in postmortems:
        for tag in dict.fromkeys(pm.tags):
            names, members = groups[url_slug(tag)]
            if tag not in names:
                names.append(tag)
            if pm not in members:
                members.append(pm)
    return dict(sorted(groups.items()))


def render_tag(names: list[str], members: list[Postmortem], page: str) -> str:
    title = " / ".join(md_text(n) for n in names)
    count = len(members)
    return page_title("Tag: " + " / ".join(names)) + f"# Tag: {title}\n\n{count} postmortem{'s' if count != 1 else ''}, newest first.\n\n" + listing_table(page, members)


def render_tags_overview(groups: dict[str, tuple[list[str], list[Postmortem]]]) -> str:
    page = "tags/index.md"
    lines = ["# Tags\n", "| Tag | Postmortems |", "|-----|-------------|"]
    for slug, (names, members) in sorted(groups.items(), key=lambda kv: (-len(kv[1][1]), kv[0])):
        label = " / ".join(md_text(n) for n in names)
        lines.append(f"| [{label}]({link(page, f'tags/{slug}.md')}) | {len(members)} |")
    if not groups:
        lines.append(f"| {MISSING} | 0 |")
    return "\n".join(lines) + "\n"


def render_latest(kb: KnowledgeBase, from_page: str = "index.md", count: int = LATEST_COUNT) -> str:
    latest = kb.loaded[:count]
    if not latest:
        return "No postmortems yet. Write the first with `postmortem new \"Title\"`.\n"
    return listing_table(from_page, latest)


def render_home(kb: KnowledgeBase) -> str:
    return "# Postmortems\n\n## Latest postmortems\n\n" + render_latest(kb)


def stylesheet() -> str:
    return resources.files("postmortem_kb.site").joinpath("assets/postmortem-kb.css").read_text(encoding="utf-8")


def render_site(kb: KnowledgeBase, include_home: bool = False) -> dict[str, str]:
    pages: dict[str, str] = {}
    postmortems = kb.loaded
    for pm in postmortems:
        pages[postmortem_page(pm)] = render_postmortem(pm)
    groups = group_by_tag(postmortems)
    pages["tags/index.md"] = render_tags_overview(groups)
    for slug, (names, members) in groups.items():
        page = f"tags/{slug}.md"
        pages[page] = render_tag(names, members, page)
    if include_home:
        pages["index.md"] = render_home(kb)
    pages[STYLESHEET] = stylesheet()
    return pages

"""The browsing indexes: tags, services, severities, the archive by year, the latest list.

Every index lists its postmortems newest first with the same columns
(`blocks.Listing`). A postmortem without a value still has a place:
"(no tags)", "(no services)", "(no severity)", "undated". Grouping is one
pass over the postmortems, so the cost grows with the knowledge base, not
with its square.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

from postmortem_kb.kb import KnowledgeBase
from postmortem_kb.markdown_text import md_text
from postmortem_kb.model import Postmortem
from postmortem_kb.review import draft_status
from postmortem_kb.site.blocks import MISSING, Listing, page_title, plural
from postmortem_kb.site.parts import END, SECTION_END, PageSource

# The browse page and its filters (B).
from postmortem_kb.site.urls import (
    ACTIONS_PAGE,
    ARCHIVE_INDEX,
    BROWSE_PAGE,
    LOAD_ERRORS_PAGE,
    METRICS_PAGE,
    NONE_SLUG,
    SERVICES_INDEX,
    SEVERITIES_INDEX,
    TAGS_INDEX,
    allocate_slugs,
    filter_query,
    link,
    year_page,
)

Values = Callable[[Postmortem], list[str]]
LATEST_MARKER = "<!-- postmortems:latest -->"
LATEST_COUNT = 10


@dataclass
class Group:
    """The postmortems that share one value (a tag, a service, a severity)."""

    slug: str
    # The value (one: values that fold to one slug get pages of their own,
    # `urls.allocate_slugs`), or the label of the postmortems without one.
    names: list[str] = field(default_factory=list)
    members: list[Postmortem] = field(default_factory=list)

    @property
    def label(self) -> str:
        return " / ".join(self.names)

    @property
    def markdown_label(self) -> str:
        return " / ".join(md_text(name) for name in self.names)


def group_by(postmortems: list[Postmortem], values_of: Callable[[Postmortem], list[str]],
             missing_label: str, preferred: Sequence[str] = ()) -> dict[str, Group]:
    """Slug -> group, one group per distinct value (`urls.allocate_slugs`); members keep their (newest first) order."""
    seen_values: dict[str, None] = {}
    for pm in postmortems:
        for name in values_of(pm):
            if name:
                seen_values[name] = None
    slugs = allocate_slugs(seen_values, preferred)
    groups: dict[str, Group] = {}
    for pm in postmortems:
        names = [name for name in values_of(pm) if name] or [None]
        for name in dict.fromkeys(names):
            slug = slugs[name] if name else NONE_SLUG
            group = groups.get(slug)
            if group is None:
                group = groups[slug] = Group(slug, [name or missing_label])
            group.members.append(pm)
    return groups


def by_count(groups: dict[str, Group]) -> list[Group]:
    """Most used first; the "no value" group last, where curators look for it."""
    return sorted(groups.values(), key=lambda g: (g.slug == NONE_SLUG, -len(g.members), g.label.lower(), g.slug))


def _tags(pm: Postmortem) -> list[str]:
    return pm.tags


def _services(pm: Postmortem) -> list[str]:
    return pm.services


# `tags_of`/`services_of`: how to read a postmortem's values (a live preview
# passes ones it keeps, rather than reading the front matter each rebuild).
def tag_groups(postmortems: list[Postmortem], tags_of: Values = _tags) -> dict[str, Group]:
    return group_by(postmortems, tags_of, "(no tags)")


def service_groups(postmortems: list[Postmortem], services_of: Values = _services) -> dict[str, Group]:
    return group_by(postmortems, services_of, "(no services)")


def severity_groups(postmortems: list[Postmortem], configured: Sequence[str]) -> list[Group]:
    """Configured levels in their configured order (even when empty), then the rest."""
    found = group_by(postmortems, lambda pm: [pm.severity] if pm.severity else [], "(no severity)", configured)
    slugs = allocate_slugs([group.names[0] for slug, group in found.items() if slug != NONE_SLUG], configured)
    ordered: list[Group] = []
    for level in dict.fromkeys(configured):
        slug = slugs[level]
        ordered.append(found.pop(slug, None) or Group(slug, [level]))
    return ordered + by_count(found)


def _latest_date(group: Group) -> str:
    # Members are newest first, undated last: the first date is the latest.
    latest = next((pm.date for pm in group.members if pm.date), None)
    return latest.isoformat() if latest else MISSING


def render_group_page(kind: str, group: Group, page: str, listing: Listing, note: str = "",
                      parent: tuple[str, str] | None = None, browse: str | None = None) -> PageSource:
    """`parent`: (label, overview page) for the breadcrumb; `browse`: the query of the browse page's filter."""
    count = len(group.members)
    out = PageSource([page_title(f"{kind}: {group.label}", wide=True)])
    if parent is not None:
        out.parts.append(breadcrumb(page, parent, group.markdown_label))
    out.parts.append(f"# {kind}: {group.markdown_label}\n")
    if note:
        out.parts.append(note + "\n")
    if count:
        more = f" [Browse with filters]({link(page, BROWSE_PAGE)}{browse})" if browse else ""
        out.parts.append(f"{plural(count, 'postmortem')}, newest first.{more}\n")
        out.parts += [listing.table(page, group.members, presorted=True, at=END), ""]
    else:
        out.parts.append("No postmortems yet.\n")
    return out


def breadcrumb(page: str, parent: tuple[str, str], markdown_label: str) -> str:
    """`Tags › server-infra`: where an index page sits, with a link up (a paragraph of its own)."""
    label, overview = parent
    return f"[{label}]({link(page, overview)}) › {markdown_label}\n{{: .pm-breadcrumbs }}\n"


def render_overview(title: str, intro: str, column: str, groups: list[Group], page: str,
                    page_of: Callable[[Group], str]) -> str:
    lines = [page_title(title, wide=True), f"# {title}\n", intro + "\n", f"| {column} | Postmortems | Latest |", "|---|---|---|"]
    for group in groups:
        lines.append(
            f"| [{group.markdown_label}]({link(page, page_of(group))}) | {len(group.members)} | {_latest_date(group)} |"
        )
    if not groups:
        lines.append(f"| {MISSING} | 0 | {MISSING} |")
    return "\n".join(lines) + "\n"


def _slug_page(folder: str) -> Callable[[Group], str]:
    return lambda group: f"{folder}/{group.slug}.md"


@dataclass(frozen=True)
class IndexPage:
    """One index page to render: `members` (newest first) and `names` are what its listing shows.

    Overviews (counts per group) have no members: they are short and
    rendered whole every time.
    """

    render: Callable[[], "str | PageSource"]
    names: tuple[str, ...] = ()
    members: list[Postmortem] | None = None


# Each index kind as a plan: path -> IndexPage, from front matter alone.
# `render_*_pages` render a whole plan (for tests); site_render renders a
# page only when what it shows changed.
Plan = dict[str, IndexPage]


# Index kind -> (overview label, overview page, browse page filter).
_PARENTS = {"Tag": ("Tags", TAGS_INDEX, "tag"), "Service": ("Services", SERVICES_INDEX, "service"),
            "Severity": ("Severities", SEVERITIES_INDEX, "severity")}


def _group_plan(kind: str, folder: str, groups: Iterable[Group], listing: Listing,
                note: Callable[[Group], str] = lambda group: "") -> Plan:
    plan: Plan = {}
    label, overview, facet = _PARENTS[kind]
    for group in groups:
        page = f"{folder}/{group.slug}.md"
        browse = filter_query(**{facet: group.names[0]}) if group.slug != NONE_SLUG else None
        render = functools.partial(render_group_page, kind, group, page, listing, note(group), (label, overview),
                                   browse)
        plan[page] = IndexPage(render, tuple(group.names), group.members)
    return plan


def tag_pages_plan(postmortems: list[Postmortem], listing: Listing, tags_of: Values = _tags) -> Plan:
    groups = tag_groups(postmortems, tags_of)
    plan: Plan = {TAGS_INDEX: IndexPage(functools.partial(
        render_overview, "Tags", "Every tag in use, with how many postmortems carry it.", "Tag", by_count(groups),
        TAGS_INDEX, _slug_page("tags"),
    ))}
    return plan | _group_plan("Tag", "tags", groups.values(), listing)


def service_pages_plan(postmortems: list[Postmortem], listing: Listing, services_of: Values = _services) -> Plan:
    groups = service_groups(postmortems, services_of)
    plan: Plan = {SERVICES_INDEX: IndexPage(functools.partial(
        render_overview, "Services", "Every affected service, with how many postmortems name it.", "Service",
        by_count(groups), SERVICES_INDEX, _slug_page("services"),
    ))}
    return plan | _group_plan("Service", "services", groups.values(), listing)


UNCONFIGURED_NOTE = ("!!! warning \"Not a configured severity\"\n"
                     "    `postmortem lint` reports these; fix the `severity:` value.\n")


def severity_pages_plan(postmortems: list[Postmortem], configured: Sequence[str], listing: Listing) -> Plan:
    groups = severity_groups(postmortems, configured)
    plan: Plan = {SEVERITIES_INDEX: IndexPage(functools.partial(
        render_overview, "Severities", "Postmortems by severity, most severe first as configured.", "Severity",
        groups, SEVERITIES_INDEX, _slug_page("severities"),
    ))}
    def note(group: Group) -> str:
        return UNCONFIGURED_NOTE if group.names[0] not in configured and group.slug != NONE_SLUG else ""

    return plan | _group_plan("Severity", "severities", groups, listing, note)


def archive_pages_plan(postmortems: list[Postmortem], listing: Listing) -> Plan:
    years: dict[int | None, list[Postmortem]] = defaultdict(list)
    for pm in postmortems:
        years[pm.date.year if pm.date else None].append(pm)
    ordered = sorted(years, key=lambda y: (y is None, -(y or 0)))
    plan: Plan = {ARCHIVE_INDEX: IndexPage(functools.partial(_render_archive_index, ordered, years))}
    for year in ordered:
        render = functools.partial(_render_year, year, years[year], listing)
        plan[year_page(year)] = IndexPage(render, (), years[year])
    return plan


def _render_archive_index(ordered: list[int | None], years: dict[int | None, list[Postmortem]]) -> str:
    lines = [page_title("Archive", wide=True), "# Archive\n", "Every postmortem by the year of its incident.\n",
             "| Year | Postmortems |", "|---|---|"]
    for year in ordered:
        label = str(year) if year is not None else "Undated"
        lines.append(f"| [{label}]({link(ARCHIVE_INDEX, year_page(year))}) | {len(years[year])} |")
    if not ordered:
        lines.append(f"| {MISSING} | 0 |")
    return "\n".join(lines) + "\n"


def _rendered(plan: Plan) -> dict[str, str | PageSource]:
    return {path: entry.render() for path, entry in plan.items()}


def render_tag_pages(postmortems: list[Postmortem], known_severities: Sequence[str],
                     directory_urls: bool = True) -> dict[str, str | PageSource]:
    return _rendered(tag_pages_plan(postmortems, Listing(known_severities, directory_urls)))


def render_service_pages(postmortems: list[Postmortem], known_severities: Sequence[str],
                         directory_urls: bool = True) -> dict[str, str | PageSource]:
    return _rendered(service_pages_plan(postmortems, Listing(known_severities, directory_urls)))


def render_severity_pages(postmortems: list[Postmortem], configured: Sequence[str],
                          directory_urls: bool = True) -> dict[str, str | PageSource]:
    return _rendered(severity_pages_plan(postmortems, configured, Listing(configured, directory_urls)))


def render_archive_pages(postmortems: list[Postmortem], known_severities: Sequence[str],
                         directory_urls: bool = True) -> dict[str, str | PageSource]:
    return _rendered(archive_pages_plan(postmortems, Listing(known_severities, directory_urls)))


def _render_year(year: int | None, members: list[Postmortem], listing: Listing) -> PageSource:
    page = year_page(year)
    if year is None:
        return PageSource([
            page_title("Undated postmortems", wide=True) + breadcrumb(page, ("Archive", ARCHIVE_INDEX), "Undated")
            + "\n# Undated postmortems\n\n"
            "These have no valid `date:` in their front matter.\n",
            listing.table(page, members, presorted=True, at=END), "",
        ])
    months: dict[int, list[Postmortem]] = defaultdict(list)
    for pm in members:
        months[pm.date.month].append(pm)
    browse = f" [Browse with filters]({link(page, BROWSE_PAGE)}{filter_query(year=year)})"
    out = PageSource([page_title(f"{year}"), breadcrumb(page, ("Archive", ARCHIVE_INDEX), str(year)), f"# {year}\n",
                      f"{plural(len(members), 'postmortem')}, newest first.{browse}\n"])
    for month in sorted(months, reverse=True):
        out.parts.append(f"## {dt.date(year, month, 1):%B %Y}\n")
        out.parts += [listing.table(page, months[month], presorted=True, at=SECTION_END), ""]
    return out


def render_latest(kb: KnowledgeBase, from_page: str = "index.md", count: int = LATEST_COUNT,
                  directory_urls: bool = True) -> str:
    """The newest postmortems, for the home page's marker (a short list: its table stays inline)."""
    out = []
    errors = kb.load_errors()
    if errors:
        out.append(
            f"!!! failure \"{plural(len(errors), 'postmortem file')} could not be loaded\"\n"
            f"    See [the list]({link(from_page, LOAD_ERRORS_PAGE)}) and run `postmortem lint`.\n"
        )
    latest = kb.loaded[:count]
    if not latest:
        out.append("No postmortems yet. Write the first with `postmortem new \"Title\"`.\n")
    else:
        # Blank lines around it: a raw HTML block must not touch the author's text.
        listing = Listing(kb.config.severities, directory_urls, draft_status(kb.config))
        out.append("\n" + listing.table(from_page, latest, presorted=True).html + "\n")
    return "\n".join(out)


def render_home(kb: KnowledgeBase) -> str:
    """A home page for knowledge bases without a hand-written docs/index.md."""
    browse = " · ".join(
        f"[{label}]({page})" for label, page in (
            ("All postmortems", BROWSE_PAGE), ("Tags", TAGS_INDEX), ("Services", SERVICES_INDEX),
            ("Severities", SEVERITIES_INDEX),
            ("Archive", ARCHIVE_INDEX), ("Action items", ACTIONS_PAGE), ("Metrics", METRICS_PAGE),
        )
    )
    return f"# Postmortems\n\nBrowse: {browse}\n\n## Latest postmortems\n\n{LATEST_MARKER}\n"


def fill_latest(markdown: str, kb: KnowledgeBase, page: str, directory_urls: bool = True) -> str:
    if LATEST_MARKER not in markdown:
        return markdown
    return markdown.replace(LATEST_MARKER, render_latest(kb, page, directory_urls=directory_urls))

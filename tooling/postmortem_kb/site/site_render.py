"""Every generated file of the site, rendered from the knowledge base once, and again only where it changed.

`render_site` (for `postmortem generate` and the tests) and the MkDocs
plugin both go through `SiteRender`, so they produce the same pages. A
`SiteRender` remembers what it rendered: asked again (a live preview, after
an edit) with the ids of the postmortems that changed, it renders only the
pages whose inputs changed and says which came out different
(`Rendered.modified`); MkDocs then skips every other page.

What each page is rendered from (its key), so that an edit touches only
its own page and the pages that show it:

- a postmortem's page: the postmortem, and what its related-incidents list
  shows of each neighbour (id, title, date, why related);
- a tag, service, severity or year page, and the ledger: what its rows show
  of each member (`listing_facet`, and the action items for the ledger);
- metrics: each postmortem's date, severity, tags, services and durations;
- the API: each postmortem's record, encoded once and kept until it changes;
- overviews, the feed, the home page and the load-errors page are short and
  rendered every time; a page that comes out the same is not modified.

Order: postmortem pages first (newest first), then the indexes, the action
ledger, metrics and its charts, the API, the feed, the error page, the home
page and the stylesheet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, Iterable

from postmortem_kb.config import KBConfig
from postmortem_kb.kb import KnowledgeBase
from postmortem_kb.metrics import durations
from postmortem_kb.model import Postmortem
from postmortem_kb.site import indexes
from postmortem_kb.site.actions_page import render_actions_page
from postmortem_kb.site.blocks import Listing, format_date, incident_duration
from postmortem_kb.site.feeds import record_json, render_api_json, render_atom_feed
from postmortem_kb.site.metrics_page import MetricsPart, metrics_page, time_sections, top_sections
from postmortem_kb.site.pages import render_failed_postmortem, render_load_errors, stylesheet
from postmortem_kb.site.pages_postmortem import PostmortemPageContext, render_postmortem, source_path
from postmortem_kb.site.parts import PageSource
from postmortem_kb.site.related import RelatedIndex
from postmortem_kb.site.urls import (
    ACTIONS_PAGE, API_JSON, FEED, LOAD_ERRORS_PAGE, METRICS_PAGE, STYLESHEET, postmortem_page,
)

Content = str | bytes | PageSource
Hook = Callable[[Postmortem], None]


@dataclass(frozen=True)
class SiteOptions:
    """What the pages need from the site's own config (mkdocs.yml, or its stand-in for `generate`)."""

    include_home: bool = False
    site_name: str = "Postmortems"
    site_url: str | None = None
    directory_urls: bool = True
    # During a live preview a file that cannot be loaded gets a page at its own URL.
    error_pages: bool = False


@dataclass
class Rendered:
    """Every file of the site in order; `modified`: those that differ from the previous render."""

    pages: dict[str, Content]
    modified: set[str] = field(default_factory=set)


@dataclass
class _Memo:
    key: Hashable
    content: Content


class SiteRender:
    def __init__(self, config: KBConfig, options: SiteOptions = SiteOptions()):
        self.config = config
        self.options = options
        self._memo: dict[str, _Memo] = {}
        # Per postmortem id, until it changes: what its listing rows, metrics and API record are made of.
        self._facets: dict[str, tuple] = {}
        self._times: dict[str, tuple] = {}
        self._sources: dict[str, str] = {}
        self._records: dict[str, str] = {}
        self._records_day: dt.date | None = None
        self._related: RelatedIndex | None = None
        self._parts: dict[str, tuple[Hashable, MetricsPart]] = {}
        self._listing = Listing(config.severities, options.directory_urls)

    def render(self, kb: KnowledgeBase, today: dt.date | None = None, changed: Iterable[str] | None = None,
               prepare: Hook | None = None, release: Hook | None = None) -> Rendered:
        """Every page; `changed`: ids (file stems) of the postmortems that changed since the last render.

        Without `changed` (the first render) every page counts as changed.
        `prepare(pm)` runs just before a postmortem's page is rendered (to
        parse its body), `release(pm)` just after (to let go of what no
        later page needs): a build then holds one parsed body at a time.
        """
        today = today or dt.date.today()
        first = changed is None or not self._memo
        changed = set() if first else set(changed)
        for kept in (self._facets, self._times, self._sources, self._records):
            for postmortem_id in changed:
                kept.pop(postmortem_id, None)
        self._listing.forget(changed)
        if today != self._records_day:
            self._records, self._records_day = {}, today
        postmortems = kb.loaded  # newest first; every index keeps that order
        related = RelatedIndex(postmortems)
        related = related.compute() if first or self._related is None else related.update(self._related, changed)
        self._related = related

        out = Rendered({})
        memo, self._memo = self._memo, {}

        def page(path: str, key: Hashable, render: Callable[[], Content], force: bool = False) -> None:
            before = memo.get(path)
            if before is not None and not force and before.key == key:
                content = before.content
            else:
                content = render()
                if before is None or before.content != content:
                    out.modified.add(path)
            self._memo[path] = _Memo(key, content)
            out.pages[path] = content

        def always(path: str, render: Callable[[], Content]) -> None:
            page(path, object(), render)  # a key equal to no other: rendered every time

        options, severities = self.options, self.config.severities
        for pm in postmortems:
            context = PostmortemPageContext(self._source(pm), severities,
                                            self.config.source_url_template, related.of[pm.id],
                                            options.directory_urls)
            neighbours = tuple((e.postmortem_id, self._facet(e.postmortem)[:3] if e.postmortem else None,
                                tuple(e.shared), e.named) for e in context.related)
            page(postmortem_page(pm.id), neighbours, lambda pm=pm, c=context: _rendered(pm, c, prepare, release),
                 force=pm.id in changed)
        if options.error_pages:
            for pm in kb.failed:
                always(postmortem_page(pm.id), lambda pm=pm: render_failed_postmortem(pm, _display(pm)))
        for path, (members, render) in self._index_pages(postmortems).items():
            page(path, members, render)
        page(ACTIONS_PAGE, (today, tuple(self._facet(pm) + (_actions(pm),) for pm in postmortems)),
             lambda: render_actions_page(postmortems, self.config, today, options.directory_urls, self._listing))
        # Metrics in two halves: a tag edit redraws the top-tags chart, not every chart of the page.
        times_key = tuple(self._times_facet(pm) for pm in postmortems)
        top_key = tuple((tuple(pm.tags), tuple(pm.services)) for pm in postmortems)
        times = self._part("times", times_key, lambda: time_sections(postmortems, severities))
        top = self._part("top", top_key, lambda: top_sections(postmortems))
        metrics = metrics_page(times, top)
        page(METRICS_PAGE, (times_key, top_key), lambda: metrics.markdown)
        for path, draw in metrics.chart_drawings.items():
            page(path, times_key if path in times.chart_drawings else top_key, draw)
        errors = kb.load_errors()
        always(API_JSON, lambda: render_api_json(postmortems, self.config, today, errors, {}, options.directory_urls,
                                                 [self._record(pm, today) for pm in postmortems]))
        always(FEED, lambda: render_atom_feed(postmortems, options.site_name, options.site_url,
                                              directory_urls=options.directory_urls))
        if errors:
            always(LOAD_ERRORS_PAGE, lambda: render_load_errors(errors))
        if options.include_home:
            always("index.md", lambda: indexes.fill_latest(indexes.render_home(kb), kb, "index.md",
                                                           options.directory_urls))
        page(STYLESHEET, None, stylesheet)
        return out

    def _index_pages(self, postmortems: list[Postmortem]) -> dict[str, tuple[Hashable, Callable[[], Content]]]:
        """Tag, service, severity and year pages with their overviews: path -> (key, render)."""
        listing = self._listing
        pages: dict[str, tuple[Hashable, Callable[[], Content]]] = {}
        for plan in (indexes.tag_pages_plan(postmortems, listing), indexes.service_pages_plan(postmortems, listing),
                     indexes.severity_pages_plan(postmortems, self.config.severities, listing),
                     indexes.archive_pages_plan(postmortems, listing)):
            for path, entry in plan.items():
                if entry.members is None:
                    key: Hashable = object()  # an overview: a short table of counts, rendered every time
                else:
                    key = (entry.names, tuple(self._facet(pm) for pm in entry.members))
                pages[path] = (key, entry.render)
        return pages

    def _facet(self, pm: Postmortem) -> tuple:
        """What a listing row (and a related-incidents entry, its first three) shows of a postmortem."""
        facet = self._facets.get(pm.id)
        if facet is None:
            facet = self._facets[pm.id] = (pm.id, pm.title, format_date(pm), pm.severity, pm.summary,
                                           incident_duration(pm))
        return facet

    def _source(self, pm: Postmortem) -> str:
        source = self._sources.get(pm.id)
        if source is None:
            source = self._sources[pm.id] = source_path(pm, self.config.root)
        return source

    def _times_facet(self, pm: Postmortem) -> tuple:
        facet = self._times.get(pm.id)
        if facet is None:
            facet = self._times[pm.id] = (pm.date, pm.severity, tuple(durations(pm).values()))
        return facet

    def _part(self, name: str, key: Hashable, render: Callable[[], MetricsPart]) -> MetricsPart:
        """A half of the metrics page, rendered again only when its numbers changed."""
        known = self._parts.get(name)
        if known is None or known[0] != key:
            known = self._parts[name] = (key, render())
        return known[1]

    def _record(self, pm: Postmortem, today: dt.date) -> str:
        record = self._records.get(pm.id)
        if record is None:
            record = self._records[pm.id] = record_json(pm, self.config, today, self._source(pm),
                                                        self.options.directory_urls)
        return record


def _rendered(pm: Postmortem, context: PostmortemPageContext, prepare: Hook | None, release: Hook | None) -> PageSource:
    if prepare is not None:
        prepare(pm)
    page = render_postmortem(pm, context)
    if release is not None:
        release(pm)
    return page


def _actions(pm: Postmortem) -> tuple:
    # In file order, which is all the ledger takes from their lines (an edit above them moves every line).
    return tuple((item.action, item.owner, item.priority, item.due, item.status, item.ticket) for item in pm.actions)


def _display(pm: Postmortem) -> str:
    return pm.diagnostics[0].path if pm.diagnostics else pm.path.name


def render_site(kb: KnowledgeBase, include_home: bool = False, *, today: dt.date | None = None,
                site_name: str = "Postmortems", site_url: str | None = None,
                directory_urls: bool = True) -> dict[str, Any]:
    """Every generated file of the site, keyed by its path relative to the docs folder.

    Pages come as markdown with our HTML blocks inline (`parts.PageSource.as_markdown`).
    """
    options = SiteOptions(include_home=include_home, site_name=site_name, site_url=site_url,
                          directory_urls=directory_urls)
    rendered = SiteRender(kb.config, options).render(kb, today)
    return {path: content.as_markdown() if isinstance(content, PageSource) else content
            for path, content in rendered.pages.items()}

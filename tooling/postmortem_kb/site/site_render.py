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
  /api/postmortems/<id>.json: the postmortem alone (written as its page is);
- analysis: each postmortem's date, trigger, factors, detection, services,
  time to detect, and the day (its 12-month window moves);
- the review queue is short and rendered every time;
- overviews, the feed, the home page and the load-errors page are short and
  rendered every time; a page that comes out the same is not modified.

Order: postmortem pages first (newest first), then the indexes, the action
ledger, metrics and its charts, the API, the feed, the error page, the home
page and the stylesheet.
"""

from __future__ import annotations

import datetime as dt
import functools
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, Iterable

from postmortem_kb.config import KBConfig
from postmortem_kb.kb import KnowledgeBase

# The review queue, the analysis page, one postmortem's model as data, tickets and languages (D).
from postmortem_kb.languages import Translations
from postmortem_kb.metrics import durations
from postmortem_kb.model import Postmortem
from postmortem_kb.records import relative_path
from postmortem_kb.review import codeowners_signature, draft_status, review_facts
from postmortem_kb.site import indexes
from postmortem_kb.site.actions_page import render_actions_page
from postmortem_kb.site.analysis_page import analysis_key, render_analysis_page
from postmortem_kb.site.blocks import Listing, format_date, incident_duration

# The browse page (B).
from postmortem_kb.site.browse_page import (
    NO_SCRIPT_ROWS,
    browse_data,
    browse_script,
    render_browse_page,
)
from postmortem_kb.site.feeds import (
    model_json,
    record_json,
    render_api_json,
    render_atom_feed,
)
from postmortem_kb.site.metrics_page import (
    MetricsPart,
    metrics_page,
    time_sections,
    top_sections,
)
from postmortem_kb.site.pages import (
    published_assets,
    render_failed_postmortem,
    render_load_errors,
    stylesheet,
)
from postmortem_kb.site.pages_postmortem import (
    PostmortemPageContext,
    render_postmortem,
)
from postmortem_kb.site.parts import MkDocsPage, PageSource
from postmortem_kb.site.related import RelatedIndex, related_keys
from postmortem_kb.site.reviews_page import render_reviews_page
from postmortem_kb.site.timeline_marks import TIMELINE_SCRIPT, timeline_script
from postmortem_kb.site.urls import (
    ACTIONS_PAGE,
    ANALYSIS_PAGE,
    API_JSON,
    BROWSE_DATA,
    BROWSE_PAGE,
    BROWSE_SCRIPT,
    FEED,
    LOAD_ERRORS_PAGE,
    METRICS_PAGE,
    REVIEWS_PAGE,
    STYLESHEET,
    allocate_slugs,
    api_postmortem,
    postmortem_page,
)

Content = str | bytes | PageSource | MkDocsPage
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


@dataclass(frozen=True)
class Deferred:
    """A page rendered only when `render()` is called (a build renders each page as MkDocs reads it)."""

    render: Callable[[], Content]


class SiteRender:
    """`for_mkdocs`: pages come as `MkDocsPage` (the markdown MkDocs renders and the blocks it gets after).

    `deferred`: every page comes as a `Deferred`, rendered when its turn
    comes, so that a build holds no more pages than MkDocs has read (a
    preview, which compares each page with the previous render, renders
    at once).
    """

    def __init__(self, config: KBConfig, options: SiteOptions = SiteOptions(), for_mkdocs: bool = False,
                 deferred: bool = False):
        self.config = config
        self.options = options
        self.for_mkdocs = for_mkdocs
        self.deferred = deferred
        self._memo: dict[str, _Memo] = {}
        # Per postmortem id, until it changes: what its listing rows, metrics and API record are made of.
        self._facets: dict[str, tuple] = {}
        self._review_facts: dict[str, tuple] = {}
        self._times: dict[str, tuple] = {}
        self._sources: dict[str, str] = {}
        self._values: dict[str, tuple] = {}
        self._records: dict[str, str] = {}
        self._records_day: dt.date | None = None
        self._related: RelatedIndex | None = None
        self._parts: dict[str, tuple[Hashable, MetricsPart]] = {}
        self._listing = Listing(config.severities, options.directory_urls, draft_status(config))

    def render(self, kb: KnowledgeBase, today: dt.date | None = None, changed: Iterable[str] | None = None,
               prepare: Hook | None = None, release: Hook | None = None) -> Rendered:
        """Every page; `changed`: ids (file stems) of the postmortems that changed since the last render.

        Without `changed` (the first render) every page counts as changed.
        `prepare(pm)` runs just before a postmortem's page is rendered (to
        parse its body), `release(pm)` just after (to let go of what no
        later page needs): a build then holds one parsed body at a time.
        The pages that show every postmortem's action items make sure each
        body was prepared, whichever pages were rendered before.
        """
        today = today or dt.date.today()
        first = changed is None or not self._memo
        changed = set() if first else set(changed)
        for kept in (self._facets, self._times, self._sources, self._records, self._values, self._review_facts):
            for postmortem_id in changed:
                kept.pop(postmortem_id, None)
        self._listing.forget(changed)
        if today != self._records_day:
            self._records, self._records_day = {}, today
        postmortems = kb.loaded  # newest first; every index keeps that order
        related = RelatedIndex(postmortems, keys_of=lambda pm: self._values_of(pm)[2])
        related = related.compute() if first or self._related is None else related.update(self._related, changed)
        self._related = related

        out = Rendered({})
        memo, self._memo = self._memo, {}

        prepared: set[str] = set()
        models: dict[str, bytes] = {}

        def model(pm: Postmortem) -> str:
            """/api/postmortems/<id>.json: kept from its page's render, or read now."""
            kept = models.pop(pm.id, None)
            if kept is not None:
                return zlib.decompress(kept).decode("utf-8")
            if prepare is not None:
                prepare(pm)
            text = model_json(pm)
            if release is not None:
                release(pm)
            return text

        def postmortem(pm: Postmortem, context: PostmortemPageContext) -> PageSource:
            if prepare is not None and pm.id not in prepared:
                prepare(pm)
            page = render_postmortem(pm, context)
            # Its model as data, while the body is parsed (a build lets go of it next). Compressed:
            # a build keeps them until MkDocs copies the data files, 26 MB at 5,000 postmortems as text.
            models[pm.id] = zlib.compress(model_json(pm).encode("utf-8"), 1)
            if release is not None and pm.id not in prepared:
                release(pm)
            prepared.add(pm.id)
            return page

        def with_actions(render: Callable[[], Content]) -> Callable[[], Content]:
            """`render`, once every postmortem's action items are read."""
            def ready() -> Content:
                for pm in postmortems:
                    if prepare is not None and pm.id not in prepared:
                        prepare(pm)
                        if release is not None:
                            release(pm)
                        prepared.add(pm.id)
                return render()
            return ready

        def page(path: str, key: Hashable, render: Callable[[], Content], force: bool = False) -> None:
            if self.deferred:
                out.pages[path] = Deferred(functools.partial(self._shaped, render))
                out.modified.add(path)
                return
            before = memo.get(path)
            if before is not None and not force and before.key == key:
                content = before.content
            else:
                content = self._shaped(render)
                if before is None or before.content != content:
                    out.modified.add(path)
            self._memo[path] = _Memo(key, content)
            out.pages[path] = content

        def always(path: str, render: Callable[[], Content]) -> None:
            page(path, object(), render)  # a key equal to no other: rendered every time

        options, severities = self.options, self.config.severities
        translations = Translations(postmortems, self.config)
        # Each tag's and service's URL segment, from every value in use (B: names are data, never paths).
        tag_slugs = allocate_slugs(tag for pm in postmortems for tag in self._values_of(pm)[0] if tag)
        service_slugs = allocate_slugs(service for pm in postmortems for service in self._values_of(pm)[1] if service)
        for pm in postmortems:
            context = PostmortemPageContext(self._source(pm), severities,
                                            self.config.source_url_template, related.of[pm.id],
                                            options.directory_urls, self.config, tuple(translations.versions(pm.id)),
                                            tag_slugs=tag_slugs, service_slugs=service_slugs)
            own_slugs = (tuple(tag_slugs.get(tag) for tag in pm.tags), tuple(service_slugs.get(s) for s in pm.services))
            # (id, title, date) and the status (a draft is marked) of each neighbour.
            neighbours = tuple((e.postmortem_id, self._facet(e.postmortem)[:3] + (e.postmortem.status,)
                                if e.postmortem else None,
                                tuple(e.shared), e.named) for e in context.related)
            page(postmortem_page(pm.id), (neighbours, context.languages, own_slugs),
                 functools.partial(postmortem, pm, context),
                 force=pm.id in changed)
            page(api_postmortem(pm.id), None, functools.partial(model, pm), force=pm.id in changed)
        if options.error_pages:
            for pm in kb.failed:
                always(postmortem_page(pm.id), lambda pm=pm: render_failed_postmortem(pm, _display(pm)))
        for path, (members, render) in self._index_pages(postmortems).items():
            page(path, members, render)
        page(ACTIONS_PAGE, (today, tuple(self._facet(pm) + (_actions(pm),) for pm in postmortems)),
             with_actions(lambda: render_actions_page(postmortems, self.config, today, options.directory_urls,
                                                      self._listing)))
        # Metrics in two halves: a tag edit redraws the top-tags chart, not every chart of the page.
        times_key = tuple(self._times_facet(pm) for pm in postmortems)
        top_key = tuple(self._values_of(pm)[:2] for pm in postmortems)
        times = self._part("times", times_key, lambda: time_sections(postmortems, severities))
        top = self._part("top", top_key, lambda: top_sections(postmortems))
        metrics = metrics_page(times, top)
        page(METRICS_PAGE, (times_key, top_key), lambda: metrics.markdown)
        for path, draw in metrics.chart_drawings.items():
            page(path, times_key if path in times.chart_drawings else top_key, draw)
        errors = kb.load_errors()
        always(API_JSON, with_actions(lambda: render_api_json(postmortems, self.config, today, errors, {},
                                                              options.directory_urls,
                                                              [self._record(pm, today) for pm in postmortems])))
        always(FEED, lambda: render_atom_feed(postmortems, options.site_name, options.site_url,
                                              directory_urls=options.directory_urls))
        if errors:
            always(LOAD_ERRORS_PAGE, lambda: render_load_errors(errors))
        if options.include_home:
            always("index.md", lambda: indexes.fill_latest(indexes.render_home(kb), kb, "index.md",
                                                           options.directory_urls))
        # The review queue, from what each postmortem's place in it depends on, and the analysis (D).
        reviews_key = (today, codeowners_signature(self.config),
                       tuple(self._cached(self._review_facts, pm, review_facts) for pm in postmortems))
        page(REVIEWS_PAGE, reviews_key,
             lambda: render_reviews_page(postmortems, self.config, today, options.directory_urls))
        analysis_facts = (today, tuple(analysis_key(pm) for pm in postmortems))
        analysis = self._part("analysis", analysis_facts,
                              lambda: render_analysis_page(postmortems, self.config, today, options.directory_urls))
        page(ANALYSIS_PAGE, analysis_facts, lambda: analysis.page)
        for path, draw in analysis.chart_drawings.items():
            page(path, analysis_facts, draw)
        # Timeline anchors, kinds and T+ (C): the script the postmortem pages load.
        page(TIMELINE_SCRIPT, None, timeline_script)
        # The browse page, its data and script (B).
        browse_key = tuple((self._facet(pm), self._values_of(pm)[:2], self._times_facet(pm), pm.meta.get("lang"))
                           for pm in postmortems)
        # The page holds the newest rows and the count; the data holds every row.
        page(BROWSE_PAGE, (len(postmortems), browse_key[:NO_SCRIPT_ROWS]),
             lambda: render_browse_page(postmortems, severities, options.directory_urls,
                                                draft=draft_status(self.config)))
        page(BROWSE_DATA, browse_key, lambda: browse_data(postmortems, self.config, options.directory_urls))
        page(BROWSE_SCRIPT, None, browse_script)
        page(STYLESHEET, None, stylesheet)
        return out

    def _shaped(self, render: Callable[[], Content]) -> Content:
        content = render()
        return content.for_mkdocs() if self.for_mkdocs and isinstance(content, PageSource) else content

    def _index_pages(self, postmortems: list[Postmortem]) -> dict[str, tuple[Hashable, Callable[[], Content]]]:
        """Tag, service, severity and year pages with their overviews: path -> (key, render)."""
        listing = self._listing
        pages: dict[str, tuple[Hashable, Callable[[], Content]]] = {}
        def tags_of(pm: Postmortem) -> list[str]:
            return self._values_of(pm)[0]

        def services_of(pm: Postmortem) -> list[str]:
            return self._values_of(pm)[1]

        for plan in (indexes.tag_pages_plan(postmortems, listing, tags_of),
                     indexes.service_pages_plan(postmortems, listing, services_of),
                     indexes.severity_pages_plan(postmortems, self.config.severities, listing),
                     indexes.archive_pages_plan(postmortems, listing)):
            for path, entry in plan.items():
                if entry.members is None:
                    key: Hashable = object()  # an overview: a short table of counts, rendered every time
                else:
                    key = (entry.names, tuple(self._facet(pm) for pm in entry.members))
                pages[path] = (key, entry.render)
        return pages

    @staticmethod
    def _cached(kept: dict[str, Any], pm: Postmortem, compute: Callable[[Postmortem], Any]) -> Any:
        """`compute(pm)`, kept per postmortem id until its file changes (`render` forgets changed ids)."""
        value = kept.get(pm.id)
        if value is None:
            value = kept[pm.id] = compute(pm)
        return value

    def _values_of(self, pm: Postmortem) -> tuple:
        """(tags, services, related keys) of a postmortem, read from its front matter once."""
        return self._cached(self._values, pm, lambda pm: (pm.tags, pm.services, related_keys(pm)))

    def _facet(self, pm: Postmortem) -> tuple:
        """What a listing row (and a related-incidents entry, its first three) shows of a postmortem."""
        return self._cached(self._facets, pm, lambda pm: (pm.id, pm.title, format_date(pm), pm.severity, pm.summary,
                                                          incident_duration(pm), pm.status))

    def _source(self, pm: Postmortem) -> str:
        return self._cached(self._sources, pm, lambda pm: relative_path(pm, self.config.root))

    def _times_facet(self, pm: Postmortem) -> tuple:
        return self._cached(self._times, pm, lambda pm: (pm.date, pm.severity, tuple(durations(pm).values())))

    def _part(self, name: str, key: Hashable, render: Callable[[], MetricsPart]) -> MetricsPart:
        """A half of the metrics page, rendered again only when its numbers changed."""
        known = self._parts.get(name)
        if known is None or known[0] != key:
            known = self._parts[name] = (key, render())
        return known[1]

    def _record(self, pm: Postmortem, today: dt.date) -> str:
        return self._cached(self._records, pm, lambda pm: record_json(pm, self.config, today, self._source(pm),
                                                                      self.options.directory_urls))


def _actions(pm: Postmortem) -> tuple:
    # In file order, which is all the ledger takes from their lines (an edit above them moves every line).
    return tuple((item.action, item.owner, item.priority, item.due, item.status, item.ticket) for item in pm.actions)


def _display(pm: Postmortem) -> str:
    return pm.diagnostics[0].path if pm.diagnostics else pm.path.name


def render_site(kb: KnowledgeBase, include_home: bool = False, *, today: dt.date | None = None,
                site_name: str = "Postmortems", site_url: str | None = None,
                directory_urls: bool = True) -> dict[str, Any]:
    """Every generated file of the site, keyed by its path relative to the docs folder.

    Pages come as markdown with our HTML blocks inline (`parts.PageSource.as_markdown`);
    the files published as they are (`pages.published_assets`) as their bytes.
    """
    options = SiteOptions(include_home=include_home, site_name=site_name, site_url=site_url,
                          directory_urls=directory_urls)
    rendered = SiteRender(kb.config, options).render(kb, today)
    files = {path: content.as_markdown() if isinstance(content, PageSource) else content
             for path, content in rendered.pages.items()}
    # == published assets (A): a generated page keeps its path (the plugin's build refuses the clash) ==
    for path, source in published_assets(kb.config):
        files.setdefault(path, source.read_bytes())
    return files

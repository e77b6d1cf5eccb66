"""Every generated file of the site, listed first and rendered in order.

`render_site` (for `postmortem generate` and the tests) and the MkDocs
plugin both go through `SiteRender`, so they produce the same pages. The
split between `paths` and `pages` is what lets a build start early: the
paths, and every page that needs only front matter, come from a knowledge
base whose postmortem bodies are not parsed yet; each postmortem's body is
parsed (`prepare`) just before its page is rendered, and can be let go
(`release`) just after. The plugin's render process (`render_process`)
streams the pages to MkDocs while MkDocs renders the ones before.

Order: postmortem pages first (newest first), then the indexes, the action
ledger (which needs every body's action items), metrics and its charts,
the API, the feed, the error page, the home page and the stylesheet.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable, Iterator

from postmortem_kb.kb import KnowledgeBase
from postmortem_kb.model import Postmortem
from postmortem_kb.site.parts import PageSource
from postmortem_kb.site.urls import ACTIONS_PAGE, API_JSON, FEED, LOAD_ERRORS_PAGE, METRICS_PAGE, STYLESHEET, postmortem_page

Content = str | bytes | PageSource
Hook = Callable[[Postmortem], None]


class SiteRender:
    def __init__(self, kb: KnowledgeBase, *, include_home: bool = False, today: dt.date | None = None,
                 site_name: str = "Postmortems", site_url: str | None = None, directory_urls: bool = True):
        from postmortem_kb.site.indexes import (
            archive_pages_plan, service_pages_plan, severity_pages_plan, tag_pages_plan,
        )
        from postmortem_kb.site.metrics_page import render_metrics_page
        from postmortem_kb.site.pages_postmortem import source_path

        self.kb = kb
        self.config = kb.config
        self.today = today or dt.date.today()
        self.include_home = include_home
        self.site_name, self.site_url, self.directory_urls = site_name, site_url, directory_urls
        self.postmortems = kb.loaded  # newest first; every index keeps that order
        self.errors = kb.load_errors()
        severities = self.config["severities"]
        self.sources = {pm.id: source_path(pm, self.config.root) for pm in self.postmortems}
        # Front matter is all the indexes need; only their paths are worked
        # out here, the pages are rendered in `pages`, after the postmortems.
        self.indexes: dict[str, Callable[[], Content]] = {}
        for plan in (tag_pages_plan, service_pages_plan, severity_pages_plan, archive_pages_plan):
            self.indexes.update(plan(self.postmortems, severities, directory_urls))
        # Which charts exist depends on the numbers; drawing them waits (see metrics_page).
        self.metrics = render_metrics_page(self.postmortems, severities)

    def paths(self) -> list[str]:
        """Every generated path, in the order `pages` yields them."""
        paths = [postmortem_page(pm.id) for pm in self.postmortems]
        paths += list(self.indexes)
        paths += [ACTIONS_PAGE, METRICS_PAGE, *self.metrics.chart_drawings, API_JSON, FEED]
        if self.errors:
            paths.append(LOAD_ERRORS_PAGE)
        if self.include_home:
            paths.append("index.md")
        paths.append(STYLESHEET)
        return paths

    def pages(self, prepare: Hook | None = None, release: Hook | None = None) -> Iterator[tuple[str, Content]]:
        """(path, content) for every path of `paths`, in that order.

        `prepare(pm)` runs before a postmortem's page is rendered (to parse
        its body), `release(pm)` after (to drop what no later page needs).
        """
        from postmortem_kb.site.actions_page import render_actions_page
        from postmortem_kb.site.feeds import render_api_json, render_atom_feed
        from postmortem_kb.site.indexes import fill_latest, render_home
        from postmortem_kb.site.pages import render_load_errors, stylesheet
        from postmortem_kb.site.pages_postmortem import PostmortemPageContext, render_postmortem
        from postmortem_kb.site.related import related_incidents

        severities = self.config["severities"]
        related = related_incidents(self.postmortems)
        template = self.config.values.get("source_url_template")
        for pm in self.postmortems:
            if prepare is not None:
                prepare(pm)
            context = PostmortemPageContext(self.sources[pm.id], severities, template, related[pm.id],
                                            self.directory_urls)
            page = render_postmortem(pm, context)
            if release is not None:
                release(pm)
            yield postmortem_page(pm.id), page
        for path, render in self.indexes.items():
            yield path, render()
        yield ACTIONS_PAGE, render_actions_page(self.postmortems, self.config, self.today, self.directory_urls)
        yield METRICS_PAGE, self.metrics.markdown
        for path, draw in self.metrics.chart_drawings.items():
            yield path, draw()
        yield API_JSON, render_api_json(self.postmortems, self.config, self.today, self.errors, self.sources,
                                        self.directory_urls)
        yield FEED, render_atom_feed(self.postmortems, self.site_name, self.site_url,
                                     directory_urls=self.directory_urls)
        if self.errors:
            yield LOAD_ERRORS_PAGE, render_load_errors(self.errors)
        if self.include_home:
            yield "index.md", fill_latest(render_home(self.kb), self.kb, "index.md", self.directory_urls)
        yield STYLESHEET, stylesheet()

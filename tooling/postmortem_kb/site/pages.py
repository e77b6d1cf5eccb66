"""Knowledge base in, `{relative path: markdown, SVG, JSON or XML}` out.

`render_site` is a pure function of the loaded knowledge base (and the build
date, for "overdue"), so the MkDocs plugin and `postmortem generate` emit
exactly the same files. Markdown links are relative links to `.md` sources,
which MkDocs validates and rewrites for either URL style. Each page kind has
its own module; this one only puts them together.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources

from postmortem_kb.kb import KnowledgeBase
from postmortem_kb.model import Diagnostic
from postmortem_kb.site.actions_page import render_actions_page
from postmortem_kb.site.blocks import MISSING, listing_table, page_title  # noqa: F401  (the shared page API)
from postmortem_kb.site.escape import md_text
from postmortem_kb.site.feeds import render_api_json, render_atom_feed
from postmortem_kb.site.indexes import (  # noqa: F401
    LATEST_COUNT, LATEST_MARKER, fill_latest, render_archive_pages, render_home, render_latest,
    render_service_pages, render_severity_pages, render_tag_pages,
)
from postmortem_kb.site.pages_postmortem import PostmortemPageContext, render_postmortem, source_path
from postmortem_kb.site.related import related_incidents
from postmortem_kb.site.urls import (  # noqa: F401
    ACTIONS_PAGE, API_JSON, FEED, LOAD_ERRORS_PAGE, METRICS_PAGE, STYLESHEET, link, postmortem_page, tag_page,
)

Content = str | bytes


def stylesheet() -> str:
    return resources.files("postmortem_kb.site").joinpath("assets/postmortem-kb.css").read_text(encoding="utf-8")


def render_load_errors(errors: list[Diagnostic]) -> str:
    """The page that names every file the site had to leave out, and why."""
    rows = "\n".join(f"| {md_text(e.path)} | {e.line} | {md_text(e.message)} |" for e in errors)
    return (
        page_title("Postmortems that could not be loaded")
        + "# Postmortems that could not be loaded\n\n"
        "These files are not on the site until they are fixed. Run `postmortem lint` for details.\n\n"
        "| File | Line | Problem |\n|---|---|---|\n" + rows + "\n"
    )


def render_site(kb: KnowledgeBase, include_home: bool = False, *, today: dt.date | None = None,
                site_name: str = "Postmortems", site_url: str | None = None,
                directory_urls: bool = True) -> dict[str, Content]:
    """Every generated file of the site, keyed by its path relative to the docs folder."""
    today = today or dt.date.today()
    config = kb.config
    severities = config["severities"]
    postmortems = kb.loaded  # newest first; every index keeps that order
    pages: dict[str, Content] = {}

    related = related_incidents(postmortems)
    template = config.values.get("source_url_template")
    sources = {pm.id: source_path(pm, config.root) for pm in postmortems}
    for pm in postmortems:
        context = PostmortemPageContext(sources[pm.id], severities, template, related[pm.id])
        pages[postmortem_page(pm.id)] = render_postmortem(pm, context)

    pages.update(render_tag_pages(postmortems, severities))
    pages.update(render_service_pages(postmortems, severities))
    pages.update(render_severity_pages(postmortems, severities))
    pages.update(render_archive_pages(postmortems, severities))
    pages[ACTIONS_PAGE] = render_actions_page(postmortems, config, today)

    from postmortem_kb.site.metrics_page import render_metrics_page

    metrics = render_metrics_page(postmortems, severities)
    pages[METRICS_PAGE] = metrics.markdown
    pages.update(metrics.charts)

    errors = kb.load_errors()
    pages[API_JSON] = render_api_json(postmortems, config, today, errors, sources, directory_urls)
    pages[FEED] = render_atom_feed(postmortems, site_name, site_url, directory_urls=directory_urls)
    if errors:
        pages[LOAD_ERRORS_PAGE] = render_load_errors(errors)
    if include_home:
        pages["index.md"] = fill_latest(render_home(kb), kb, "index.md")
    pages[STYLESHEET] = stylesheet()
    return pages

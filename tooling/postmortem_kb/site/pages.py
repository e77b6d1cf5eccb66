"""Knowledge base in, `{relative path: markdown, SVG, JSON or XML}` out.

`render_site` is a pure function of the loaded knowledge base (and the build
date, for "overdue"), so the MkDocs plugin and `postmortem generate` emit
exactly the same files (both through `site_render.SiteRender`). Markdown
links are relative links to `.md` sources, which MkDocs validates and
rewrites for either URL style; the HTML blocks (`parts`) carry links
resolved for the site's URL style (`urls.href`). Each page kind has its own
module; this one only puts them together.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources

from postmortem_kb.kb import KnowledgeBase
from postmortem_kb.model import Diagnostic
from postmortem_kb.site.blocks import MISSING, listing_table, page_title  # noqa: F401  (the shared page API)
from postmortem_kb.site.escape import md_text
from postmortem_kb.site.indexes import (  # noqa: F401
    LATEST_COUNT, LATEST_MARKER, fill_latest, render_archive_pages, render_home, render_latest,
    render_service_pages, render_severity_pages, render_tag_pages,
)
from postmortem_kb.site.parts import PageSource
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
    """Every generated file of the site, keyed by its path relative to the docs folder.

    Pages come as markdown with our HTML blocks inline (`parts.as_markdown`).
    """
    from postmortem_kb.site.site_render import SiteRender

    render = SiteRender(kb, include_home=include_home, today=today, site_name=site_name, site_url=site_url,
                        directory_urls=directory_urls)
    return {path: content.as_markdown() if isinstance(content, PageSource) else content
            for path, content in render.pages()}

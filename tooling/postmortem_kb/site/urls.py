"""Where every generated page lives: the site's permanent URLs.

People paste these URLs into tickets and chat, so they never change:
/postmortems/<id>/, /tags/<slug>/, /services/<slug>/, /severities/<slug>/,
/archive/<year>/, /actions/, /metrics/, /api/postmortems.json, /feed.xml.
Paths here are docs-relative source paths (`tags/cache.md`); MkDocs turns
them into URLs for either URL style.
"""

from __future__ import annotations

import functools

from postmortem_kb.site.escape import url_slug

STYLESHEET = "assets/postmortem-kb.css"
TAGS_INDEX = "tags/index.md"
SERVICES_INDEX = "services/index.md"
SEVERITIES_INDEX = "severities/index.md"
ARCHIVE_INDEX = "archive/index.md"
ACTIONS_PAGE = "actions/index.md"
METRICS_PAGE = "metrics/index.md"
LOAD_ERRORS_PAGE = "postmortems/load-errors.md"
API_JSON = "api/postmortems.json"
FEED = "feed.xml"

# Folders of per-item pages (one per postmortem, tag, service, severity,
# year): never in the sidebar. Their index.md overviews may be.
ITEM_FOLDERS = ("postmortems", "tags", "services", "severities", "archive")
OVERVIEW_FOLDERS = ("tags", "services", "severities", "archive")

# The page of the postmortems that lack a value (no tags, no severity, no
# date). url_slug never yields this for a real value that has a letter or
# digit in it, except the literal word, which then shares the page.
NONE_SLUG = "none"
UNDATED = "undated"


def is_item_page(path: str) -> bool:
    folder, _, name = path.partition("/")
    return folder in ITEM_FOLDERS and name.endswith(".md") and name != "index.md"


@functools.lru_cache(maxsize=4096)  # markdown links: overviews and metrics, a few hundred at most
def link(from_page: str, to_page: str) -> str:
    """A relative link between two docs-relative source paths, as MkDocs expects it.

    Both paths are plain and relative (no `..`), so string work suffices;
    `posixpath.relpath` would resolve both against the working directory,
    which every listing row of a large knowledge base paid for.
    """
    from_parts = from_page.split("/")[:-1]
    to_parts = to_page.split("/")
    common = 0
    while common < len(from_parts) and common < len(to_parts) - 1 and from_parts[common] == to_parts[common]:
        common += 1
    return "/".join([".."] * (len(from_parts) - common) + to_parts[common:])


def href(from_page: str, to_page: str, directory_urls: bool = True) -> str:
    """The relative URL of `to_page` as seen from the built `from_page`, for HTML we write ourselves.

    Markdown links (`link`) are rewritten and checked by MkDocs; an `href`
    in generated HTML is not, so it is computed here from the same URL rules
    (`page_url`) for either URL style.
    """
    from_parts = page_url(from_page, directory_urls).split("/")[:-1]  # the folder the page is served from
    to_parts = page_url(to_page, directory_urls).split("/")
    common = 0
    while common < len(from_parts) and common < len(to_parts) - 1 and from_parts[common] == to_parts[common]:
        common += 1
    return "/".join([".."] * (len(from_parts) - common) + to_parts[common:]) or "./"


def postmortem_page(postmortem_id: str) -> str:
    return f"postmortems/{postmortem_id}.md"


def tag_page(tag: str | None) -> str:
    return f"tags/{url_slug(tag) if tag else NONE_SLUG}.md"


def service_page(service: str | None) -> str:
    return f"services/{url_slug(service) if service else NONE_SLUG}.md"


def severity_page(severity: str | None) -> str:
    return f"severities/{url_slug(severity) if severity else NONE_SLUG}.md"


def year_page(year: int | None) -> str:
    return f"archive/{year if year is not None else UNDATED}.md"


def page_url(page: str, directory_urls: bool = True) -> str:
    """The URL (relative to the site root) MkDocs serves a source page at."""
    if not page.endswith(".md"):
        return page
    stem = page[: -len(".md")]
    if not directory_urls:
        return stem + ".html"
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        stem = stem[: -len("/index")]
    return stem + "/"

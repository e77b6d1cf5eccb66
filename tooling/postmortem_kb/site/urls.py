"""Where every generated page lives: the site's permanent URLs.

People paste these URLs into tickets and chat, so they never change:
/postmortems/<id>/, /tags/<slug>/, /services/<slug>/, /severities/<slug>/,
/archive/<year>/, /actions/, /metrics/, /reviews/, /analysis/, /api/postmortems.json,
/api/postmortems/<id>.json, /feed.xml.
Paths here are docs-relative source paths (`tags/cache.md`); MkDocs turns
them into URLs for either URL style.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Iterable, Mapping, Sequence
from urllib.parse import urlencode

from postmortem_kb.scaffold import url_slug

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
# The browse page (B): every postmortem in one filterable table, its data and script.
BROWSE_PAGE = "postmortems/index.md"
BROWSE_DATA = "postmortems/browse.json"
BROWSE_SCRIPT = "assets/browse.js"


def filter_query(**values: str | int | None) -> str:
    """`?tag=...&severity=...`: the browse page's query for these filters (browse.js reads it back)."""
    query = urlencode({name: str(value) for name, value in values.items() if value not in (None, "")})
    return "?" + query if query else ""
# The review queue, patterns across incidents, and one postmortem's whole model as data.
REVIEWS_PAGE = "reviews/index.md"
ANALYSIS_PAGE = "analysis/index.md"
API_POSTMORTEMS_FOLDER = "api/postmortems"

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


# Stems of the generated pages of postmortems/. A postmortem file of that
# name gets its page under `_<id>`: the loader never reads a file starting
# with `_`, so no postmortem can have that page.
GENERATED_POSTMORTEM_STEMS = frozenset({"index", "load-errors"})


def postmortem_page(postmortem_id: str) -> str:
    if postmortem_id.lower() in GENERATED_POSTMORTEM_STEMS:
        return f"postmortems/_{postmortem_id}.md"
    return f"postmortems/{postmortem_id}.md"


def api_postmortem(postmortem_id: str) -> str:
    """/api/postmortems/<id>.json: the model of one postmortem, as `postmortem show ID --format json`."""
    return f"{API_POSTMORTEMS_FOLDER}/{postmortem_id}.json"


# `slugs`: the knowledge base's allocation (`allocate_slugs`); without it a
# value gets the slug it has when no other value folds to the same one.
def tag_page(tag: str | None, slugs: Mapping[str, str] | None = None) -> str:
    return f"tags/{value_slug(tag, slugs)}.md"


def service_page(service: str | None, slugs: Mapping[str, str] | None = None) -> str:
    return f"services/{value_slug(service, slugs)}.md"


def severity_page(severity: str | None, slugs: Mapping[str, str] | None = None) -> str:
    return f"severities/{value_slug(severity, slugs)}.md"


def value_slug(value: str | None, slugs: Mapping[str, str] | None = None) -> str:
    if not value:
        return NONE_SLUG
    known = slugs.get(value) if slugs is not None else None
    return known or plain_slug(value) or hashed_slug(value)


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


# == names are data, never paths (B) ==
# A tag, service or severity is text an author typed; its page's URL is a
# slug of it. Slugs fold ("Server infra" and "server-infra"), may spell a
# page of ours ("index" is the overview, "none" the page of postmortems
# without a value) and may exceed what a file system takes. So a value keeps
# its plain slug only when it is short, not reserved and not already taken
# by another value of the same kind; every other value gets
# `<cut slug>--<hash of the value>`. `url_slug` never writes `--`, so a
# hashed slug can never be another value's plain one.
MAX_SLUG = 80
RESERVED_SLUGS = frozenset({"index", NONE_SLUG})
_HASH_DIGITS = 8


def plain_slug(value: str) -> str | None:
    """The slug a value has when no other value claims it first; None when it can never have a plain one."""
    slug = url_slug(value)
    return slug if len(slug) <= MAX_SLUG and slug not in RESERVED_SLUGS else None


def hashed_slug(value: str, digits: int = _HASH_DIGITS) -> str:
    digest = hashlib.sha256(value.encode("utf-8")).hexdigest()[:digits]
    return url_slug(value)[: MAX_SLUG - 2 - digits].rstrip("-") + "--" + digest


def allocate_slugs(values: Iterable[str], preferred: Sequence[str] = ()) -> dict[str, str]:
    """Value -> slug for every value of one kind: no two values share a slug, whatever their order.

    Of the values that fold to one plain slug, it goes to the first of
    `preferred` (the configured severities, in their order), else to the
    value spelled exactly as the slug, else to the least in code-point
    order; the rest get hashed slugs.
    """
    distinct = set(values) | set(preferred)
    rank = {value: position for position, value in enumerate(preferred)}
    ordered = sorted(distinct, key=lambda v: (v not in rank, rank.get(v, 0), v != url_slug(v), v))
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for value in ordered:
        slug = plain_slug(value)
        if slug is None or slug in taken:
            continue
        slugs[value] = slug
        taken.add(slug)
    for value in ordered:
        if value in slugs:
            continue
        digits = _HASH_DIGITS
        slug = hashed_slug(value, digits)
        while slug in taken:  # two values with one cut slug and one short hash: take more of the hash
            digits += 8
            slug = hashed_slug(value, digits)
        slugs[value] = slug
        taken.add(slug)
    return slugs


def colliding_values(values: Iterable[str], preferred: Sequence[str] = ()) -> dict[str, list[str]]:
    """Plain slug -> the values that fold to it, where more than one does (what the vocabulary lint warns of)."""
    folded: dict[str, set[str]] = {}
    for value in set(values) | set(preferred):
        folded.setdefault(url_slug(value), set()).add(value)
    return {slug: sorted(names) for slug, names in sorted(folded.items()) if len(names) > 1}

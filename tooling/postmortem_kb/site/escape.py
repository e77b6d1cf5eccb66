"""Small text helpers of the site: class-name tokens and URL segments.

Markdown text from data goes through `postmortem_kb.markdown_text.md_text`,
the one escaper (re-exported here for the page modules); slugs come from
`scaffold.slugify`, the one slug function.
"""

from __future__ import annotations

import functools
import re

from postmortem_kb.markdown_text import md_text
from postmortem_kb.scaffold import slugify

__all__ = ["css_token", "md_text", "url_slug"]


def css_token(value: str) -> str:
    """A value reduced to characters that are safe in a class name."""
    return re.sub(r"[^a-z0-9-]+", "-", value.lower()).strip("-") or "none"


@functools.lru_cache(maxsize=8192)  # tags and services: a few hundred values, on every page that lists them
def url_slug(value: str) -> str:
    """The permanent URL segment for a tag or service: /tags/<slug>/ (never cut; `x-<hash>` when no ASCII)."""
    return slugify(value, limit=None, fallback="x")

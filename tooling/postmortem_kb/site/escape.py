"""Class-name tokens for the site (URL segments come from `scaffold.url_slug`).

Markdown text from data goes through `postmortem_kb.markdown_text.md_text`,
the one escaper; slugs come from `scaffold.slugify`, the one slug function.
"""

from __future__ import annotations

import re

__all__ = ["css_token"]


def css_token(value: str) -> str:
    """A value reduced to characters that are safe in a class name."""
    return re.sub(r"[^a-z0-9-]+", "-", value.lower()).strip("-") or "none"

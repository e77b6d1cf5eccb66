"""The HTML the site writes itself (header card, listings, badges, ledger...): Jinja2 templates, escaped by default.

The templates live in `site/templates/`. Every value a template prints is
text unless it is already `Markup` (another fragment, or a `|safe` the
template shows): text is escaped (`<`, `>`, `&` and both quotes) and its
whitespace collapsed to single spaces. Collapsing matters beyond looks: a
fragment also sits in markdown as a raw HTML block (`postmortem generate`),
which a blank line would end, letting the rest be read as markdown.

One environment, built once; `fragment` renders a template by name.
"""

from __future__ import annotations

import functools
import html
import re

import jinja2
from markupsafe import Markup

# A value the postmortem does not give: shown as such, never guessed.
MISSING = "—"


def _as_text(value: object) -> object:
    """What `{{ value }}` prints: Markup as it is, anything else escaped with its whitespace collapsed."""
    if hasattr(value, "__html__"):
        return value
    text = str(value)
    # Every value of every fragment passes here: collapse only when there is something to collapse.
    if _SPACING.search(text):
        text = " ".join(text.split())
    return _Escaped(html.escape(text, quote=True))


class _Escaped(str):
    """Text `_as_text` has escaped: Jinja's autoescape takes it as it is (cheaper than a second Markup)."""

    def __html__(self) -> str:
        return self


# A whitespace character other than a single inner space.
_SPACING = re.compile(r"^\s|\s$|\s\s|[^\S ]")


# Pagefind's UI writes filter values into the page as HTML (its results,
# titles and excerpts it escapes), and Pagefind decodes entities in them, so
# escaping cannot protect a filter value: the characters that start markup
# become their full-width look-alikes instead ("<b>" shows as "＜b＞").
_FILTER_SAFE = str.maketrans({"<": "＜", ">": "＞", "&": "＆"})


def pagefind_filter(value: str) -> str:
    """A value for `data-pagefind-filter`, safe in Pagefind's filter list (see above)."""
    return value.translate(_FILTER_SAFE)


_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("postmortem_kb.site", "templates"),
    autoescape=True,
    finalize=_as_text,
    # The templates ship with the package and do not change while it runs:
    # no file check on every fragment.
    auto_reload=False,
    # Templates are written one element a line; block tags take no line of their own.
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)
_ENVIRONMENT.filters["pagefind_filter"] = pagefind_filter
_ENVIRONMENT.globals["MISSING"] = MISSING


def fragment(name: str, **values: object) -> Markup:
    """Template `name` rendered with `values`: finished HTML."""
    return Markup(_template(name).render(**values))


@functools.lru_cache(maxsize=None)
def _template(name: str) -> jinja2.Template:
    return _ENVIRONMENT.get_template(name)

"""Make author-supplied text safe to place in generated markdown.

Front matter is data, never markup: every value goes through `md_text`,
which turns `<`, `>` and `&` into entities (so no HTML survives) and
backslash-escapes markdown punctuation (so a title cannot turn into a link
or a table cell break).

Sites built by other hands enable more syntax: Backstage TechDocs turns on
pymdownx.magiclink (bare URLs and e-mail addresses become links),
pymdownx.emoji (`:fire:` becomes an image from a CDN), mark (`==x==`) and
caret (`^^x^^`, `^x^`), and a team's own mkdocs.yml may too. Python-Markdown
has no backslash escape for `:`, `@`, `^` or `==`, so they are written as
numeric character references, which every browser and search indexer reads
back as the same character, and which no inline pattern matches. A lone `=`
starts nothing and stays as it is.
"""

from __future__ import annotations

import functools
import hashlib
import html
import re
import unicodedata

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")
_EXTENSION_SPECIALS = str.maketrans({":": "&#58;", "@": "&#64;", "^": "&#94;"})
_DOUBLED_EQUALS = re.compile(r"={2,}")


def md_text(value: object) -> str:
    return _md_text(str(value))


# Titles and summaries repeat on every index a postmortem is listed on;
# escaping is a pure function of the text, so it is computed once.
@functools.lru_cache(maxsize=65536)
def _md_text(value: str) -> str:
    text = " ".join(value.split())  # newlines would end a table row or paragraph
    escaped = _MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(text, quote=False))
    # After the backslashes: the references' own `#` must stay as written.
    escaped = _DOUBLED_EQUALS.sub(lambda run: "&#61;" * len(run.group()), escaped)
    return escaped.translate(_EXTENSION_SPECIALS)


def css_token(value: str) -> str:
    """A value reduced to characters that are safe in a class name."""
    return re.sub(r"[^a-z0-9-]+", "-", value.lower()).strip("-") or "none"


@functools.lru_cache(maxsize=8192)  # tags and services: a few hundred values, on every page that lists them
def url_slug(value: str) -> str:
    """The permanent URL segment for a tag or service: /tags/<slug>/."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "x-" + hashlib.sha1(value.encode("utf-8")).hexdigest()[:8]

"""The one escaper for text that becomes markdown: data shows as written, never as markup.

Every face that puts someone else's text into markdown (a chat message
imported into a timeline, a CSV cell, a front matter value on a generated
page, an action-item cell) goes through `md_text`. It must hold against
every extension a site may turn on, not only CommonMark:

- HTML: `<`, `>` and `&` become entities, so no tag (`<div markdown>`,
  `<script>`) survives;
- CommonMark and Python-Markdown punctuation is backslash-escaped: emphasis,
  code, links and images, headings, lists, tables (`|`), attr_list's
  `{: onfocus=... }` and `{#id .class}`, toc's `[TOC]`, footnotes `[^1]`,
  abbreviations `*[X]:`, admonitions `!!! note`, keys `++ctrl++`;
- characters Python-Markdown has no backslash escape for, but which
  extensions read (`:emoji:`, magiclink's `user@host` and `scheme:`, mark's
  `==`, caret's `^^`, tilde's `~~`), become numeric character references:
  every browser and search indexer reads them back as the same character,
  and no inline pattern matches them.

Whitespace runs (newlines included) become one space: the text always sits
inside one line, a table cell or a list item.

The other way, `link_labels` reads a line of someone's markdown as words:
each link or image becomes its label.
"""

from __future__ import annotations

import functools
import re

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_BACKSLASHED = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")
_REFERENCES = str.maketrans({":": "&#58;", "@": "&#64;", "^": "&#94;", "=": "&#61;", "~": "&#126;"})


def md_text(value: object) -> str:
    """`value` as markdown that renders as exactly that text, on one line."""
    return _md_text(str(value))


# Titles and summaries repeat on every index a postmortem is listed on;
# escaping is a pure function of the text, so it is computed once.
@functools.lru_cache(maxsize=65536)
def _md_text(value: str) -> str:
    text = " ".join(_CONTROL.sub(" ", value).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _BACKSLASHED.sub(r"\\\1", text)
    # After the backslashes: the references' own `#` must stay as written.
    return text.translate(_REFERENCES)


def link_labels(text: str) -> str:
    """`text` with each markdown link or image replaced by its label (`[Omar](mailto:o@x)` -> `Omar`)."""
    return _LINK.sub(r"\1", text)

"""A generated page as markdown lines and HTML blocks, and the two ways to put it together.

Listings, header cards and related-incident lists are HTML that we build
ourselves: every value escaped, every link already resolved (`urls.href`).
`as_markdown` writes them inline as raw HTML blocks, which any builder shows
as they are (`postmortem generate`, and the page text `render_site` returns).

`deferred` is for the MkDocs plugin. It leaves a placeholder word where
each block goes, so Python-Markdown renders only the author's text, and the
plugin puts the blocks in afterwards (`DeferredPage.restore_*`). Python-Markdown would pass the
blocks through unchanged anyway, but only after reading every tag of them
with its HTML parser: on a 5,000-postmortem site that re-reading cost more
than rendering the postmortems themselves. The final HTML is the same.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

# When a block goes into a page built by MkDocs:
#   CONTENT: into the page's HTML straight after rendering, so the search
#            index and every later plugin see it (header card, related list);
#   OUTPUT:  only into the written file, after the search index and the
#            theme have been through the page (long listings, which repeat
#            the titles and summaries the postmortem pages already index).
CONTENT = "content"
OUTPUT = "output"


@dataclass(frozen=True)
class HtmlBlock:
    """Finished HTML that sits on lines of its own in a page."""

    html: str
    # How the block is written in markdown when that differs from `html`:
    # the opening tag of a wrapper whose inside md_in_html must still render.
    markdown: str | None = None
    stage: str = CONTENT
    # False for the tags of a wrapper around markdown (the timeline's div),
    # which md_in_html writes without the blank line Python-Markdown puts
    # after a raw HTML block; `restore_*` follow suit, so that a page comes
    # out byte for byte as when the blocks are inline (`as_markdown`).
    raw_block: bool = True

    @property
    def as_markdown(self) -> str:
        return self.html if self.markdown is None else self.markdown


@dataclass
class PageSource:
    """A page's lines (joined with newlines); an HtmlBlock must have blank lines around it."""

    parts: list[str | HtmlBlock] = field(default_factory=list)

    def as_markdown(self) -> str:
        return "\n".join(part if isinstance(part, str) else part.as_markdown for part in self.parts)

    def deferred(self, token: str) -> "DeferredPage":
        lines: list[str] = []
        blocks: list[tuple[str, HtmlBlock]] = []
        for part in self.parts:
            if isinstance(part, str):
                lines.append(part)
                continue
            marker = placeholder(token, len(blocks))
            blocks.append((marker, part))
            lines.append(marker)
        return DeferredPage("\n".join(lines), blocks)


def placeholder(token: str, number: int) -> str:
    # A word alone on its line is a paragraph to Python-Markdown, which it
    # renders as <p>word</p> at almost no cost (an HTML comment, a raw block,
    # costs it ten times more). Letters and digits only, so no extension
    # reads anything into it; the per-build token keeps an author's text
    # from ever matching.
    return f"pmblock{token}n{number}"


def new_token() -> str:
    return secrets.token_hex(8)


class MissingPlaceholder(Exception):
    """A block's placeholder is not in the rendered HTML: the block would be lost."""


def _swap(html: str, old: str, new: str, blank_line_after: bool = False) -> str:
    at = html.find(old)
    if at < 0:
        raise MissingPlaceholder(old)
    end = at + len(old)
    if blank_line_after and html[end:].strip():
        new += "\n"  # as after a raw HTML block, unless it ends the page
    return html[:at] + new + html[end:]


@dataclass
class DeferredPage:
    """The markdown MkDocs renders, and the blocks that replace its placeholders."""

    markdown: str
    blocks: list[tuple[str, HtmlBlock]]

    def restore_content(self, html: str) -> str:
        """Right after rendering: CONTENT blocks in place; OUTPUT placeholders hidden from the search index."""
        for marker, block in self.blocks:
            content = block.html if block.stage == CONTENT else f"<!--{marker}-->"
            html = _swap(html, f"<p>{marker}</p>", content, blank_line_after=block.raw_block)
        return html

    def restore_output(self, html: str) -> str:
        """In the written page: OUTPUT blocks in place. Never drops a block silently."""
        for marker, block in self.blocks:
            if block.stage == OUTPUT:
                html = _swap(html, f"<!--{marker}-->", block.html)
        return html

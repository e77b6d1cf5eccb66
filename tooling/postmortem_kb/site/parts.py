"""A generated page: markdown lines and blocks of finished HTML, and the two ways a builder gets them.

The HTML blocks (header card, listings, related incidents; see
`fragments`) are built by us, every value escaped and every link resolved
for the site's URL style (`urls.href`).

- `as_markdown()` writes the blocks inline, as raw HTML blocks, which any
  builder shows as they are: `postmortem generate` writes this, and
  `render_site` returns it.
- `for_mkdocs()` is for the plugin: MkDocs renders the markdown without the
  blocks, and `MkDocsPage.finish` puts them into the rendered HTML where
  Python-Markdown would have put them. Python-Markdown passes a raw HTML
  block through unchanged, but only after reading every tag of it with its
  HTML parser, and the search plugin reads the page's HTML once more: for
  long listings and header cards that was the dearest part of a build.

`finish` needs no marker in the text. Where a block goes is part of the
page's shape, which `Block.at` names: at the top (after the page's own H1
when it opens with one), at the end, or at the end of the `## ` section it
sits in, for pages whose every line is ours. The result is the HTML of
the inline markdown, byte for byte (tests/site/test_site_parts.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

TOP = "top"  # first in the page, or straight after its H1 (`after_h1`)
END = "end"  # after everything else
SECTION_END = "section end"  # before the next `## ` heading, or at the end

# Where an h2 element starts in Python-Markdown's output: every top-level
# element begins a line.
_H2_START = re.compile(r"(?:^|\n)<h2[\s>]")


@dataclass(frozen=True)
class Block:
    """Finished HTML that sits on lines of its own in a page; `at` says where (TOP, END, SECTION_END)."""

    html: str
    at: str = END


@dataclass
class PageSource:
    """A page's lines (joined with newlines); a Block must have blank lines around it.

    `after_h1`: the page's markdown opens with a level-1 heading (the
    author's own title), which TOP blocks follow.
    """

    parts: list[str | Block] = field(default_factory=list)
    after_h1: bool = False

    def as_markdown(self) -> str:
        """The page with its blocks inline: what a builder without our plugin reads."""
        return "\n".join(part if isinstance(part, str) else part.html for part in self.parts)

    def for_mkdocs(self) -> MkDocsPage:
        """The markdown MkDocs renders, and where each block goes in the result."""
        lines: list[str] = []
        top: list[str] = []
        end: list[str] = []
        sections: dict[int, list[str]] = {}
        headings = 0
        for part in self.parts:
            if isinstance(part, str):
                lines.append(part)
                headings += part.startswith("## ")
            elif part.at == TOP:
                top.append(part.html)
            elif part.at == SECTION_END:
                sections.setdefault(headings, []).append(part.html)
            else:
                end.append(part.html)
        return MkDocsPage("\n".join(lines), tuple(top), tuple(end), sections, headings, self.after_h1)


@dataclass(frozen=True)
class MkDocsPage:
    markdown: str
    top: tuple[str, ...] = ()
    end: tuple[str, ...] = ()
    # Section number (0 before the first `## ` heading) -> blocks at its end.
    sections: dict[int, list[str]] = field(default_factory=dict)
    headings: int = 0
    after_h1: bool = False

    @property
    def has_blocks(self) -> bool:
        return bool(self.top or self.end or self.sections)

    def finish(self, html: str) -> str:
        """The rendered markdown with every block in its place, as if the blocks had been inline."""
        if not self.has_blocks:
            return html
        gaps: list[tuple[int, list[str]]] = []  # (position in html, blocks), in page order
        if self.top:
            gaps.append((_after_first_h1(html) if self.after_h1 else 0, list(self.top)))
        if self.sections:
            starts = [match.start() for match in _H2_START.finditer(html)]
            if len(starts) != self.headings:
                raise PageShapeError(f"expected {self.headings} level-2 headings, found {len(starts)}")
            bounds = starts + [len(html)]
            gaps += [(bounds[number], blocks) for number, blocks in sorted(self.sections.items())]
        if self.end:
            gaps.append((len(html), list(self.end)))
        out, done = [], 0
        for at, blocks in _merged(gaps):
            before, rest = html[done:at], html[at:]
            out.append(before)
            # Python-Markdown separates top-level elements with a newline and
            # ends a raw HTML block with one of its own, unless it ends the page.
            if at > 0:
                out.append("\n")
            out.append("\n\n".join(blocks))
            if rest:
                out.append("\n" if rest.startswith("\n") else "\n\n")
            done = at
        out.append(html[done:])
        return "".join(out)


class PageShapeError(Exception):
    """The rendered page does not have the shape its blocks were placed by (a plugin changed it)."""


def _after_first_h1(html: str) -> int:
    end = html.find("</h1>")
    if end < 0:
        raise PageShapeError("the page's opening heading is missing")
    return end + len("</h1>")


def _merged(gaps: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """Blocks that land on the same spot, in page order, as one run."""
    merged: list[tuple[int, list[str]]] = []
    for at, blocks in sorted(gaps, key=lambda gap: gap[0]):
        if merged and merged[-1][0] == at:
            merged[-1][1].extend(blocks)
        else:
            merged.append((at, list(blocks)))
    return merged

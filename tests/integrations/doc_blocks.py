"""The fenced code blocks of a docs page, read with markdown-it, so tests can run what the docs say.

A block may carry a directive in an HTML comment just before it (invisible
on the site): `<!-- file: .remarkrc.json -->` names the file the block is,
`<!-- tutorial: not run, ... -->` tells the tutorial test to skip it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt


@dataclass(frozen=True)
class Block:
    language: str
    text: str
    line: int  # of the opening fence, 1-based
    directive: str  # the HTML comment just before the block, without <!-- -->; "" when none


def code_blocks(page: Path) -> list[Block]:
    blocks: list[Block] = []
    directive = ""
    for token in MarkdownIt("commonmark").parse(page.read_text(encoding="utf-8")):
        if token.type == "html_block" and token.content.strip().startswith("<!--"):
            directive = token.content.strip().removeprefix("<!--").removesuffix("-->").strip()
            continue
        if token.type == "fence":
            blocks.append(Block(token.info.strip(), token.content, token.map[0] + 1, directive))
        directive = ""
    return blocks


def named_files(page: Path) -> dict[str, str]:
    """The blocks marked `<!-- file: NAME -->`, by NAME."""
    return {block.directive.removeprefix("file:").strip(): block.text
            for block in code_blocks(page) if block.directive.startswith("file:")}

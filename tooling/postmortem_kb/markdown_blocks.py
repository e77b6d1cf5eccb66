"""A postmortem body as a flat list of top-level blocks with file line spans.

markdown-it-py tokenizes the body once (block rules only: the model needs
the raw text of headings, cells, items and paragraphs, never their inline
structure); this module walks the tokens once and keeps what the readers of
sections, timelines and action items look at. Blocks inside a quote are
left out: a quoted timeline belongs to whoever is quoted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markdown_it import MarkdownIt

_block_parser: MarkdownIt | None = None


def _parser() -> MarkdownIt:
    """CommonMark with tables and strikethrough, without the inline pass or markdown-it's own normalising.

    Skipping the inline pass makes loading (and so lint) about a third
    cheaper; an inline token still carries its raw `content`. The
    normalising (line breaks, NUL characters) is done by `block_tokens`
    only on a text that needs it: markdown-it rewrites every line break.
    """
    global _block_parser
    if _block_parser is None:
        _block_parser = MarkdownIt("commonmark").enable(["table", "strikethrough"]).disable(
            ["normalize", "inline", "text_join"])
    return _block_parser


def block_tokens(body: str) -> list:
    """markdown-it's block tokens of `body`; their `map`s count lines as markdown does."""
    if "\r" in body:
        body = body.replace("\r\n", "\n").replace("\r", "\n")
    if "\0" in body:
        body = body.replace("\0", "\ufffd")
    return _parser().parse(body)


@dataclass
class Heading:
    level: int
    text: str
    line: int
    end_line: int  # a setext heading's underline is its second line


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]
    line: int
    end_line: int


@dataclass
class ListItem:
    line: int
    end_line: int
    text: str  # the item's first paragraph, as written
    depth: int  # 0 for an item of a top-level list
    parent: int | None  # index of the enclosing item in the block's `items`


@dataclass
class ListBlock:
    items: list[ListItem]
    line: int
    end_line: int


@dataclass
class Paragraph:
    text: str
    line: int
    end_line: int

    def lines(self) -> list[tuple[int, str]]:
        """(file line, text) for each line; markdown-it strips each line's indent."""
        return [(self.line + n, text) for n, text in enumerate(self.text.split("\n"))]


@dataclass
class Other:
    """A code block, quote, HTML block or rule: it takes lines, holds no rows."""

    kind: str
    line: int
    end_line: int


Block = Heading | Table | ListBlock | Paragraph | Other


@dataclass
class Document:
    blocks: list[Block] = field(default_factory=list)

    @property
    def headings(self) -> list[Heading]:
        return [block for block in self.blocks if isinstance(block, Heading)]

    def between(self, first: int, last: int) -> list[Block]:
        """Blocks that start on file lines first..last (inclusive)."""
        return [block for block in self.blocks if first <= block.line <= last]


def read_blocks(body: str, first_line: int) -> Document:
    """The top-level blocks of `body`, whose first line is file line `first_line`."""
    tokens = block_tokens(body)
    doc = Document()
    i, count = 0, len(tokens)
    while i < count:
        token = tokens[i]
        kind = token.type
        start, end = _span(token, first_line)
        if kind == "heading_open":
            doc.blocks.append(Heading(int(token.tag[1]), tokens[i + 1].content.strip(), start, end))
            i += 3
        elif kind == "paragraph_open":
            doc.blocks.append(Paragraph(tokens[i + 1].content, start, end))
            i += 3
        elif kind == "table_open":
            table, i = _read_table(tokens, i, first_line)
            table.line, table.end_line = start, end
            doc.blocks.append(table)
        elif kind in ("bullet_list_open", "ordered_list_open"):
            items, i = _read_list(tokens, i, first_line)
            doc.blocks.append(ListBlock(items, start, end))
        elif kind.endswith("_open"):
            close = _matching_close(tokens, i)
            doc.blocks.append(Other(kind[: -len("_open")], start, end))
            i = close + 1
        else:
            if token.map:
                doc.blocks.append(Other(kind, start, end))
            i += 1
    return doc


def _span(token, first_line: int) -> tuple[int, int]:
    if not token.map:
        return first_line, first_line
    return token.map[0] + first_line, max(token.map[0], token.map[1] - 1) + first_line


def _matching_close(tokens: list, i: int) -> int:
    level = tokens[i].level
    close = tokens[i].type.replace("_open", "_close")
    j = i + 1
    while j < len(tokens) and not (tokens[j].type == close and tokens[j].level == level):
        j += 1
    return j


# Most of a table's tokens open or close a cell; they carry nothing to read.
_CELL_EDGES = frozenset({"td_open", "td_close", "th_open", "th_close"})


def _read_table(tokens: list, i: int, first_line: int) -> tuple[Table, int]:
    table = Table(header=[], rows=[], line=0, end_line=0)
    row: list[str] | None = None
    row_line = 0
    in_head = False
    for j in range(i + 1, len(tokens)):
        token = tokens[j]
        kind = token.type
        if kind in _CELL_EDGES:
            continue
        if kind == "inline":
            if row is not None:
                row.append(token.content.strip())
        elif kind == "tr_open":
            row = []
            row_line = token.map[0] + first_line if token.map else first_line
        elif kind == "tr_close":
            if row is not None:
                if in_head:
                    table.header = row
                else:
                    table.rows.append((row_line, row))
            row = None
        elif kind == "thead_open":
            in_head = True
        elif kind == "thead_close":
            in_head = False
        elif kind == "table_close":
            return table, j + 1
    return table, len(tokens) + 1


def _read_list(tokens: list, i: int, first_line: int) -> tuple[list[ListItem], int]:
    """Every item of the list at `i` and of the lists nested in it, in document order."""
    outer_level = tokens[i].level
    close = tokens[i].type.replace("_open", "_close")
    items: list[ListItem] = []
    open_items: list[int] = []  # indexes of the items we are inside, innermost last
    waiting_text: int | None = None  # an item whose first paragraph has not come yet
    i += 1
    while i < len(tokens):
        token = tokens[i]
        kind = token.type
        if kind == close and token.level == outer_level:
            break
        if kind == "list_item_open":
            start, end = _span(token, first_line)
            parent = open_items[-1] if open_items else None
            items.append(ListItem(start, end, "", len(open_items), parent))
            open_items.append(len(items) - 1)
            waiting_text = len(items) - 1
        elif kind == "list_item_close":
            if open_items:
                open_items.pop()
            waiting_text = None
        elif kind == "inline" and waiting_text is not None:
            items[waiting_text].text = token.content.strip()
            waiting_text = None
        elif kind in ("bullet_list_open", "ordered_list_open", "blockquote_open", "fence", "code_block"):
            # A nested block before the item's own text: the item has none.
            if kind in ("blockquote_open", "fence", "code_block"):
                waiting_text = None
        i += 1
    return items, i + 1

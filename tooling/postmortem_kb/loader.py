"""Load a postmortem file into the model, once.

python-frontmatter splits and reads the front matter; markdown-it-py tokenizes
the body. One pass over the tokens yields the sections, the timeline and the
action items. A file that cannot be read or parsed becomes a `Diagnostic`
with its path and line, never an exception.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from markdown_it import MarkdownIt

from postmortem_kb.config import KBConfig, normalise_heading
from postmortem_kb.model import ERROR, ActionItem, Diagnostic, Postmortem, Section, TimelineEvent, as_date
from postmortem_kb.times import BULLET_TIME, TimeResolver, postmortem_zone

# Larger files are refused rather than parsed: a postmortem is prose, and a
# multi-megabyte paste of logs would stall lint and the site for everyone.
MAX_FILE_BYTES = 5 * 1024 * 1024

# YAML aliases let a few lines of front matter stand for billions of values
# ("billion laughs"); the loader builds shared references cheaply, but any
# face that walks or prints the values would not survive them.
MAX_META_VALUES = 10_000

_YAML = frontmatter.YAMLHandler()
_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")
_parser: MarkdownIt | None = None


def markdown_parser() -> MarkdownIt:
    global _parser
    if _parser is None:
        _parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    return _parser


_block_parser: MarkdownIt | None = None


def block_parser() -> MarkdownIt:
    """The same grammar without the inline pass.

    The model needs only block structure and the raw text of headings,
    cells and list items (an inline token's `content`), never its children;
    skipping the inline pass makes loading (and so lint) about a third
    cheaper. Faces that need inline tokens use `markdown_parser()`.
    """
    global _block_parser
    if _block_parser is None:
        _block_parser = MarkdownIt("commonmark").enable(["table", "strikethrough"]).disable(["inline", "text_join"])
    return _block_parser


def load_postmortem(path: Path, config: KBConfig, display: str | None = None, *,
                    parse_body: bool = True) -> Postmortem:
    """Read and parse one file; problems become diagnostics on the result.

    With `parse_body=False` the body is kept as text but not tokenized (no
    sections, timeline or action items until `read_body`): the front matter
    alone decides whether a file loads, so that is all a caller needs to
    plan the site's pages.
    """
    shown = display or path.as_posix()
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _failed(path, shown, 1, "load-read", f"cannot read the file: {exc.strerror or exc}")
    return load_postmortem_bytes(data, path, config, shown, parse_body=parse_body)


def load_postmortem_bytes(data: bytes, path: Path, config: KBConfig, display: str | None = None, *,
                          parse_body: bool = True) -> Postmortem:
    """`load_postmortem` for a file already read (lint reads it once, to hash it too)."""
    shown = display or path.as_posix()
    if len(data) > MAX_FILE_BYTES:
        return _failed(
            path, shown, 1, "load-size",
            f"the file is {len(data) / 1_048_576:.1f} MB, over the {MAX_FILE_BYTES // 1_048_576} MB limit; "
            "move logs and dumps to attachments and link them",
        )
    if b"\x00" in data[:8192]:
        return _failed(path, shown, 1, "load-binary", "this is a binary file, not a markdown postmortem")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return _failed(
            path, shown, line, "load-encoding",
            f"byte 0x{data[exc.start]:02x} at offset {exc.start} is not UTF-8; re-save the file as UTF-8",
        )
    return parse_postmortem(text, path, config, shown, parse_body=parse_body)


def _failed(path: Path, shown: str, line: int, rule: str, message: str) -> Postmortem:
    pm = Postmortem(path=path, id=path.stem, failed=True)
    pm.diagnostics.append(Diagnostic(shown, line, rule, ERROR, message))
    return pm


def parse_postmortem(text: str, path: Path, config: KBConfig, display: str | None = None, *,
                     parse_body: bool = True) -> Postmortem:
    shown = display or path.as_posix()
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    pm = Postmortem(path=path, id=path.stem)
    body, body_line = text, 1
    if _YAML.detect(text):
        split = _split_front_matter(text)
        if split is None:
            pm.failed = True
            pm.diagnostics.append(
                Diagnostic(shown, 1, "load-front-matter", ERROR, "front matter opened with '---' is never closed")
            )
            return pm
        fm_text, body, body_line = split
        meta = _load_yaml(fm_text, pm, shown)
        if meta is None:
            return pm
        pm.meta = meta
        pm.meta_lines = _key_lines(fm_text)
    pm.body, pm.body_line = body, body_line
    if parse_body:
        read_body(pm, config)
    return pm


def _split_front_matter(text: str) -> tuple[str, str, int] | None:
    try:
        fm_text, content = _YAML.split(text)
    except ValueError:
        return None
    body_offset = len(text) - len(content)
    return fm_text, content, text.count("\n", 0, body_offset) + 1


def _load_yaml(fm_text: str, pm: Postmortem, shown: str) -> dict[str, Any] | None:
    try:
        meta = _YAML.load(fm_text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # The split keeps the newline after the opening "---", so the front
        # matter text starts on file line 1.
        line = 1 + mark.line if mark else 1
        # An unclosed bracket is reported at the end of the input, which is
        # the closing '---'; point at the last line of the front matter.
        line = max(1, min(line, fm_text.count("\n")))
        reason = exc.problem or str(exc)
        pm.failed = True
        pm.diagnostics.append(Diagnostic(shown, line, "load-yaml", ERROR, f"front matter is not valid YAML: {reason}"))
        return None
    except (yaml.YAMLError, RecursionError, ValueError, OverflowError) as exc:
        pm.failed = True
        pm.diagnostics.append(Diagnostic(shown, 1, "load-yaml", ERROR, f"front matter is not valid YAML: {exc}"))
        return None
    if meta is None:
        return {}
    if expanded_size(meta, MAX_META_VALUES) > MAX_META_VALUES:
        pm.failed = True
        pm.diagnostics.append(Diagnostic(
            shown, 1, "load-yaml", ERROR,
            f"front matter expands to more than {MAX_META_VALUES:,} values (YAML aliases such as "
            "'&a' / '*a' repeated); write the values out instead of aliasing them",
        ))
        return None
    if not isinstance(meta, dict):
        pm.failed = True
        pm.diagnostics.append(
            Diagnostic(shown, 2, "load-front-matter", ERROR,
                       f"front matter must be a mapping of keys to values, not a {type(meta).__name__}")
        )
        return None
    return {str(k): v for k, v in meta.items()}


def expanded_size(value: Any, limit: int) -> int:
    """How many values `value` holds once aliases are expanded, capped past `limit`.

    Shared (aliased) containers are sized once and memoised by identity, so
    this runs in time linear in the YAML text, not in the expansion.
    """
    sizes: dict[int, int] = {}

    def size(node: Any, depth: int) -> int:
        if depth > 100:
            return limit + 1
        if isinstance(node, dict):
            items = [*node.keys(), *node.values()]
        elif isinstance(node, list):
            items = node
        else:
            return 1
        key = id(node)
        if key not in sizes:
            total = 1
            for item in items:
                total += size(item, depth + 1)
                if total > limit:
                    break
            sizes[key] = total
        return sizes[key]

    return size(value, 0)


def _key_lines(fm_text: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    for number, line in enumerate(fm_text.split("\n"), start=1):
        match = _TOP_KEY.match(line)
        if match:
            lines.setdefault(match.group(1), number)
    return lines


# -- body -----------------------------------------------------------------


@dataclass
class _Table:
    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


@dataclass
class _ListItem:
    line: int
    text: str


def read_body(pm: Postmortem, config: KBConfig) -> None:
    """Sections, timeline and action items from `pm.body` (once per postmortem)."""
    tokens = block_parser().parse(pm.body)
    offset = pm.body_line
    lines = pm.body.split("\n")
    headings: list[tuple[int, int, str]] = []  # (level, body-relative line, text)
    blocks: list[tuple[int, _Table | list[_ListItem]]] = []  # (heading index, block)
    i, count = 0, len(tokens)
    while i < count:
        token = tokens[i]
        kind = token.type
        if kind == "heading_open":
            headings.append((int(token.tag[1]), token.map[0], tokens[i + 1].content))
            i += 3
        elif kind == "table_open":
            table, i = _read_table(tokens, i, offset)
            blocks.append((len(headings) - 1, table))
        elif kind in ("bullet_list_open", "ordered_list_open"):
            items, i = _read_list(tokens, i, offset)
            blocks.append((len(headings) - 1, items))
        else:
            i += 1

    heading_map = config.heading_map()
    pm.sections = _sections(headings, lines, offset, heading_map)
    owner = _top_level_owner(pm.sections)
    for heading_index, block in blocks:
        if heading_index < 0:
            continue
        section = pm.sections[owner[heading_index]]
        if section.canonical == "Timeline" and not pm.timeline:
            _read_timeline(pm, block, config)
            if pm.timeline:
                pm.timeline_line = block.rows[0][0] if isinstance(block, _Table) and block.rows else None
        elif section.canonical == "Action items":
            _read_actions(pm, block)


def _read_table(tokens: list, i: int, offset: int) -> tuple[_Table, int]:
    table = _Table(header=[])
    row: list[str] | None = None
    row_line = 0
    in_head = False
    i += 1
    while i < len(tokens) and tokens[i].type != "table_close":
        kind = tokens[i].type
        if kind == "thead_open":
            in_head = True
        elif kind == "thead_close":
            in_head = False
        elif kind == "tr_open":
            row = []
            row_line = tokens[i].map[0] + offset if tokens[i].map else offset
        elif kind == "inline" and row is not None:
            row.append(tokens[i].content.strip())
        elif kind == "tr_close" and row is not None:
            if in_head:
                table.header = row
            else:
                table.rows.append((row_line, row))
            row = None
        i += 1
    return table, i + 1


def _read_list(tokens: list, i: int, offset: int) -> tuple[list[_ListItem], int]:
    opener = tokens[i]
    close = opener.type.replace("_open", "_close")
    items: list[_ListItem] = []
    item_level = opener.level + 1
    pending: int | None = None
    i += 1
    while i < len(tokens):
        token = tokens[i]
        if token.type == close and token.level == opener.level:
            break
        if token.type == "list_item_open" and token.level == item_level:
            pending = token.map[0] + offset if token.map else offset
        elif token.type == "inline" and pending is not None:
            items.append(_ListItem(pending, token.content.strip()))
            pending = None
        elif token.type == "list_item_close" and token.level == item_level and pending is not None:
            items.append(_ListItem(pending, ""))
            pending = None
        i += 1
    return items, i + 1


def _sections(headings: list[tuple[int, int, str]], lines: list[str], offset: int,
              heading_map: dict[str, str]) -> list[Section]:
    # A lone leading H1 is the document's title, not a section.
    levels = [level for level, _, _ in headings]
    title_index = 0 if levels and levels[0] == 1 and levels.count(1) == 1 else None
    section_levels = [lvl for n, lvl in enumerate(levels) if n != title_index]
    top = min(section_levels) if section_levels else 2
    sections: list[Section] = []
    for n, (level, start, text) in enumerate(headings):
        end = len(lines)
        for later_level, later_start, _ in headings[n + 1:]:
            if later_level <= level:
                end = later_start
                break
        # The body runs to the next heading of any level for "is it empty";
        # subsections count as content, so use the next heading at or above.
        body = "\n".join(lines[start + 1:end])
        sections.append(
            Section(
                heading=text,
                level=level,
                line=start + offset,
                body_start=start + 1 + offset,
                body_end=end - 1 + offset,
                body=body,
                canonical=heading_map.get(normalise_heading(text)),
                top_level=(n != title_index and level == top),
            )
        )
    return sections


def _top_level_owner(sections: list[Section]) -> list[int]:
    """For each heading, the index of the top-level section it falls under."""
    owner: list[int] = []
    current = 0
    for n, section in enumerate(sections):
        if section.top_level or not owner:
            current = n
        owner.append(current)
    return owner


_TIME_HEADER = re.compile(r"\b(time|when|timestamp|date)\b", re.IGNORECASE)
_EVENT_HEADER = re.compile(r"\b(event|description|what|details?|activity|action)\b", re.IGNORECASE)


def _read_timeline(pm: Postmortem, block: _Table | list[_ListItem], config: KBConfig) -> None:
    resolver = TimeResolver(as_date(pm.meta.get("date")), postmortem_zone(pm.meta, config["timezone"]))
    if isinstance(block, _Table):
        header = block.header
        time_col = next((n for n, h in enumerate(header) if _TIME_HEADER.search(h)), 0)
        event_col = next(
            (n for n, h in enumerate(header) if n != time_col and _EVENT_HEADER.search(h)),
            next((n for n in range(len(header)) if n != time_col), time_col),
        )
        for line, cells in block.rows:
            raw = cells[time_col] if time_col < len(cells) else ""
            text = cells[event_col] if event_col < len(cells) and event_col != time_col else ""
            when, error = resolver.resolve(raw)
            pm.timeline.append(TimelineEvent(line, raw, text, when, error))
        return
    for item in block:
        match = BULLET_TIME.match(item.text)
        if not match:
            # A bullet without a leading time is prose inside the timeline
            # ("All times in UTC"), not a broken row.
            continue
        when, error = resolver.resolve(match.group("time"))
        pm.timeline.append(TimelineEvent(item.line, match.group("time"), match.group("text").strip(), when, error))
    if pm.timeline:
        pm.timeline_line = pm.timeline[0].line


# Header keywords for each action-item field, tried in this order so that
# "Due date" lands on `due` and not on a generic "date" match elsewhere.
_ACTION_COLUMNS: list[tuple[str, re.Pattern[str]]] = [
    ("owner", re.compile(r"owner|assignee|who|responsible|\bdri\b", re.I)),
    ("due", re.compile(r"due|deadline|target|\bby\b|\bdate\b", re.I)),
    ("status", re.compile(r"status|state|done", re.I)),
    ("priority", re.compile(r"priority|\bprio\b|\bp\b", re.I)),
    ("ticket", re.compile(r"ticket|issue|link|jira|bug|tracking|\bid\b|\bref", re.I)),
    ("action", re.compile(r"action|item|task|description|what|follow|title|summary", re.I)),
]
_CHECKBOX = re.compile(r"^\[( |x|X)\]\s*")


def action_columns(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for n, name in enumerate(header):
        for field_name, pattern in _ACTION_COLUMNS:
            if field_name not in columns and pattern.search(name):
                columns[field_name] = n
                break
    if "action" not in columns:
        taken = set(columns.values())
        columns["action"] = next((n for n in range(len(header)) if n not in taken), 0)
    return columns


def _read_actions(pm: Postmortem, block: _Table | list[_ListItem]) -> None:
    if isinstance(block, _Table):
        columns = action_columns(block.header)
        for line, cells in block.rows:
            values = {name: (cells[col] if col < len(cells) else "") for name, col in columns.items()}
            if not any(values.values()):
                continue
            pm.actions.append(ActionItem(line=line, **values))
        return
    for item in block:
        text = item.text
        if not text:
            continue
        status = ""
        box = _CHECKBOX.match(text)
        if box:
            status = "done" if box.group(1).lower() == "x" else "open"
            text = text[box.end():]
        pm.actions.append(ActionItem(line=item.line, action=text, status=status, from_table=False))


def incident_window(pm: Postmortem) -> tuple[dt.datetime | None, dt.datetime | None]:
    return pm.moment("started_at"), pm.moment("resolved_at")

"""The timeline of a postmortem, in every shape people write one.

A timeline section (`## Timeline`, `## Timeline (all times PST)`, a
`### Timeline` inside an incident's own section; a file may hold several)
holds rows as a table; a bullet or numbered list, or several separated by
images and prose; one heading per time (`### 13:06` and prose under it);
or lines and paragraphs that start with a time (`**17:00** - ...`). Day
sub-headings (`### 2024-02-26`, `### Day 2`) and day lines set the date the
following times continue. Reading the times themselves is `times`; finding
the zone they are in is `zones`; this module walks the blocks.

A file with no timeline section still has one when a section holds a run
of rows that start with a time (three or more): old postmortems put it
under "What happened".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from postmortem_kb.config import KBConfig
from postmortem_kb.markdown_blocks import (
    Document,
    Heading,
    ListBlock,
    Other,
    Paragraph,
    Table,
)
from postmortem_kb.model import (
    Postmortem,
    Section,
    TimelineBlock,
    TimelineEvent,
    TimelineZone,
    as_date,
)
from postmortem_kb.times import (
    TimeResolver,
    TimeText,
    day_marker,
    leading_time,
    parse_time_cell,
)
from postmortem_kb.zones import (
    Zone,
    ZoneStatement,
    check_statement,
    find_zone_statements,
    zone_from_text,
    zone_of_meta,
)

TIMELINE = "Timeline"
# A section without "Timeline" in its name is read as one when it has this many timed rows.
MIN_UNTITLED_ROWS = 3

_TIME_HEADER = re.compile(r"\b(time|when|timestamp|date|hour|clock)\b", re.IGNORECASE)
_EVENT_HEADER = re.compile(r"\b(event|description|what|details?|activity|action|happened|note|update)\b",
                           re.IGNORECASE)
# Something that starts like a time but did not read as one ("14:??", "HH:mm"):
# a finding, not prose.
_LOOKS_TIMED = re.compile(r"^[\s*_`\[(~]*(?:\d{1,2}:(?:\d|\?|x|X)|[Hh]{1,2}:[Mm]{2})")


def read_timeline(pm: Postmortem, doc: Document, config: KBConfig) -> list[ZoneStatement]:
    """Fill `pm.timeline`, `pm.timeline_blocks`, `pm.timeline_zone`; return the zone statements used."""
    sections = _timeline_sections(pm.sections)
    zone, zone_info, statements = choose_zone(pm, sections, config)
    pm.timeline_zone = zone_info
    resolver = TimeResolver(as_date(pm.meta.get("date")), zone)
    if sections:
        for section in sections:
            _read_section(pm, doc, section, resolver)
    else:
        _read_untitled(pm, doc, config, resolver)
    if pm.timeline:
        pm.timeline_line = pm.timeline[0].line
    if statements and zone_info.source.startswith("statement"):
        on = next((event.time.date() for event in pm.timeline if event.time is not None), as_date(pm.meta.get("date")))
        notes = tuple(check_statement(statements[0], on))
        if notes:
            pm.timeline_zone = replace(zone_info, notes=notes)
    return statements


def _timeline_sections(sections: list[Section]) -> list[Section]:
    """Every Timeline section, outermost only (a Timeline inside a Timeline is part of it)."""
    found: list[Section] = []
    for section in sections:
        if section.canonical != TIMELINE:
            continue
        if found and found[-1].line < section.line <= found[-1].end_line:
            continue
        found.append(section)
    return found


# -- the zone -----------------------------------------------------------------


def choose_zone(pm: Postmortem, sections: list[Section],
                config: KBConfig) -> tuple[Zone | None, TimelineZone, list[ZoneStatement]]:
    """The zone of times without an offset, in the order: `timezone:`, a statement, `started_at`, config."""
    meta_zone, meta_source = zone_of_meta(pm.meta)
    if meta_zone is not None and meta_source == "front matter":
        return meta_zone, TimelineZone(meta_zone.name, "front matter", pm.meta_lines.get("timezone")), []
    statements = _statements(pm, sections)
    if statements:
        first = statements[0]
        return first.zone, TimelineZone(first.zone.name, f"statement at line {first.line}", first.line), statements
    if meta_zone is not None:
        return meta_zone, TimelineZone(meta_zone.name, meta_source, pm.meta_lines.get("started_at")), []
    configured = config.timezone
    if configured:
        zone = zone_from_text(configured)
        if zone is not None:
            return zone, TimelineZone(zone.name, "config"), []
    return None, TimelineZone(None, "none"), []


def _statements(pm: Postmortem, sections: list[Section]) -> list[ZoneStatement]:
    """Zone statements in the timeline's headings and sections, else in the text before the timeline.

    A statement after the timeline (in a quoted log, an appendix) is about
    something else; and not reading the rest keeps lint cheap.
    """
    lines = pm.body.split("\n")
    first = pm.body_line
    for section in sections:
        own = lines[section.line - first: section.end_line - first + 1]
        found = find_zone_statements(own, section.line)
        if found:
            return found
    before = lines[: sections[0].line - first] if sections else lines
    return find_zone_statements(before, first)


# -- walking a section ----------------------------------------------------------


def _read_section(pm: Postmortem, doc: Document, section: Section, resolver: TimeResolver) -> None:
    blocks = [block for block in doc.between(section.line + 1, section.end_line)]
    resolver.new_block()
    n = 0
    while n < len(blocks):
        block = blocks[n]
        if isinstance(block, Heading):
            n = _read_heading(pm, blocks, n, section, resolver)
            continue
        _read_block(pm, block, resolver)
        n += 1


def _read_heading(pm: Postmortem, blocks: list, n: int, section: Section, resolver: TimeResolver) -> int:
    """A sub-heading: a day, a time with the prose under it, or neither. Returns the next block's index."""
    heading: Heading = blocks[n]
    marker = day_marker(heading.text)
    if marker is not None:
        resolver.day(marker)
        return n + 1
    stamp = parse_time_cell(heading.text) or leading_time(heading.text)
    if stamp is None:
        return n + 1
    # The row runs over the prose under the heading, to the next heading.
    following = n + 1
    while following < len(blocks) and not isinstance(blocks[following], Heading):
        following += 1
    end_line = blocks[following].line - 1 if following < len(blocks) else section.end_line
    text = heading.text[stamp.end:].strip(" -–—:|")
    if not text:
        prose = next((b for b in blocks[n + 1: following] if isinstance(b, Paragraph)), None)
        text = " ".join(prose.text.split()) if prose else ""
    if _add(pm, resolver, stamp, text, heading.line, end_line, "heading") is not None:
        pm.timeline_blocks.append(TimelineBlock("heading", heading.line, end_line))
    return following


def _read_block(pm: Postmortem, block, resolver: TimeResolver) -> int:
    """Rows of one table, list or paragraph; the number found."""
    before = len(pm.timeline)
    if isinstance(block, Table):
        _read_table(pm, block, resolver)
        shape = "table"
    elif isinstance(block, ListBlock):
        _read_list(pm, block, resolver)
        shape = "list"
    elif isinstance(block, Paragraph):
        _read_paragraph(pm, block, resolver)
        shape = "line"
    else:
        return 0
    found = len(pm.timeline) - before
    # An empty `| Time | Event |` table is where the first rows go.
    empty_table = isinstance(block, Table) and not block.rows and any(_TIME_HEADER.search(h) for h in block.header)
    if found or empty_table:
        pm.timeline_blocks.append(TimelineBlock(shape, block.line, block.end_line))
    return found


# A column that says what each row is (an alert, a deploy ...).
_KIND_HEADER = re.compile(r"^\s*(kind|type|category)\s*$", re.IGNORECASE)


def time_column(header: list[str]) -> int:
    return next((n for n, name in enumerate(header) if _TIME_HEADER.search(name)), 0)


def _read_table(pm: Postmortem, table: Table, resolver: TimeResolver) -> None:
    header = table.header
    time_col = time_column(header)
    event_col = next(
        (n for n, name in enumerate(header) if n != time_col and _EVENT_HEADER.search(name)),
        next((n for n in range(len(header)) if n != time_col), time_col),
    )
    # A table whose first column holds a date and whose second holds the time.
    date_col = None
    if time_col + 1 < len(header) and re.search(r"\bdate\b", header[time_col], re.I) \
            and re.search(r"\btime\b", header[time_col + 1], re.I):
        date_col, time_col = time_col, time_col + 1
        if event_col == time_col:
            event_col = next((n for n in range(len(header)) if n not in (date_col, time_col)), time_col)
    kind_col = next((n for n, name in enumerate(header) if _KIND_HEADER.match(name)), None)
    for line, cells in table.rows:
        raw = cells[time_col] if time_col < len(cells) else ""
        if date_col is not None and date_col < len(cells) and cells[date_col].strip():
            raw = f"{cells[date_col].strip()} {raw}".strip()
        text = cells[event_col] if event_col < len(cells) and event_col != time_col else ""
        if not raw.strip() and not text.strip():
            continue
        stamp = parse_time_cell(raw)
        relative = None if stamp is not None else _add_relative(pm, raw, line, line, "table", event_text=text)
        event = relative or _add(pm, resolver, stamp, text, line, line, "table", raw=raw)
        if event is not None and kind_col is not None and kind_col < len(cells) and cells[kind_col].strip():
            event.kind = cells[kind_col].strip()


def _read_list(pm: Postmortem, block: ListBlock, resolver: TimeResolver) -> None:
    for item in block.items:
        stamp = leading_time(item.text)
        if stamp is not None:
            _add(pm, resolver, stamp, item.text[stamp.end:].strip(), item.line, item.end_line, "list")
            continue
        if _add_relative(pm, item.text, item.line, item.end_line, "list") is not None:
            continue
        marker = day_marker(item.text.rstrip(":"))
        if marker is not None:
            resolver.day(marker)
        elif _LOOKS_TIMED.match(item.text):
            _add(pm, resolver, None, item.text, item.line, item.end_line, "list", raw=item.text.split(" ", 1)[0])


def _read_paragraph(pm: Postmortem, paragraph: Paragraph, resolver: TimeResolver) -> None:
    lines = paragraph.lines()
    current: TimelineEvent | None = None
    for n, (line, text) in enumerate(lines):
        stamp = leading_time(text)
        if stamp is not None:
            current = _add(pm, resolver, stamp, text[stamp.end:].strip(), line, line, "line") or current
            continue
        relative = _add_relative(pm, text, line, line, "line")
        if relative is not None:
            current = relative
            continue
        if n == 0:
            marker = day_marker(text.strip().strip("*_").rstrip(":"))
            if marker is not None:
                resolver.day(marker)
                continue
        if current is not None and text.strip():
            # A row's text runs on until the next line that starts with a time.
            current.text = f"{current.text} {text.strip()}".strip()
            current.end_line = line


def _add(pm: Postmortem, resolver: TimeResolver, stamp: TimeText | None, text: str, line: int, end_line: int,
         shape: str, raw: str | None = None) -> TimelineEvent | None:
    """A row, unless the time is a date alone (it sets the day the next rows continue)."""
    raw = stamp.raw if raw is None and stamp is not None else (raw or "")
    resolved = resolver.resolve(stamp, raw)
    if resolved.at is None and resolved.error is None:
        return None
    event = TimelineEvent(line, raw, text, resolved.at, resolved.error, shape, end_line, resolved.crossed_midnight)
    pm.timeline.append(event)
    return event


# "T+45m", "T+1h30m", "T+0:45", "T + 2h", "T+1d": a time counted from the incident's start.
_RELATIVE = re.compile(
    r"^[\s*_`\[(]*T\s*\+\s*(?:(?P<h>\d{1,3}):(?P<hm>\d{2})"
    r"|(?:(?P<days>\d{1,3})\s*(?:d|days?))?\s*(?:(?P<hours>\d{1,3})\s*(?:h|hrs?|hours?))?"
    r"\s*(?:(?P<minutes>\d{1,4})\s*(?:m|mins?|minutes?)?)?)"
    r"(?!\w|:\d)[*_`\])]*\s*(?:[-:\u2013\u2014|]\s*)?",
    re.IGNORECASE,
)


def _relative_offset(written: str) -> tuple[dt.timedelta, int] | None:
    """(offset, where the text after it starts) of a time written as `T+...`, else None."""
    match = _RELATIVE.match(written)
    if match is None:
        return None
    if match.group("h") is not None:
        return dt.timedelta(hours=int(match.group("h")), minutes=int(match.group("hm"))), match.end()
    parts = [match.group(name) for name in ("days", "hours", "minutes")]
    if all(part is None for part in parts):
        return None
    days, hours, minutes = (int(part or 0) for part in parts)
    return dt.timedelta(days=days, hours=hours, minutes=minutes), match.end()


def _add_relative(pm: Postmortem, written: str, line: int, end_line: int, shape: str,
                  event_text: str | None = None) -> TimelineEvent | None:
    """A row whose time is an offset from the incident's start ("T+45m escalated"), or None when it is not one.

    The start is `started_at`, else the first row above with a time; with
    neither, the row is kept with a problem (lint's `timeline-time`) rather
    than left out.
    """
    found = _relative_offset(written)
    if found is None:
        return None
    offset, end = found
    raw = written[:end].strip(" \t-:\u2013\u2014|*_`[]()")
    text = event_text if event_text is not None else written[end:].strip()
    start = pm.moment("started_at") or next((event.time for event in pm.timeline if event.time is not None), None)
    if start is None:
        event = TimelineEvent(line, raw, text, None, f"'{raw}' counts from the incident's start, which neither "
                              "`started_at` nor a row above gives; write the time of day", shape, end_line)
    else:
        event = TimelineEvent(line, raw, text, start + offset, None, shape, end_line)
    pm.timeline.append(event)
    return event


# -- a timeline under another name --------------------------------------------------


def _read_untitled(pm: Postmortem, doc: Document, config: KBConfig, resolver: TimeResolver) -> None:
    """Rows in a section that is not called Timeline: only a run of several timed rows counts."""
    for block in doc.blocks:
        if isinstance(block, (Heading, Other)):
            continue
        if _timed_count(block) < MIN_UNTITLED_ROWS:
            continue
        _read_block(pm, block, resolver)


def _timed_count(block) -> int:
    if isinstance(block, ListBlock):
        return sum(1 for item in block.items if leading_time(item.text) is not None)
    if isinstance(block, Paragraph):
        return sum(1 for _, text in block.lines() if leading_time(text) is not None)
    if isinstance(block, Table):
        column = time_column(block.header)
        if not _TIME_HEADER.search(block.header[column] if column < len(block.header) else ""):
            return 0
        return sum(1 for _, cells in block.rows if column < len(cells) and parse_time_cell(cells[column]))
    return 0

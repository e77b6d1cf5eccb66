"""Merge imported rows into a postmortem's timeline, changing nothing else.

`merge_timeline` is one read-merge-write step, under the file's lock
(locking.py): read the file once, load it into the model, work out the new
lines from the model's spans (the timeline's blocks and rows, with their
lines), check that every existing row still reads as before, and replace
the file atomically. Each row goes before the first existing row that is
later, in the shape the timeline already has (a table row, a list item, a
line, a heading), so the timeline stays in time order. A row is written as
`YYYY-MM-DD HH:MM` in the postmortem's zone, with a full date, so it never
changes the date that a following time-of-day row continues; where the
postmortem has no known zone, the row says `UTC`. A row whose time (to the
minute) and text are already there is skipped, so importing the same export
twice adds nothing the second time.

Text from an export is data: it goes through the one markdown escaper
(`markdown_text.md_text`), so a chat message can become neither HTML, nor a
link, nor an attribute (`{: onfocus=...}`), nor break the table.

Only a regular file inside the postmortems folder with front matter is
ever written (`files`), and the result must stay within what the loader
accepts (size and row limits) before anything is written.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from postmortem_kb.atomic import remove_stale_temps, replace
from postmortem_kb.config import KBConfig
from postmortem_kb.importers import ImportFailure, TimelineRow
from postmortem_kb.locking import DEFAULT_TIMEOUT as DEFAULT_LOCK_TIMEOUT
from postmortem_kb.locking import LockTimeout, exclusive_lock
from postmortem_kb.markdown_text import md_text
from postmortem_kb.model import Postmortem, TimelineBlock

NEW_TABLE = ["| Time | Event |", "|------|-------|"]
# Sections that follow the timeline in the templates: a new `## Timeline`
# goes before the first of them.
AFTER_TIMELINE = ("Root cause", "Trigger", "Detection", "Resolution", "Action items", "Lessons learned")
# A timeline longer than this is a log, not a timeline: the import is
# refused before anything is written (filter with --since/--until).
MAX_TIMELINE_ROWS = 5_000


@dataclass
class MergeResult:
    path: Path
    added: list[tuple[str, str]] = field(default_factory=list)  # (time cell, text) as written
    duplicates: int = 0
    outside_window: int = 0
    written: bool = False


def find_postmortem(config: KBConfig, pm_id: str) -> Path:
    """The file of a postmortem id (its file name without .md); ImportFailure if there is none."""
    from postmortem_kb.kb import find_postmortem as find

    path = find(config, pm_id)
    if path is None:
        raise ImportFailure(
            f"no postmortem has the id {pm_id!r} in {config.postmortems_dir}; an id is a file name without .md "
            "(`postmortem list --format csv` lists them)"
        )
    return path


escape_cell = md_text  # what a chat message or CSV cell becomes in a timeline row


def _minute(moment: dt.datetime, zone: dt.tzinfo) -> str:
    # Not strftime: its %Y does not pad years before 1000 ("1-01-01"), which
    # would not read back as a date.
    local = moment.astimezone(zone)
    return f"{local.year:04d}-{local.month:02d}-{local.day:02d} {local.hour:02d}:{local.minute:02d}"


_BACKSLASH_ESCAPE = re.compile(r"\\(.)")


def _comparable(text: str) -> str:
    """A row's text as it reads, whatever way it is escaped (a table cell drops the `\\` of `\\|`)."""
    return " ".join(html.unescape(_BACKSLASH_ESCAPE.sub(r"\1", text)).split())


def _event_keys(pm: Postmortem) -> list[tuple[str, str]]:
    keys = []
    for event in pm.timeline:
        if event.time is None:
            when = event.raw_time.strip()
        elif event.time.tzinfo is not None:
            when = event.time.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%MZ")
        else:  # a wall-clock time: the date it continues is part of what it says
            when = event.time.strftime("%Y-%m-%dT%H:%M (no zone)")
        keys.append((when, _comparable(event.text)))
    return keys


def _row_key(row: TimelineRow, text: str) -> tuple[str, str]:
    return row.time.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%MZ"), _comparable(text)


def merge_timeline(config: KBConfig, pm_id: str, rows: list[TimelineRow], since: dt.datetime | None = None,
                   until: dt.datetime | None = None, dry_run: bool = False,
                   lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> MergeResult:
    """Read the postmortem, merge `rows` into its timeline, write it back atomically.

    The read-merge-write runs under the postmortem's lock, so two imports
    into one postmortem at once both land, one after the other; a lock held
    longer than `lock_timeout` seconds is an ImportFailure.
    """
    from postmortem_kb.files import policy_problem

    path = find_postmortem(config, pm_id)
    problem = policy_problem(path, config.postmortems_dir)
    if problem is not None:
        raise ImportFailure(f"{path}: {problem}; nothing written")
    # A symlink inside the folder is followed, so it stays a link.
    path = Path(path).resolve() if path.is_symlink() else path
    if dry_run:
        return _merge(config, path, rows, since, until, dry_run=True)
    try:
        with exclusive_lock(path, lock_timeout):
            remove_stale_temps(path)
            return _merge(config, path, rows, since, until, dry_run=False)
    except LockTimeout as exc:
        raise ImportFailure(
            f"{path}: another `postmortem timeline import` into this postmortem held its lock "
            f"({exc.lock_path.name}) for over {exc.timeout:g} s; nothing written. Run it again once that "
            "import has finished (a lock dies with its process, so no lock file needs removing)"
        ) from None
    except OSError as exc:  # a read-only folder, a full disk: the old file stays as it was
        where = exc.filename or path
        raise ImportFailure(f"{path}: cannot write beside the postmortem ({where}: {exc.strerror or exc}); "
                            "nothing written") from None


def _read(config: KBConfig, path: Path) -> tuple[bytes, Postmortem]:
    from postmortem_kb.files import RefusedFile, read_regular
    from postmortem_kb.loader import MAX_FILE_BYTES, load_postmortem_bytes

    try:
        data = read_regular(path, MAX_FILE_BYTES)
    except (OSError, RefusedFile) as exc:
        raise ImportFailure(f"{path}: cannot read the postmortem: {exc}") from exc
    pm = load_postmortem_bytes(data, path, config)
    if pm.failed:
        problem = pm.diagnostics[0]
        raise ImportFailure(f"{problem.path}:{problem.line}: {problem.message}; fix it before importing a timeline")
    if not data.lstrip(b"\xef\xbb\xbf").startswith(b"---"):
        raise ImportFailure(f"{path}: has no front matter, so it is not a postmortem this tool wrote or imported; "
                            "nothing written (run `postmortem import` on it first)")
    return data, pm


def _merge(config: KBConfig, path: Path, rows: list[TimelineRow], since: dt.datetime | None,
           until: dt.datetime | None, dry_run: bool) -> MergeResult:
    from postmortem_kb.loader import MAX_FILE_BYTES, parse_postmortem
    from postmortem_kb.zones import zone_from_text

    result = MergeResult(path)
    data, pm = _read(config, path)
    raw = data.decode("utf-8")
    known = zone_from_text(pm.timeline_zone.value) if pm.timeline_zone.value else None
    zone = known.tz if known is not None else dt.timezone.utc

    wanted = []
    for row in rows:
        if (since and row.time < since) or (until and row.time > until):
            result.outside_window += 1
        else:
            wanted.append(row)
    # A row with no text says nothing; a stable sort keeps same-minute rows in export order.
    wanted = sorted((row for row in wanted if md_text(row.text)), key=lambda row: row.time)

    existing = set(_event_keys(pm))
    new_rows: list[tuple[TimelineRow, str, str]] = []
    for row in wanted:
        text = md_text(row.text)
        key = _row_key(row, text)
        if key in existing:
            result.duplicates += 1
            continue
        existing.add(key)
        when = _minute(row.time, zone) + ("" if known is not None else " UTC")
        new_rows.append((row, when, text))
        result.added.append((when, text))
    if not new_rows:
        return result
    if len(pm.timeline) + len(new_rows) > MAX_TIMELINE_ROWS:
        raise ImportFailure(
            f"{path}: the timeline would have {len(pm.timeline) + len(new_rows):,} rows, over the "
            f"{MAX_TIMELINE_ROWS:,} a postmortem holds; nothing written. Import the incident's window only "
            "(--since/--until) or the pinned messages (--pinned-only)"
        )

    newline = "\r\n" if "\r\n" in raw else "\n"
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    new_lines = _insert(lines, pm, new_rows)
    new_text = newline.join(new_lines)
    if len(new_text.encode("utf-8")) > MAX_FILE_BYTES:
        raise ImportFailure(
            f"{path}: the postmortem would grow to {len(new_text.encode('utf-8')) / 1_048_576:.1f} MB, over the "
            f"{MAX_FILE_BYTES // 1_048_576} MB the knowledge base loads; nothing written. Import the incident's "
            "window only (--since/--until) or the pinned messages (--pinned-only)"
        )
    _check_unchanged_rows(pm, parse_postmortem(new_text, path, config), result, path)
    if dry_run:
        return result
    # Other imports wait for the lock, but an editor does not take it: someone
    # may have saved the file while we worked; never write over their edit.
    if path.read_bytes() != data:
        raise ImportFailure(f"{path}: the file changed while the timeline was being merged; nothing written, run it again")
    replace(path, new_text)
    result.written = True
    return result


_LIST_MARKER = re.compile(r"^(\s*(?:[-*+]|\d{1,9}[.)])\s+)")


def _render(shape: str, when: str, text: str, heading_level: int, beside: str) -> list[str]:
    """A new row written like `beside`, the row it is placed next to."""
    if shape == "table":
        return [f"| {when} | {text} |"]
    if shape == "list":
        marker = _LIST_MARKER.match(beside)
        return [f"{marker.group(1) if marker else '- '}{when} {text}"]
    if shape == "heading":
        return ["#" * heading_level + f" {when}", "", text, ""]
    return [f"{when} - {text}"]


def _insert(lines: list[str], pm: Postmortem, new_rows: list[tuple[TimelineRow, str, str]]) -> list[str]:
    """The file's lines with every new row in place (0-based line indexes below)."""
    blocks = [block for block in pm.timeline_blocks]
    if not blocks:
        return _new_table(lines, pm, [f"| {when} | {text} |" for _, when, text in new_rows])
    heading_level = next((len(lines[b.line - 1]) - len(lines[b.line - 1].lstrip("#"))
                          for b in blocks if b.shape == "heading"), 3)
    timed = sorted(((e.time, e) for e in pm.timeline if e.time is not None), key=lambda pair: _sortable(pair[0]))
    last_block = _block_of(blocks, timed[-1][1].line) if timed else blocks[-1]
    inserts: dict[int, list[str]] = {}
    for row, when, text in new_rows:
        later = next((event for moment, event in timed if _sortable(moment) > _sortable(row.time)), None)
        if later is not None:
            block = _block_of(blocks, later.line)
            at = beside = later.line - 1
        else:
            block = last_block
            at = _append_point(lines, block)
            rows_in_block = [e.line for e in pm.timeline if block.line <= e.line <= block.end_line]
            beside = (rows_in_block[-1] if rows_in_block else block.line) - 1
        inserts.setdefault(at, []).extend(_render(block.shape, when, text, heading_level, lines[beside]))
    out: list[str] = []
    for index, line in enumerate(lines):
        out.extend(inserts.get(index, []))
        out.append(line)
    out.extend(inserts.get(len(lines), []))
    return out


def _sortable(moment: dt.datetime) -> dt.datetime:
    # Rows without a zone are wall-clock times; for placing a new row they
    # are read as UTC, which is also how the new rows are written then.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.timezone.utc)


def _block_of(blocks: list[TimelineBlock], line: int) -> TimelineBlock:
    return next((block for block in blocks if block.line <= line <= block.end_line), blocks[-1])


def _append_point(lines: list[str], block: TimelineBlock) -> int:
    """Just after the block's last non-blank line (a list's span runs over blank lines after it)."""
    end = block.end_line  # 1-based last line == 0-based index just past it
    while end > block.line and not lines[end - 1].strip():
        end -= 1
    return end


def _new_table(lines: list[str], pm: Postmortem, rendered: list[str]) -> list[str]:
    """No timeline rows yet: a table at the end of the Timeline section's text, or a new section."""
    table = [*NEW_TABLE, *rendered]
    section = pm.section("Timeline") or next(iter(pm.sections_named("Timeline")), None)
    if section is not None:
        end = section.end_line
        following = [s.line - 1 for s in pm.sections if s.line > section.line]
        if following:
            end = min(end, min(following))
        while end > section.line and not lines[end - 1].strip():
            end -= 1
        rest = lines[end:]
        return [*lines[:end], "", *table, *([""] if rest and rest[0].strip() else []), *rest]
    later = [s.line - 1 for s in pm.sections if s.top_level and s.canonical in AFTER_TIMELINE]
    if later:
        at = min(later)
        return [*lines[:at], "## Timeline", "", *table, "", *lines[at:]]
    end = len(lines)
    while end > 0 and not lines[end - 1].strip():
        end -= 1
    return [*lines[:end], "", "## Timeline", "", *table, *(lines[end:] or [""])]


def _check_unchanged_rows(before: Postmortem, after: Postmortem, result: MergeResult, path: Path) -> None:
    """Every row that was there reads exactly as before, and the new ones are there."""
    old = Counter(_event_keys(before))
    now = Counter(_event_keys(after))
    missing_old = old - now
    if missing_old:
        key = next(iter(missing_old))
        changed = next(event for event, event_key in zip(before.timeline, _event_keys(before)) if event_key == key)
        raise ImportFailure(
            f"{path}:{changed.line}: merging would change how the existing row {changed.raw_time} "
            f"{changed.text!r} reads "
            "(a time of day after an inserted row would take that row's date); nothing written. "
            "Give the existing rows full dates (YYYY-MM-DD HH:MM) and run it again"
        )
    if sum((now - old).values()) != len(result.added):
        raise ImportFailure(f"{path}: the merged timeline does not read back as expected; nothing written")

"""Merge imported rows into a postmortem's timeline, changing nothing else.

`merge_timeline` is one read-merge-write step, under the file's lock
(locking.py): read the file, work out the new lines, check that every
existing row still reads as before, and replace the file atomically. Rows
go into the timeline the loader reads (a table, or a bullet list), each
before the first existing row that is later, so the timeline stays in time
order. A row is written as `YYYY-MM-DD HH:MM` in the postmortem's zone,
with a full date, so it never changes the date that a following time-of-day
row continues. A row whose time (to the minute) and text are already there
is skipped, so importing the same export twice adds nothing the second time.

Text from an export is data: `<`, `>` and `&` become entities and `\\`, `|`,
`[`, `]` and backticks are backslash-escaped, so a chat message can neither become
HTML on the site, nor a link, nor break the table.
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
from postmortem_kb.model import Postmortem, Section

NEW_TABLE = ["| Time | Event |", "|------|-------|"]
# Sections that follow the timeline in the templates: a new `## Timeline`
# goes before the first of them.
AFTER_TIMELINE = ("Root cause", "Trigger", "Detection", "Resolution", "Action items", "Lessons learned")


@dataclass
class MergeResult:
    path: Path
    added: list[tuple[str, str]] = field(default_factory=list)  # (time cell, text) as written
    duplicates: int = 0
    outside_window: int = 0
    written: bool = False


def find_postmortem(config: KBConfig, pm_id: str) -> Path:
    """The file of a postmortem id (its file name without .md)."""
    from postmortem_kb.kb import postmortem_files

    wanted = pm_id.strip()
    if wanted.endswith(".md"):
        wanted = Path(wanted).name[:-3]
    for path in postmortem_files(config.postmortems_dir):
        if path.stem == wanted:
            return path
    raise ImportFailure(
        f"no postmortem has the id {pm_id!r} in {config.postmortems_dir}; an id is a file name without .md "
        "(`postmortem list --format csv` lists them)"
    )


# Control characters mean nothing in a row, and a NUL would make the loader
# take the whole postmortem for a binary file.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def escape_cell(text: str) -> str:
    """Plain text -> the markdown of a table cell that shows exactly that text."""
    text = " ".join(_CONTROL.sub("", text).split())
    # Backticks too: inside a code span the entities below would show as
    # "&lt;" instead of "<". `*` and `_` stay: Slack's *bold* may render bold.
    for char in ("\\", "|", "[", "]", "`"):
        text = text.replace(char, "\\" + char)
    return html.escape(text, quote=False)


def _minute(moment: dt.datetime, zone: dt.tzinfo) -> str:
    # Not strftime: its %Y does not pad years before 1000 ("1-01-01"), which
    # would not read back as a date.
    local = moment.astimezone(zone)
    return f"{local.year:04d}-{local.month:02d}-{local.day:02d} {local.hour:02d}:{local.minute:02d}"


def _event_keys(pm: Postmortem, zone: dt.tzinfo) -> list[tuple[str, str]]:
    return [(_minute(e.time, zone) if e.time else e.raw_time.strip(), e.text.strip()) for e in pm.timeline]


@dataclass
class _Block:
    """Where the timeline lives in the file: 0-based line indexes."""

    kind: str  # "table" or "list"
    end: int  # insert here to append after the last row or item


def _timeline_block(pm: Postmortem, section: Section) -> _Block | None:
    from postmortem_kb.loader import markdown_parser

    tokens = markdown_parser().parse(pm.body)
    offset = pm.body_line - 1  # body-relative 0-based -> file 0-based
    first, last = section.line - 1, section.body_end  # file 0-based, inclusive..exclusive
    anchor = pm.timeline[0].line - 1 if pm.timeline else None
    fallback = None
    for token in tokens:
        if token.level != 0 or not token.map or token.type not in ("table_open", "bullet_list_open", "ordered_list_open"):
            continue
        start, end = token.map[0] + offset, token.map[1] + offset
        if not (first <= start < last):
            continue
        kind = "table" if token.type == "table_open" else "list"
        if anchor is not None and start <= anchor < end:
            return _Block(kind, end)
        if fallback is None and kind == "table":
            fallback = _Block(kind, end)
    return fallback if anchor is None else None


def _render(kind: str, time_cell: str, text_cell: str) -> str:
    return f"| {time_cell} | {text_cell} |" if kind == "table" else f"- {time_cell} {text_cell}"


def _as_read(kind: str, rendered: list[str], pm: Postmortem, config: KBConfig) -> list[tuple[str, str]]:
    """How the loader will read rendered rows: the keys to compare with existing ones."""
    from postmortem_kb.loader import parse_postmortem

    head = NEW_TABLE if kind == "table" else []
    probe = parse_postmortem("## Timeline\n\n" + "\n".join([*head, *rendered]) + "\n", pm.path, config)
    # Rendered times are already minutes in the postmortem's zone, as the
    # keys of existing rows are.
    return [(e.raw_time.strip(), e.text.strip()) for e in probe.timeline]


def _writable_target(config: KBConfig, path: Path) -> Path:
    """The file to rewrite: a symlink inside the knowledge base is followed (so it
    stays a link), one that leaves it is refused, as the loader refuses it."""
    from postmortem_kb.kb import inside

    if not path.is_symlink():
        return path
    if not inside(path, config.root):
        raise ImportFailure(f"{path}: this symlink points outside the knowledge base and is refused; "
                            "copy the file in instead")
    return path.resolve()


def merge_timeline(config: KBConfig, pm_id: str, rows: list[TimelineRow], since: dt.datetime | None = None,
                   until: dt.datetime | None = None, dry_run: bool = False,
                   lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> MergeResult:
    """Read the postmortem, merge `rows` into its timeline, write it back atomically.

    The read-merge-write runs under the postmortem's lock, so two imports
    into one postmortem at once both land, one after the other; a lock held
    longer than `lock_timeout` seconds is an ImportFailure.
    """
    path = _writable_target(config, find_postmortem(config, pm_id))
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


def _merge(config: KBConfig, path: Path, rows: list[TimelineRow], since: dt.datetime | None,
           until: dt.datetime | None, dry_run: bool) -> MergeResult:
    from postmortem_kb.loader import load_postmortem, parse_postmortem
    from postmortem_kb.times import postmortem_zone

    result = MergeResult(path)
    # The loader's own checks first (size, binary, encoding, front matter), with
    # its messages: a file the site cannot load is not one to merge into.
    pm = load_postmortem(path, config)
    if not pm.failed:
        try:
            raw = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ImportFailure(f"{path}: cannot read the postmortem: {exc}") from exc
        pm = parse_postmortem(raw, path, config)
    if pm.failed:
        problem = pm.diagnostics[0]
        raise ImportFailure(f"{problem.path}:{problem.line}: {problem.message}; fix it before importing a timeline")
    zone = postmortem_zone(pm.meta, config["timezone"])

    wanted = []
    for row in rows:
        if (since and row.time < since) or (until and row.time > until):
            result.outside_window += 1
        else:
            wanted.append(row)
    # A row with no text says nothing; a stable sort keeps same-minute rows in export order.
    wanted = sorted((row for row in wanted if escape_cell(row.text)), key=lambda row: row.time)

    newline = "\r\n" if "\r\n" in raw else "\n"
    lines = raw.replace("\r\n", "\n").split("\n")
    section = pm.section("Timeline")
    block = _timeline_block(pm, section) if section else None
    if pm.timeline and block is None:
        raise ImportFailure(
            f"{path}:{pm.timeline[0].line}: the timeline is not a top-level table or list (is it inside a quote?); "
            "move it to the top level of the Timeline section and run it again"
        )
    if block is not None:
        # A list's extent runs over the blank lines after it; append above them.
        while block.end > 0 and not lines[block.end - 1].strip():
            block.end -= 1
    kind = block.kind if block else "table"
    cells = [(_minute(row.time, zone), escape_cell(row.text)) for row in wanted]
    rendered = [_render(kind, t, text) for t, text in cells]
    keys = _as_read(kind, rendered, pm, config) if rendered else []
    if len(keys) != len(rendered):
        raise ImportFailure(f"{path}: internal error: {len(rendered)} rows rendered but {len(keys)} read back; nothing written")

    existing = set(_event_keys(pm, zone))
    inserts: dict[int, list[str]] = {}
    # Each new row goes before the first existing row that is later than it.
    anchors = sorted(((e.time, e.line - 1) for e in pm.timeline if e.time is not None), key=lambda a: a[0])
    for row, line, key, cell in zip(wanted, rendered, keys, cells):
        if key in existing:
            result.duplicates += 1
            continue
        existing.add(key)
        later = [index for moment, index in anchors if moment > row.time]
        position = min(later) if later else (block.end if block else None)
        inserts.setdefault(position if position is not None else -1, []).append(line)
        result.added.append(cell)
    if not result.added:
        return result

    new_lines = _apply(lines, inserts, pm, section, block)
    new_text = newline.join(new_lines)
    _check_unchanged_rows(pm, parse_postmortem(new_text, path, config), zone, result, path)
    if dry_run:
        return result
    # Other imports wait for the lock, but an editor does not take it: someone
    # may have saved the file while we worked; never write over their edit.
    if path.read_bytes().decode("utf-8", "replace") != raw:
        raise ImportFailure(f"{path}: the file changed while the timeline was being merged; nothing written, run it again")
    replace(path, new_text)
    result.written = True
    return result


def _apply(lines: list[str], inserts: dict[int, list[str]], pm: Postmortem, section: Section | None,
           block: _Block | None) -> list[str]:
    if block is not None or -1 not in inserts:
        out: list[str] = []
        for index, line in enumerate(lines):
            out.extend(inserts.get(index, []))
            out.append(line)
        out.extend(inserts.get(len(lines), []))
        return out
    # No timeline block yet: a new table, at the end of the Timeline section's
    # own text, or in a new `## Timeline` section.
    table = [*NEW_TABLE, *inserts[-1]]
    if section is not None:
        following = [s.line - 1 for s in pm.sections if s.line > section.line]
        end = min(following) if following else len(lines)
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


def _check_unchanged_rows(before: Postmortem, after: Postmortem, zone: dt.tzinfo, result: MergeResult,
                          path: Path) -> None:
    """Every row that was there reads exactly as before, and the new ones are there."""
    old = Counter(_event_keys(before, zone))
    now = Counter(_event_keys(after, zone))
    missing_old = old - now
    if missing_old:
        key = next(iter(missing_old))
        raise ImportFailure(
            f"{path}: merging would change how the existing row {key[0]} {key[1]!r} reads "
            "(a time of day after an inserted row would take that row's date); nothing written. "
            "Give the existing rows full dates (YYYY-MM-DD HH:MM) and run it again"
        )
    if sum((now - old).values()) != len(result.added):
        raise ImportFailure(f"{path}: the merged timeline does not read back as expected; nothing written")

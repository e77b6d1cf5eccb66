"""A CSV of events -> timeline rows.

The first row names the columns. One column holds the time (named time,
timestamp, when, datetime, date or created_at; or a date column and a time
column); the event text is the column named event, description, text,
message, summary, what or details, else the first other column. A who,
author or user column, if any, prefixes the text. Times without an offset
are in the postmortem's zone.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from postmortem_kb.importers import (
    ImportFailure,
    TimelineExport,
    TimelineRow,
    read_export_text,
    representable,
)

TIME_COLUMNS = ("time", "timestamp", "when", "datetime", "date_time", "date and time", "created_at", "created", "date",
                "clock")
TEXT_COLUMNS = ("event", "description", "text", "message", "summary", "what", "details", "note", "activity")
WHO_COLUMNS = ("who", "author", "user", "owner", "by")
FORMAT_HELP = "use YYYY-MM-DD HH:MM[:SS], optionally with an offset (+01:00, Z)"


def _find(header: list[str], names: tuple[str, ...]) -> int | None:
    normal = [" ".join(h.strip().lower().replace("_", " ").split()) for h in header]
    for name in names:
        wanted = name.replace("_", " ")
        if wanted in normal:
            return normal.index(wanted)
    return None


def _parse_time(value: str, zone: dt.tzinfo) -> dt.datetime | None:
    text = value.strip()
    if not text:
        return None
    if text.replace(".", "", 1).isdigit() and len(text.split(".")[0]) >= 9:
        try:
            return dt.datetime.fromtimestamp(float(text), tz=dt.timezone.utc)  # epoch seconds
        except (OverflowError, OSError, ValueError):
            return None  # too far from now to be seconds since 1970: reported as not a time
    try:
        moment = dt.datetime.fromisoformat(text.replace("/", "-"))
    except ValueError:
        return None
    if len(text) <= 10:  # a bare date is not a time
        return None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=zone)
    return moment if representable(moment) else None


def read_csv(path: Path, zone: dt.tzinfo) -> TimelineExport:
    text = read_export_text(path, "CSV")
    if not text.strip():
        raise ImportFailure(f"{path}: the file is empty; expected a CSV with a header row and a time column")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # strict: an unterminated quote is an error at its line, not rows
    # silently folded into one cell.
    reader = csv.reader(io.StringIO(text, newline=""), dialect, strict=True)
    try:
        return _read_rows(path, reader, zone)
    except csv.Error as exc:
        raise ImportFailure(f"{path}:{reader.line_num}: not valid CSV ({exc}); check the quotes on this row "
                            f"(cells are limited to {csv.field_size_limit():,} characters)") from None


def _read_rows(path: Path, reader, zone: dt.tzinfo) -> TimelineExport:
    header = next(reader)
    time_col = _find(header, TIME_COLUMNS)
    date_col = _find(header, ("date",))
    if time_col is None or date_col is None or date_col == time_col or _find([header[time_col]], ("time", "clock")) is None:
        date_col = None  # no separate "date" and "time" columns to join
    if time_col is None:
            time_col, date_col = date_col, None
    if time_col is None:
        raise ImportFailure(
            f"{path}:1: no time column; the header has {', '.join(repr(h) for h in header)}. "
            f"Name the column with the times one of: {', '.join(TIME_COLUMNS[:4])}"
        )
    text_col = _find(header, TEXT_COLUMNS)
    if text_col is None:
        text_col = next((n for n in range(len(header)) if n not in (time_col, date_col)), None)
    if text_col is None:
        raise ImportFailure(f"{path}:1: no column for the event text besides the time; add one named event")
    who_col = _find(header, WHO_COLUMNS)
    export = TimelineExport()
    for row in reader:
        line = reader.line_num  # a quoted cell may span lines; this is where the row ends
        if not any(cell.strip() for cell in row):
            continue
        cell = lambda n: row[n] if n is not None and n < len(row) else ""  # noqa: E731
        raw = f"{cell(date_col)} {cell(time_col)}".strip() if date_col is not None else cell(time_col)
        when = _parse_time(raw, zone)
        if when is None:
            raise ImportFailure(f"{path}:{line}: {raw!r} in column {header[time_col]!r} is not a date and time; {FORMAT_HELP}")
        event = " ".join(cell(text_col).split())
        who = " ".join(cell(who_col).split()) if who_col not in (None, text_col, time_col) else ""
        if event:
            export.rows.append(TimelineRow(when, f"{who}: {event}" if who else event))
    if not export.rows:
        raise ImportFailure(f"{path}: the CSV has a header but no events")
    export.rows.sort(key=lambda row: row.time)
    return export

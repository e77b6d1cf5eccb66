"""Bring existing material into the knowledge base.

`markdown_post` turns a postmortem written elsewhere (a blog post, a wiki
export, the DFDS shape) into a format v1 file. The timeline importers
(`slack`, `pagerduty`, `statuspage`, `opsgenie`, `csv_rows`) read the raw record of an
incident into `TimelineRow`s, and `timeline_merge` merges those rows into a
postmortem's timeline table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path


class ImportFailure(Exception):
    """Input that cannot be imported; the message names the file (and line) and what to do."""


@dataclass(frozen=True)
class TimelineRow:
    """One event from an export: an aware time and plain text (not yet escaped)."""

    time: dt.datetime
    text: str


@dataclass
class TimelineExport:
    """What a timeline importer read: its rows, and what it passed over and why."""

    rows: list[TimelineRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def load_json(path: Path, kind: str):
    """Parse a JSON export; a file that is not JSON is named with its line."""
    import json

    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ImportFailure(f"{path}: cannot read the file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ImportFailure(f"{path}: is not UTF-8 text, so not a {kind} export") from exc
    if not text.strip():
        raise ImportFailure(f"{path}: the file is empty; expected a {kind} export")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailure(f"{path}:{exc.lineno}: not valid JSON ({exc.msg}), so not a {kind} export") from exc


def parse_instant(value: object) -> dt.datetime | None:
    """An ISO 8601 time with an offset (`Z` included) as an aware datetime, else None."""
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None

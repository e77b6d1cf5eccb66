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


# Limits every export reader holds to, before it builds anything from the
# file: a bigger export is not one incident's record, and a deeper one is
# not any tool's export (json would exhaust the stack on it).
MAX_EXPORT_BYTES = 64 * 1024 * 1024
MAX_JSON_DEPTH = 64


def read_export_text(path: Path, kind: str) -> str:
    """An export's text (UTF-8, a BOM allowed), refused past MAX_EXPORT_BYTES; errors name the file."""
    from postmortem_kb.files import RefusedFile, read_regular

    try:
        data = read_regular(path, MAX_EXPORT_BYTES)
    except RefusedFile as exc:
        raise ImportFailure(f"{path}: {exc}") from None
    except OSError as exc:
        raise ImportFailure(f"{path}: cannot read the file: {exc.strerror or exc}") from exc
    if len(data) > MAX_EXPORT_BYTES:
        raise ImportFailure(f"{path}: the file is over {MAX_EXPORT_BYTES // 1_048_576} MB, more than one incident's "
                            f"{kind} export; export the incident's channel or window only")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailure(f"{path}: is not UTF-8 text, so not a {kind} export") from exc


def load_json(path: Path, kind: str):
    """Parse a JSON export; a file that is not JSON is named with its line."""
    import json

    text = read_export_text(path, kind)
    if not text.strip():
        raise ImportFailure(f"{path}: the file is empty; expected a {kind} export")
    depth = _nesting_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise ImportFailure(f"{path}: the JSON nests {depth} levels deep, more than the {MAX_JSON_DEPTH} any "
                            f"{kind} export has; this is not a {kind} export")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailure(f"{path}:{exc.lineno}: not valid JSON ({exc.msg}), so not a {kind} export") from exc
    except RecursionError:
        raise ImportFailure(f"{path}: the JSON nests too deep to be a {kind} export") from None


_BRACKETS_AND_STRINGS = __import__("re").compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _nesting_depth(text: str) -> int:
    """The deepest bracket nesting of a JSON text (brackets inside strings do not count)."""
    depth = deepest = 0
    for match in _BRACKETS_AND_STRINGS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_JSON_DEPTH:
                    return deepest
        elif token in "]}":
            depth -= 1
    return deepest



def parse_instant(value: object) -> dt.datetime | None:
    """An ISO 8601 time with an offset (`Z` included) as an aware datetime, else None."""
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None and representable(moment) else None


def representable(moment: dt.datetime) -> bool:
    """Whether an aware time can be compared and written in any zone (not year 1 at +14:00, say)."""
    try:
        moment.astimezone(dt.timezone.utc)
        return dt.MINYEAR < moment.year < dt.MAXYEAR
    except (OverflowError, ValueError):
        return False

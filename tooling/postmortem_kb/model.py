"""The plain model every face (lint, site, queries, metrics) reads.

Loading turns a file into a `Postmortem` once; nothing downstream re-parses
markdown. Line numbers are 1-based and count from the top of the file, front
matter included, so a finding can point at the exact line an author edits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ERROR = "error"
WARNING = "warning"
# Worth knowing, never a reason to fail (a zone abbreviation read with its
# daylight-saving rules, a midnight crossing inferred).
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)

# How a timeline row is written: a table row, a list item, a heading per
# time (`### 13:06` and prose under it), or a line or paragraph that starts
# with a time (`**17:00** - ...`).
TIMELINE_SHAPES = ("table", "list", "heading", "line")


@dataclass(frozen=True)
class Diagnostic:
    """A located problem: what a loader or a lint rule has to say about a file."""

    path: str
    line: int
    rule: str
    severity: str
    message: str
    column: int = 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
        }


@dataclass
class Section:
    """A heading and the lines under it up to the next heading of its level or above.

    Lines are file lines: `line` is the heading's, `body_start` the first
    line after it (a setext underline included in the heading), `end_line`
    the section's last line, subsections included.
    """

    heading: str
    level: int
    line: int
    body_start: int
    end_line: int
    body: str
    canonical: str | None = None
    top_level: bool = False
    # How the heading was matched to `canonical`: "config" (the section's own
    # name or an alias from postmortem-kb.yml), "alias" (a built-in alias),
    # "words" (by its words: "Root Cause Analysis"), or None.
    mapped_by: str | None = None

    @property
    def body_end(self) -> int:
        return self.end_line

    @property
    def is_empty(self) -> bool:
        return not self.body.strip()


@dataclass
class TimelineEvent:
    line: int
    raw_time: str
    text: str
    # Aware when the row's zone is known; naive (a wall-clock time) when no
    # zone is known at all: never a guessed UTC.
    time: dt.datetime | None = None
    error: str | None = None
    shape: str = "table"
    # The row's last line: a heading-per-time row runs over its prose.
    end_line: int = 0
    # The row's time of day is earlier than the row above's, read as the next day.
    crossed_midnight: bool = False
    # What the author wrote in a table's Kind/Type/Category column, if it has one.
    kind: str | None = None


@dataclass(frozen=True)
class TimelineBlock:
    """A stretch of the file that holds timeline rows (a table, a list, ...), for writers."""

    shape: str
    line: int
    end_line: int


@dataclass(frozen=True)
class TimelineZone:
    """The zone a timeline's times without an offset are read in, and where it was found."""

    value: str | None  # an IANA name or an offset (+08:00); None when unknown
    source: str  # "front matter", "statement at line N", "started_at", "config" or "none"
    line: int | None = None
    # What the reader noticed about a stated zone: (severity, message), e.g.
    # an abbreviation read with its daylight-saving rules ("PST" in July).
    notes: tuple[tuple[str, str], ...] = ()


@dataclass
class ActionItem:
    line: int
    action: str
    owner: str = ""
    priority: str = ""
    due: str = ""
    status: str = ""
    ticket: str = ""
    # Whether the item came from a table (every column expected) or a plain list.
    from_table: bool = True
    end_line: int = 0

    @property
    def text(self) -> str:
        return self.action

    @property
    def due_date(self) -> dt.date | None:
        try:
            return dt.date.fromisoformat(self.due.strip())
        except ValueError:
            return None

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "action": self.action,
            "owner": self.owner,
            "priority": self.priority,
            "due": self.due,
            "status": self.status,
            "ticket": self.ticket,
        }


@dataclass
class Postmortem:
    """One postmortem file, loaded.

    `meta` holds the front matter exactly as YAML gave it (lint judges its
    types); the properties below give tolerant, normalised views for the
    faces that only display or count.
    """

    path: Path
    id: str
    meta: dict[str, Any] = field(default_factory=dict)
    meta_lines: dict[str, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    sections: list[Section] = field(default_factory=list)
    timeline: list[TimelineEvent] = field(default_factory=list)
    timeline_line: int | None = None
    timeline_blocks: list[TimelineBlock] = field(default_factory=list)
    timeline_zone: TimelineZone = field(default_factory=lambda: TimelineZone(None, "none"))
    actions: list[ActionItem] = field(default_factory=list)
    # The file's path from the knowledge base's root (postmortems/<id>.md);
    # the loader sets it when it knows the root.
    source: str = ""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # True when the file could not be read or its front matter not parsed:
    # the site must say so rather than show a half-empty page.
    failed: bool = False

    # -- tolerant views -------------------------------------------------
    def text_field(self, key: str) -> str:
        value = self.meta.get(key)
        if value is None:
            return ""
        return str(value)

    def list_field(self, key: str) -> list[str]:
        value = self.meta.get(key)
        if value is None or value == "":
            return []
        if isinstance(value, (list, tuple)):
            return [str(v) for v in value if v is not None and str(v).strip()]
        return [str(value)]

    @property
    def title(self) -> str:
        return self.text_field("title") or self.id

    @property
    def severity(self) -> str:
        return self.text_field("severity")

    @property
    def status(self) -> str:
        return self.text_field("status")

    @property
    def summary(self) -> str:
        return self.text_field("summary")

    @property
    def tags(self) -> list[str]:
        return self.list_field("tags")

    @property
    def services(self) -> list[str]:
        return self.list_field("services")

    @property
    def authors(self) -> list[str]:
        return self.list_field("authors")

    @property
    def date(self) -> dt.date | None:
        return as_date(self.meta.get("date"))

    def moment(self, key: str) -> dt.datetime | None:
        """A front matter timestamp (`started_at`, ...) as an aware datetime, or None."""
        value = self.meta.get(key)
        if not isinstance(value, dt.datetime) or value.tzinfo is None:
            return None
        try:
            # 9999-12-31T23:59-23:59 is a valid YAML timestamp but no instant
            # any face can compare or print in UTC; lint reports it.
            value.astimezone(dt.timezone.utc)
        except (OverflowError, ValueError):
            return None
        return value

    def section(self, canonical: str) -> Section | None:
        for section in self.sections:
            if section.top_level and section.canonical == canonical:
                return section
        return None

    def sections_named(self, canonical: str) -> list[Section]:
        """Every section that means `canonical`, at any level (a file may hold several incidents)."""
        return [section for section in self.sections if section.canonical == canonical]

    @property
    def relpath(self) -> str:
        return self.source or self.path.as_posix()


def as_date(value: Any) -> dt.date | None:
    """Dates arrive from YAML as date, datetime or (quoted) string."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None

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
    """A heading and the lines under it up to the next heading of its level or above."""

    heading: str
    level: int
    line: int
    body_start: int
    body_end: int
    body: str
    canonical: str | None = None
    top_level: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.body.strip()


@dataclass
class TimelineEvent:
    line: int
    raw_time: str
    text: str
    time: dt.datetime | None = None
    error: str | None = None


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
    actions: list[ActionItem] = field(default_factory=list)
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
        return value if isinstance(value, dt.datetime) and value.tzinfo else None

    def section(self, canonical: str) -> Section | None:
        for section in self.sections:
            if section.top_level and section.canonical == canonical:
                return section
        return None

    @property
    def relpath(self) -> str:
        return self.path.as_posix()


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

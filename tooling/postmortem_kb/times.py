"""Timeline times as format v1 reads them.

A row's time is a full date-time, or a time of day that continues the date of
the row above (or the front matter's `date`). A time without an offset takes
the postmortem's zone: `timezone:`, else the offset of `started_at`, else the
knowledge base's default.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_ZONE = r"(?P<zone>Z|UTC|GMT|[+-]\d{2}:?\d{2})"
FULL_DATETIME = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[T ]\s*(?P<clock>\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*" + _ZONE + r"?$",
    re.IGNORECASE,
)
TIME_OF_DAY = re.compile(r"^(?P<clock>\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*" + _ZONE + r"?$", re.IGNORECASE)
# The leading time of a bullet-list timeline entry: "03:05 On-call acks",
# "**2021-06-22 08:21** - Pipeline ran", "03:05: text".
BULLET_TIME = re.compile(
    r"^[*_`]*(?P<time>(?:\d{4}-\d{2}-\d{2}[T ]\s*)?\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2}))?)[*_`]*"
    r"\s*(?:[-–—:|]\s*)?(?P<text>.*)$",
    re.IGNORECASE | re.DOTALL,
)

EXPECTED = "expected 'YYYY-MM-DD HH:MM' (optionally with an offset) or 'HH:MM' continuing the row above"


def parse_timezone(value: object) -> dt.tzinfo | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.upper() in ("Z", "UTC", "GMT"):
        return dt.timezone.utc
    offset = _parse_offset(text)
    if offset is not None:
        return offset
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _parse_offset(text: str) -> dt.tzinfo | None:
    match = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", text)
    if not match:
        return None
    sign = 1 if match.group(1) == "+" else -1
    hours, minutes = int(match.group(2)), int(match.group(3))
    if hours > 23 or minutes > 59:
        return None
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def _zone(text: str | None, default: dt.tzinfo) -> dt.tzinfo:
    if not text:
        return default
    return parse_timezone(text) or default


def clean_cell(raw: str) -> str:
    """Drop the emphasis and code marks people wrap times in."""
    return raw.strip().strip("*_`").strip()


class TimeResolver:
    """Resolves a sequence of timeline cells, carrying the date down the rows."""

    def __init__(self, start_date: dt.date | None, zone: dt.tzinfo):
        self.current_date = start_date
        self.zone = zone

    def resolve(self, raw: str) -> tuple[dt.datetime | None, str | None]:
        text = clean_cell(raw)
        if not text:
            return None, "the time cell is empty; " + EXPECTED
        match = FULL_DATETIME.match(text)
        if match:
            try:
                day = dt.date.fromisoformat(match.group("date"))
                clock = dt.time.fromisoformat(_pad_clock(match.group("clock")))
            except ValueError as exc:
                return None, f"'{text}' is not a valid date-time ({exc})"
            self.current_date = day
            return dt.datetime.combine(day, clock, _zone(match.group("zone"), self.zone)), None
        match = TIME_OF_DAY.match(text)
        if match:
            try:
                clock = dt.time.fromisoformat(_pad_clock(match.group("clock")))
            except ValueError as exc:
                return None, f"'{text}' is not a valid time of day ({exc})"
            if self.current_date is None:
                return None, (
                    f"'{text}' is a time of day with no date to continue; "
                    "give this row a full date-time or set `date:` in the front matter"
                )
            return dt.datetime.combine(self.current_date, clock, _zone(match.group("zone"), self.zone)), None
        return None, f"'{text}' is not a time; " + EXPECTED


def _pad_clock(clock: str) -> str:
    return clock if len(clock.split(":")[0]) == 2 else "0" + clock


def postmortem_zone(meta: dict, default_zone: str) -> dt.tzinfo:
    """The zone for times without an offset, as format v1 orders the sources."""
    zone = parse_timezone(meta.get("timezone"))
    if zone is not None:
        return zone
    started = meta.get("started_at")
    if isinstance(started, dt.datetime) and started.tzinfo is not None:
        return started.tzinfo
    return parse_timezone(default_zone) or dt.timezone.utc

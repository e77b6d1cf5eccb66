"""Incident durations and their aggregates, computed from front matter times.

A duration is only computed when both of its ends are present and in order;
a missing or reversed pair gives None, never a guess.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable

from postmortem_kb.model import Postmortem

# name -> (from field, to field)
DURATIONS = {
    "time_to_detect": ("started_at", "detected_at"),
    "time_to_mitigate": ("started_at", "mitigated_at"),
    "time_to_resolve": ("started_at", "resolved_at"),
}


def duration(pm: Postmortem, name: str) -> dt.timedelta | None:
    start_key, end_key = DURATIONS[name]
    start, end = pm.moment(start_key), pm.moment(end_key)
    if start is None or end is None or end < start:
        return None
    return end - start


def durations(pm: Postmortem) -> dict[str, dt.timedelta | None]:
    return {name: duration(pm, name) for name in DURATIONS}


def format_duration(value: dt.timedelta | None, missing: str = "—") -> str:
    if value is None:
        return missing
    minutes = int(value.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{days}d"] if days else []
    if hours:
        parts.append(f"{hours}h")
    if minutes or not parts:
        parts.append(f"{minutes}m")
    return " ".join(parts)


def month_key(pm: Postmortem) -> str | None:
    return pm.date.strftime("%Y-%m") if pm.date else None


def quarter_key(pm: Postmortem) -> str | None:
    return f"{pm.date.year}-Q{(pm.date.month - 1) // 3 + 1}" if pm.date else None


def year_key(pm: Postmortem) -> str | None:
    return str(pm.date.year) if pm.date else None


@dataclass
class Aggregate:
    key: str
    count: int
    mean_time_to_detect: dt.timedelta | None
    mean_time_to_resolve: dt.timedelta | None
    # How many postmortems had the times each mean was computed from.
    detect_samples: int
    resolve_samples: int


def _mean(values: list[dt.timedelta]) -> dt.timedelta | None:
    return sum(values, dt.timedelta()) / len(values) if values else None


def aggregate(postmortems: Iterable[Postmortem], keys: Callable[[Postmortem], Iterable[str] | str | None]) -> list[Aggregate]:
    """Group by one key (month, severity) or many (each tag); sorted by key.

    Postmortems without a key value are grouped under "(none)" so that
    nothing silently drops out of a count.
    """
    groups: dict[str, list[Postmortem]] = defaultdict(list)
    for pm in postmortems:
        value = keys(pm)
        values = [value] if value is None or isinstance(value, str) else list(value)
        for key in values or [None]:
            groups[key if key else "(none)"].append(pm)
    result = []
    for key in sorted(groups):
        members = groups[key]
        detect = [d for d in (duration(pm, "time_to_detect") for pm in members) if d is not None]
        resolve = [d for d in (duration(pm, "time_to_resolve") for pm in members) if d is not None]
        result.append(Aggregate(key, len(members), _mean(detect), _mean(resolve), len(detect), len(resolve)))
    return result

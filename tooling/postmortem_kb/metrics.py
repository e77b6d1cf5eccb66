"""Incident durations and their summaries, computed from front matter times.

A duration is only computed when both of its ends are present and in order;
a missing or reversed pair gives None, never a guess.

Durations are summarised by their median and 90th percentile, with `n` (how
many postmortems had both times) and the ids of those postmortems; never by
a mean, which one long outage drags wherever it likes. Both come from the
standard library's `statistics`: the median is `statistics.median` (the
middle value, or the mean of the two middle values), the 90th percentile
`statistics.quantiles(seconds, n=10, method="inclusive")[8]`, which
interpolates linearly between the closest ranks and never leaves the range
of the data (the same definition as numpy's default and Excel's
PERCENTILE.INC). With one value both are that value; with none, None.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from postmortem_kb.model import Postmortem

# name -> (from field, to field)
DURATIONS = {
    "time_to_detect": ("started_at", "detected_at"),
    "time_to_mitigate": ("started_at", "mitigated_at"),
    "time_to_resolve": ("started_at", "resolved_at"),
}
NONE_KEY = "(none)"
ROLLING_DAYS = 90


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


# -- the summary of a set of durations -------------------------------------------


def median_seconds(seconds: Sequence[float]) -> float | None:
    return statistics.median(seconds) if seconds else None


def p90_seconds(seconds: Sequence[float]) -> float | None:
    """The 90th percentile by the inclusive method (see the module's docstring)."""
    if not seconds:
        return None
    if len(seconds) == 1:
        return float(seconds[0])  # Python 3.11's quantiles wants two points; one point is its own percentile
    return statistics.quantiles(seconds, n=10, method="inclusive")[8]


def _timedelta(seconds: float | None) -> dt.timedelta | None:
    return None if seconds is None else dt.timedelta(seconds=seconds)


@dataclass(frozen=True)
class DurationSummary:
    """The median and 90th percentile of one duration over some postmortems.

    `n` counts the postmortems that had both times; `ids` are those
    postmortems (sorted), so every figure can link to what it was computed from.
    """

    n: int
    median: dt.timedelta | None
    p90: dt.timedelta | None
    ids: tuple[str, ...] = ()

    @property
    def median_seconds(self) -> int | None:
        return None if self.median is None else round(self.median.total_seconds())

    @property
    def p90_seconds(self) -> int | None:
        return None if self.p90 is None else round(self.p90.total_seconds())

    def as_dict(self) -> dict:
        return {"n": self.n, "median_seconds": self.median_seconds, "p90_seconds": self.p90_seconds,
                "ids": list(self.ids)}


EMPTY = DurationSummary(0, None, None, ())


def summarise(postmortems: Iterable[Postmortem], name: str) -> DurationSummary:
    """Median, p90 and n of duration `name` (a key of DURATIONS) over `postmortems`."""
    timed = sorted((pm.id, value) for pm in postmortems if (value := duration(pm, name)) is not None)
    if not timed:
        return EMPTY
    seconds = [value.total_seconds() for _, value in timed]
    return DurationSummary(len(seconds), _timedelta(median_seconds(seconds)), _timedelta(p90_seconds(seconds)),
                           tuple(pm_id for pm_id, _ in timed))


# -- groups ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Aggregate:
    """One group of postmortems (a quarter, a severity, a tag) and its duration summaries."""

    key: str
    count: int
    ids: tuple[str, ...]
    time_to_detect: DurationSummary
    time_to_mitigate: DurationSummary
    time_to_resolve: DurationSummary

    def summary(self, name: str) -> DurationSummary:
        return getattr(self, name)


def group_summary(key: str, members: list[Postmortem]) -> Aggregate:
    return Aggregate(
        key, len(members), tuple(sorted(pm.id for pm in members)),
        summarise(members, "time_to_detect"), summarise(members, "time_to_mitigate"),
        summarise(members, "time_to_resolve"),
    )


def group(postmortems: Iterable[Postmortem],
          keys: Callable[[Postmortem], Iterable[str] | str | None]) -> dict[str, list[Postmortem]]:
    """Postmortems by one key (month, severity) or many (each tag); no key: NONE_KEY."""
    groups: dict[str, list[Postmortem]] = defaultdict(list)
    for pm in postmortems:
        value = keys(pm)
        values = [value] if value is None or isinstance(value, str) else list(value)
        for key in values or [None]:
            groups[key if key else NONE_KEY].append(pm)
    return groups


def aggregate(postmortems: Iterable[Postmortem], keys: Callable[[Postmortem], Iterable[str] | str | None],
              order: Sequence[str] | None = None) -> list[Aggregate]:
    """Group by one key or many and summarise each group; sorted by key, or by `order` first.

    Postmortems without a key value are grouped under "(none)" (last), so
    that nothing silently drops out of a count.
    """
    groups = group(postmortems, keys)
    rank = {key: n for n, key in enumerate(order or ())}
    ordered = sorted(groups, key=lambda k: (k == NONE_KEY, rank.get(k, len(rank)), k))
    return [group_summary(key, groups[key]) for key in ordered]


def overall(postmortems: Iterable[Postmortem]) -> Aggregate:
    """Every postmortem as one group, keyed "all"."""
    return group_summary("all", list(postmortems))


def by_quarter(postmortems: Iterable[Postmortem]) -> list[Aggregate]:
    """Per quarter (2024-Q1 ...), oldest first; undated postmortems under "(none)"."""
    return aggregate(postmortems, quarter_key)


def by_severity(postmortems: Iterable[Postmortem], severities: Sequence[str] = ()) -> list[Aggregate]:
    """Per severity in the configured order (most severe first), others after, "(none)" last."""
    return aggregate(postmortems, lambda pm: pm.severity or None, order=severities)


# -- the rolling window ---------------------------------------------------------------


@dataclass(frozen=True)
class RollingPoint:
    """The incidents dated in the `days` days up to and including `end`, summarised."""

    end: dt.date
    start: dt.date
    count: int
    ids: tuple[str, ...]
    time_to_detect: DurationSummary
    time_to_mitigate: DurationSummary
    time_to_resolve: DurationSummary

    def summary(self, name: str) -> DurationSummary:
        return getattr(self, name)


def month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """The last day of every month from `first`'s to `last`'s."""
    ends, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        if (year, month) == (dt.MAXYEAR, 12):
            ends.append(dt.date.max)  # no month follows it to count back from
            break
        following = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
        ends.append(following - dt.timedelta(days=1))
        year, month = following.year, following.month
    return ends


def rolling(postmortems: Iterable[Postmortem], days: int = ROLLING_DAYS,
            ends: Iterable[dt.date] | None = None) -> list[RollingPoint]:
    """A rolling `days`-day view: at each end date, the incidents dated in the window ending there.

    The window of `end` runs from `end - days + 1` to `end`, both included.
    `ends` default to the last day of each month from the first incident's
    month to the last's; undated postmortems are left out.
    """
    dated = sorted((pm for pm in postmortems if pm.date), key=lambda pm: (pm.date, pm.id))
    if ends is None:
        ends = month_ends(dated[0].date, dated[-1].date) if dated else []
    points = []
    for end in ends:
        # A window reaching back past year 1 starts at year 1.
        start = end - dt.timedelta(days=days - 1) if end - dt.date.min >= dt.timedelta(days=days - 1) else dt.date.min
        members = [pm for pm in dated if start <= pm.date <= end]
        points.append(RollingPoint(end, start, len(members), tuple(sorted(pm.id for pm in members)),
                                   summarise(members, "time_to_detect"), summarise(members, "time_to_mitigate"),
                                   summarise(members, "time_to_resolve")))
    return points

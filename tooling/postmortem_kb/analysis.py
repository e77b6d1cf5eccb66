"""Patterns across incidents: what triggers them, what contributes, what repeats, how we notice.

Pure functions of the loaded postmortems and the config: no files, no
markup. Every figure carries the ids of the postmortems behind it (sorted),
so a page can link each number to the incidents it counts, and a test can
recompute it from the front matter.

What is counted, decided once here:

- A value is counted as written (`trigger: deploy`); a value outside the
  config's vocabulary still counts, after the vocabulary's own values (lint
  reports it). A postmortem without a value counts under "(none)", so the
  shares of a year add up to its incidents.
- Time windows are in days and include both ends: the last 12 months are the
  365 days up to and including `today`; two incidents of a service are a
  repeat when their dates are at most 90 days apart.
- Undated postmortems cannot be placed in a year or a window; they are left
  out of those figures and listed in `undated`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Iterable, Mapping, Sequence

from postmortem_kb.config import KBConfig
from postmortem_kb.metrics import DurationSummary, summarise
from postmortem_kb.model import Postmortem

NONE = "(none)"
REPEAT_DAYS = 90
FACTOR_DAYS = 365
TOP_FACTORS = 10


def trigger_of(pm: Postmortem) -> str:
    return pm.text_field("trigger").strip() or NONE


def detection_of(pm: Postmortem) -> str:
    return pm.text_field("detection").strip() or NONE


def factors_of(pm: Postmortem) -> list[str]:
    return list(dict.fromkeys(value.strip() for value in pm.list_field("contributing_factors")))


def _ids(postmortems: Iterable[Postmortem]) -> tuple[str, ...]:
    return tuple(sorted(pm.id for pm in postmortems))


def _ordered(found: Iterable[str], vocabulary: Sequence[str]) -> list[str]:
    """The vocabulary's values first (in its order), then other values found (sorted), "(none)" last."""
    seen = set(found)
    extra = sorted(v for v in seen if v not in vocabulary and v != NONE)
    return [v for v in vocabulary if v in seen] + extra + ([NONE] if NONE in seen else [])


# -- share of incidents by trigger, per year ----------------------------------------------


@dataclass(frozen=True)
class Share:
    """A count out of a total, and the postmortems counted."""

    count: int
    total: int
    ids: tuple[str, ...]

    @property
    def share(self) -> float:
        return self.count / self.total if self.total else 0.0

    @property
    def percent(self) -> float:
        return round(100 * self.share, 1)

    def as_dict(self) -> dict:
        return {"count": self.count, "total": self.total, "share": self.share, "ids": list(self.ids)}


@dataclass(frozen=True)
class YearTriggers:
    year: int
    total: int
    ids: tuple[str, ...]
    by_trigger: Mapping[str, Share]  # in the table's column order; only triggers seen that year

    def share(self, trigger: str) -> Share:
        return self.by_trigger.get(trigger, Share(0, self.total, ()))


@dataclass(frozen=True)
class TriggersByYear:
    triggers: list[str]  # the columns: every trigger seen in any year
    years: list[YearTriggers]  # oldest first
    undated: tuple[str, ...] = ()


def triggers_by_year(postmortems: Iterable[Postmortem], config: KBConfig) -> TriggersByYear:
    """For each year, each trigger's share of that year's incidents."""
    postmortems = list(postmortems)
    dated = [pm for pm in postmortems if pm.date]
    columns = _ordered((trigger_of(pm) for pm in dated), list(config.triggers))
    years = []
    for year in sorted({pm.date.year for pm in dated}):
        members = [pm for pm in dated if pm.date.year == year]
        groups: dict[str, list[Postmortem]] = defaultdict(list)
        for pm in members:
            groups[trigger_of(pm)].append(pm)
        by_trigger = {t: Share(len(groups[t]), len(members), _ids(groups[t])) for t in columns if t in groups}
        years.append(YearTriggers(year, len(members), _ids(members), by_trigger))
    return TriggersByYear(columns, years, _ids(pm for pm in postmortems if not pm.date))


# -- top contributing factors of the last 12 months ------------------------------------------


@dataclass(frozen=True)
class FactorCount:
    factor: str
    description: str | None  # from the vocabulary; None for a value outside it
    count: int
    total: int  # incidents in the window
    ids: tuple[str, ...]

    @property
    def share(self) -> float:
        return self.count / self.total if self.total else 0.0


@dataclass(frozen=True)
class TopFactors:
    since: dt.date
    until: dt.date
    incidents: tuple[str, ...]  # every incident in the window, with or without factors
    without_factors: tuple[str, ...]
    factors: list[FactorCount]  # most frequent first, at most `limit`
    more: int = 0  # factors seen in the window beyond the limit


def top_factors(postmortems: Iterable[Postmortem], config: KBConfig, today: dt.date | None = None,
                days: int = FACTOR_DAYS, limit: int = TOP_FACTORS) -> TopFactors:
    """The contributing factors named most often by incidents dated in the last `days` days (up to `today`)."""
    until = today or dt.date.today()
    since = until - dt.timedelta(days=days - 1)
    window = [pm for pm in postmortems if pm.date and since <= pm.date <= until]
    groups: dict[str, list[Postmortem]] = defaultdict(list)
    for pm in window:
        for factor in factors_of(pm):
            groups[factor].append(pm)
    vocabulary = list(config.contributing_factors)
    rank = {f: n for n, f in enumerate(vocabulary)}
    ranked = sorted(groups, key=lambda f: (-len(groups[f]), rank.get(f, len(rank)), f))
    counts = [FactorCount(f, config.contributing_factors.get(f), len(groups[f]), len(window), _ids(groups[f]))
              for f in ranked[:limit]]
    return TopFactors(since, until, _ids(window), _ids(pm for pm in window if not factors_of(pm)), counts,
                      max(0, len(ranked) - limit))


# -- services with repeat incidents ----------------------------------------------------------


@dataclass(frozen=True)
class RepeatService:
    """A service with incidents at most `days` apart.

    `runs` are the chains of such incidents (each within `days` of the one
    before it), oldest first; `ids` every incident in a run.
    """

    service: str
    ids: tuple[str, ...]
    runs: tuple[tuple[str, ...], ...]
    shortest_gap_days: int
    incidents: int  # all of the service's dated incidents, repeats or not


def repeat_incidents(postmortems: Iterable[Postmortem], days: int = REPEAT_DAYS) -> list[RepeatService]:
    """Services with two or more incidents within `days` days; the most repeats first."""
    by_service: dict[str, list[Postmortem]] = defaultdict(list)
    for pm in postmortems:
        if pm.date:
            for service in dict.fromkeys(pm.services):
                by_service[service].append(pm)
    found = []
    for service, members in by_service.items():
        members.sort(key=lambda pm: (pm.date, pm.id))
        runs: list[list[Postmortem]] = []
        current = [members[0]]
        for before, after in pairwise(members):
            if (after.date - before.date).days <= days:
                current.append(after)
            else:
                if len(current) > 1:
                    runs.append(current)
                current = [after]
        if len(current) > 1:
            runs.append(current)
        if not runs:
            continue
        gaps = [(b.date - a.date).days for run in runs for a, b in pairwise(run)]
        found.append(RepeatService(service, _ids(pm for run in runs for pm in run),
                                   tuple(tuple(pm.id for pm in run) for run in runs), min(gaps), len(members)))
    found.sort(key=lambda r: (-len(r.ids), r.shortest_gap_days, r.service))
    return found


# -- detection method against time to detect ---------------------------------------------------


@dataclass(frozen=True)
class DetectionRow:
    method: str
    description: str | None
    count: int
    ids: tuple[str, ...]
    time_to_detect: DurationSummary  # over the incidents that have started_at and detected_at


def detection_vs_time_to_detect(postmortems: Iterable[Postmortem], config: KBConfig) -> list[DetectionRow]:
    """For each way of noticing an incident: how many, and the median and p90 time to detect."""
    groups: dict[str, list[Postmortem]] = defaultdict(list)
    for pm in postmortems:
        groups[detection_of(pm)].append(pm)
    return [DetectionRow(method, config.detection_methods.get(method), len(groups[method]), _ids(groups[method]),
                         summarise(groups[method], "time_to_detect"))
            for method in _ordered(groups, list(config.detection_methods))]


# -- all of it ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Analysis:
    triggers: TriggersByYear
    factors: TopFactors
    repeats: list[RepeatService]
    detection: list[DetectionRow]
    count: int
    undated: tuple[str, ...] = field(default=())


def analyse(postmortems: Iterable[Postmortem], config: KBConfig, today: dt.date | None = None) -> Analysis:
    """Every figure of the analysis page, from the loaded postmortems."""
    postmortems = [pm for pm in postmortems if not pm.failed]
    return Analysis(
        triggers=triggers_by_year(postmortems, config),
        factors=top_factors(postmortems, config, today),
        repeats=repeat_incidents(postmortems),
        detection=detection_vs_time_to_detect(postmortems, config),
        count=len(postmortems),
        undated=_ids(pm for pm in postmortems if not pm.date),
    )


def as_dict(analysis: Analysis) -> dict:
    """The analysis as JSON values (for an API file or a test), ids included with every figure."""
    return {
        "count": analysis.count,
        "undated": list(analysis.undated),
        "triggers_by_year": {
            "triggers": analysis.triggers.triggers,
            "years": [{"year": y.year, "total": y.total, "ids": list(y.ids),
                       "by_trigger": {t: s.as_dict() for t, s in y.by_trigger.items()}}
                      for y in analysis.triggers.years],
        },
        "top_factors": {
            "since": analysis.factors.since.isoformat(), "until": analysis.factors.until.isoformat(),
            "incidents": list(analysis.factors.incidents), "without_factors": list(analysis.factors.without_factors),
            "more": analysis.factors.more,
            "factors": [{"factor": f.factor, "description": f.description, "count": f.count, "total": f.total,
                         "ids": list(f.ids)} for f in analysis.factors.factors],
        },
        "repeat_incidents": [{"service": r.service, "ids": list(r.ids), "runs": [list(run) for run in r.runs],
                              "shortest_gap_days": r.shortest_gap_days, "incidents": r.incidents}
                             for r in analysis.repeats],
        "detection": [{"method": d.method, "description": d.description, "count": d.count, "ids": list(d.ids),
                       "time_to_detect": d.time_to_detect.as_dict()} for d in analysis.detection],
    }

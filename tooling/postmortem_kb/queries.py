"""Select postmortems and action items for `postmortem list`, `actions` and `stats`.

Filters read the model only. Repeating a filter accepts any of its values
(`--tag dns --tag network`: either tag); different filters must all hold.
Tags, services, severities and statuses match without regard to case.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from postmortem_kb.config import KBConfig
from postmortem_kb.ledger import LedgerEntry, ledger
from postmortem_kb.metrics import Aggregate, aggregate, month_key, quarter_key, year_key
from postmortem_kb.model import Postmortem
from postmortem_kb.records import LIST_COLUMNS, postmortem_record, relative_path  # noqa: F401 (list's API)


@dataclass
class Filters:
    tags: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    severities: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    since: dt.date | None = None
    until: dt.date | None = None


def _any_of(wanted: list[str], values: Iterable[str]) -> bool:
    if not wanted:
        return True
    have = {v.casefold() for v in values}
    return any(w.casefold() in have for w in wanted)


def matches(pm: Postmortem, filters: Filters) -> bool:
    if not _any_of(filters.tags, pm.tags) or not _any_of(filters.services, pm.services):
        return False
    if not _any_of(filters.severities, [pm.severity]) or not _any_of(filters.statuses, [pm.status]):
        return False
    if filters.since or filters.until:
        # An undated postmortem cannot be placed in a date range.
        if pm.date is None:
            return False
        if filters.since and pm.date < filters.since:
            return False
        if filters.until and pm.date > filters.until:
            return False
    return True


def select(postmortems: list[Postmortem], filters: Filters) -> list[Postmortem]:
    """The postmortems that pass every filter, in the order given (newest first from the KB)."""
    return [pm for pm in postmortems if matches(pm, filters)]


# -- list ----------------------------------------------------------------------
# The record of a row is `records.postmortem_record`, shared with the site's API.


def translation_records(postmortems: list[Postmortem], config: KBConfig) -> dict[str, dict[str, Any]]:
    """id -> {lang, translation_of, original, translations}: the links read both ways (see `languages`)."""
    from postmortem_kb.languages import Translations

    index = Translations(postmortems, config)
    return {pm.id: index.record(pm.id) for pm in postmortems if not pm.failed}


# -- actions ------------------------------------------------------------------

ACTION_COLUMNS = ["postmortem", "action", "owner", "priority", "due", "status", "ticket", "open", "overdue",
                  "path", "line"]


def select_actions(postmortems: list[Postmortem], config: KBConfig, only_open: bool = False,
                   only_overdue: bool = False, owners: list[str] | None = None,
                   today: dt.date | None = None) -> list[LedgerEntry]:
    """Action items from the ledger (open first, overdue first), filtered."""
    wanted_owners = [o.casefold().lstrip("@") for o in owners or []]
    chosen = []
    for entry in ledger(postmortems, config, today):
        if only_open and not entry.is_open:
            continue
        if only_overdue and not entry.is_overdue:
            continue
        if wanted_owners and entry.item.owner.casefold().lstrip("@") not in wanted_owners:
            continue
        chosen.append(entry)
    return chosen


def action_record(entry: LedgerEntry, root: Path | None = None) -> dict[str, Any]:
    item = entry.item
    return {
        "postmortem": entry.postmortem.id,
        "action": item.action,
        "owner": item.owner,
        "priority": item.priority,
        "due": item.due,
        "status": item.status,
        "ticket": item.ticket,
        "open": entry.is_open,
        "overdue": entry.is_overdue,
        "line": item.line,
        "path": relative_path(entry.postmortem, root),
    }


# -- stats --------------------------------------------------------------------

GROUPINGS: dict[str, Callable[[Postmortem], Iterable[str] | str | None]] = {
    "all": lambda pm: "all",
    "year": year_key,
    "quarter": quarter_key,
    "month": month_key,
    "severity": lambda pm: pm.severity or None,
    "service": lambda pm: pm.services,
    "tag": lambda pm: pm.tags,
    "trigger": lambda pm: pm.text_field("trigger").strip() or None,
    "factor": lambda pm: pm.list_field("contributing_factors"),
    "detection": lambda pm: pm.text_field("detection").strip() or None,
}
# (column prefix, duration name in metrics.DURATIONS)
STATS_DURATIONS = (("detect", "time_to_detect"), ("mitigate", "time_to_mitigate"), ("resolve", "time_to_resolve"))
STATS_COLUMNS = ["key", "count",
                 *[column for short, name in STATS_DURATIONS
                   for column in (f"median_{name}_seconds", f"p90_{name}_seconds", f"{short}_samples")],
                 "ids"]


def stats(postmortems: list[Postmortem], by: str, config: KBConfig | None = None) -> list[Aggregate]:
    """Groups with the median and p90 of each duration; severities in the config's order when given."""
    order = list(config.severities) if config is not None and by == "severity" else None
    return aggregate(postmortems, GROUPINGS[by], order=order)


def stats_record(group: Aggregate) -> dict[str, Any]:
    record: dict[str, Any] = {"key": group.key, "count": group.count}
    for short, name in STATS_DURATIONS:
        summary = group.summary(name)
        record[f"median_{name}_seconds"] = summary.median_seconds
        record[f"p90_{name}_seconds"] = summary.p90_seconds
        record[f"{short}_samples"] = summary.n
    record["ids"] = list(group.ids)
    return record

"""Action items across the knowledge base: which are open, when each is due, which are late.

An item is due on its own due date; one without a (readable) due date is
due at the incident's date plus the SLO of its priority (`actions.slo_days`,
default P1 28 days, P2 56: the four and eight weeks of published practice),
and has no due date when its priority has no SLO. Past that date, an open
item is overdue. Separately, an open item older than its priority's SLO
(counted from the incident, whatever due date it was given) is in breach
of the SLO: a due date set past the SLO does not hide that (the ledger
shows it), though such an item is not overdue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from postmortem_kb.config import KBConfig
from postmortem_kb.model import ActionItem, Postmortem


@dataclass
class LedgerEntry:
    postmortem: Postmortem
    item: ActionItem
    is_open: bool
    is_overdue: bool
    # The date the item is due: its own, or the incident's date + its SLO; None when neither is known.
    due: dt.date | None = None
    due_from_slo: bool = False
    slo_days: int | None = None
    # Open items: days since the incident (None for closed items and undated postmortems).
    age_days: int | None = None
    slo_breached: bool = False



def is_open(item: ActionItem, config: KBConfig) -> bool:
    # An item with no status at all has not been closed, so it counts as open.
    status = item.status.strip().lower()
    return not status or status in config.open_action_statuses


def is_overdue(item: ActionItem, config: KBConfig, today: dt.date) -> bool:
    """Open and past its own due date (the SLO aside: see `entry_for` for the SLO-aware answer)."""
    due = item.due_date
    return is_open(item, config) and due is not None and due < today


def slo_days_for(priority: str, config: KBConfig) -> int | None:
    """The SLO in days of a priority (`P1`, `p1 ` alike), or None when the config gives it none."""
    wanted = priority.strip().casefold()
    if not wanted:
        return None
    for name, days in (config.actions.get("slo_days") or {}).items():
        if str(name).strip().casefold() == wanted:
            return int(days)
    return None


def entry_for(pm: Postmortem, item: ActionItem, config: KBConfig, today: dt.date) -> LedgerEntry:
    """One item's place in the ledger: open, due when, overdue, age, SLO breach."""
    open_now = is_open(item, config)
    slo = slo_days_for(item.priority, config)
    incident = pm.date
    deadline = incident + dt.timedelta(days=slo) if slo is not None and incident is not None else None
    due, from_slo = item.due_date, False
    if due is None and deadline is not None:
        due, from_slo = deadline, True
    overdue = open_now and due is not None and due < today
    age = (today - incident).days if open_now and incident is not None else None
    breached = open_now and deadline is not None and deadline < today
    return LedgerEntry(pm, item, open_now, overdue, due, from_slo, slo, age, breached)


def ledger(postmortems: list[Postmortem], config: KBConfig, today: dt.date | None = None) -> list[LedgerEntry]:
    """Every action item: open ones first, overdue first among them, then by the date due."""
    today = today or dt.date.today()
    entries = [entry_for(pm, item, config, today) for pm in postmortems for item in pm.actions]
    far_future = dt.date.max
    entries.sort(key=lambda e: (not e.is_open, not e.is_overdue, e.due or far_future, e.postmortem.id, e.item.line))
    return entries


def slo_record(entry: LedgerEntry) -> dict[str, Any]:
    """The SLO fields of an entry as JSON values (beside `queries.action_record`)."""
    return {
        "due_effective": entry.due.isoformat() if entry.due else None,
        "due_from_slo": entry.due_from_slo,
        "slo_days": entry.slo_days,
        "age_days": entry.age_days,
        "slo_breached": entry.slo_breached,
    }

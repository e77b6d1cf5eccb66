"""Action items across the knowledge base: which are open, which are overdue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from postmortem_kb.config import KBConfig
from postmortem_kb.model import ActionItem, Postmortem


@dataclass
class LedgerEntry:
    postmortem: Postmortem
    item: ActionItem
    is_open: bool
    is_overdue: bool


def is_open(item: ActionItem, config: KBConfig) -> bool:
    # An item with no status at all has not been closed, so it counts as open.
    status = item.status.strip().lower()
    return not status or status in config.open_action_statuses


def is_overdue(item: ActionItem, config: KBConfig, today: dt.date) -> bool:
    due = item.due_date
    return is_open(item, config) and due is not None and due < today


def ledger(postmortems: list[Postmortem], config: KBConfig, today: dt.date | None = None) -> list[LedgerEntry]:
    """Every action item: open ones first, overdue first among them, then by due date."""
    today = today or dt.date.today()
    entries = [
        LedgerEntry(pm, item, is_open(item, config), is_overdue(item, config, today))
        for pm in postmortems
        for item in pm.actions
    ]
    far_future = dt.date.max
    entries.sort(key=lambda e: (not e.is_open, not e.is_overdue, e.item.due_date or far_future, e.postmortem.id, e.item.line))
    return entries

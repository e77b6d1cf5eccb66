"""The action-item ledger at /actions/: every follow-up the knowledge base promised.

Open items come first and overdue ones are flagged (as of the build date);
each row links back to its postmortem. Postmortems that list no action items
are named at the end, because a missing follow-up is worth noticing too.
"""

from __future__ import annotations

import datetime as dt

from postmortem_kb.config import KBConfig
from postmortem_kb.ledger import LedgerEntry, ledger
from postmortem_kb.model import Postmortem
from postmortem_kb.site.blocks import MISSING, listing_table, page_title, plural, postmortem_link, value
from postmortem_kb.site.escape import css_token, md_text
from postmortem_kb.site.urls import ACTIONS_PAGE

_HEADER = [
    "| Status | Action | Owner | Priority | Due | Ticket | Postmortem |",
    "|--------|--------|-------|----------|-----|--------|------------|",
]


def _status(entry: LedgerEntry) -> str:
    status = entry.item.status.strip()
    label = md_text(status) if status else "no status"
    return f'<span class="pm-action-status pm-action-{css_token(status)}">{label}</span>'


def _due(entry: LedgerEntry) -> str:
    due = f'<span class="pm-due">{value(entry.item.due)}</span>'
    if entry.is_overdue:
        return f'{due} <span class="pm-overdue">overdue</span>'
    return due


def _row(entry: LedgerEntry) -> str:
    item = entry.item
    return (
        f"| {_status(entry)} | {value(item.action)} | {value(item.owner)} | {value(item.priority)} | "
        f"{_due(entry)} | {value(item.ticket)} | {postmortem_link(ACTIONS_PAGE, entry.postmortem)} |"
    )


def render_actions_page(postmortems: list[Postmortem], config: KBConfig, today: dt.date) -> str:
    entries = ledger(postmortems, config, today)
    open_entries = [e for e in entries if e.is_open]
    closed_entries = [e for e in entries if not e.is_open]
    overdue = sum(1 for e in open_entries if e.is_overdue)
    without = [pm for pm in postmortems if not pm.actions]

    out = [page_title("Action items", wide=True), "# Action items\n"]
    out.append(
        f"{plural(len(entries), 'action item')} across {plural(len(postmortems), 'postmortem')}: "
        f"**{len(open_entries)} open**, of which **{overdue} overdue** as of {today.isoformat()}; "
        f"{len(closed_entries)} closed. An item without a status counts as open.\n"
    )
    out.append(f"## Open ({len(open_entries)})\n")
    out.append("\n".join(_HEADER + [_row(e) for e in open_entries]) + "\n" if open_entries else "Nothing open.\n")
    out.append(f"## Closed ({len(closed_entries)})\n")
    out.append("\n".join(_HEADER + [_row(e) for e in closed_entries]) + "\n" if closed_entries else f"{MISSING}\n")
    out.append(f"## Postmortems without action items ({len(without)})\n")
    if without:
        out.append(listing_table(ACTIONS_PAGE, without, config["severities"], presorted=True))
    else:
        out.append("Every postmortem lists at least one action item.\n")
    return "\n".join(out)

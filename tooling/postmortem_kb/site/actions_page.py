"""The action-item ledger at /actions/: every follow-up the knowledge base promised.

Open items come first and overdue ones are flagged (as of the build date),
as are open items older than the SLO of their priority (`ledger`); tickets
link to the tracker (`tickets:`), and each row links back to its
postmortem and shows its status. Postmortems that list no action items
are named at the end, because a missing follow-up is worth noticing too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

from postmortem_kb.config import KBConfig
from postmortem_kb.ledger import LedgerEntry, ledger
from postmortem_kb.model import Postmortem
from postmortem_kb.review import draft_status
from postmortem_kb.site.blocks import (
    MISSING,
    Chip,
    Listing,
    or_missing,
    page_title,
    plural,
    status_chip,
)
from postmortem_kb.site.escape import css_token
from postmortem_kb.site.fragments import fragment
from postmortem_kb.site.parts import SECTION_END, Block, PageSource
from postmortem_kb.site.urls import ACTIONS_PAGE, href, postmortem_page
from postmortem_kb.tickets import ticket_url, tickets_in


@dataclass(frozen=True)
class LedgerRow:
    """What actions.html shows of one item."""

    status: Chip
    action: str
    owner: str
    priority: str
    due: str
    due_from_slo: bool
    slo_days: int | None
    overdue: bool
    slo_breached: bool
    age: str
    tickets: list[tuple[str, str | None]]
    href: str
    title: str
    pm_status: Chip


def ticket_links(cell: str, config: KBConfig) -> list[tuple[str, str | None]]:
    """Each ticket of a Ticket cell with its URL under `tickets:` (a URL written out is its own link)."""
    out = []
    for ticket in tickets_in(cell):
        url = ticket_url(ticket, config)
        if url is None and urlsplit(ticket).scheme in ("http", "https"):
            url = ticket
        out.append((ticket, url))
    return out


def _row(entry: LedgerEntry, config: KBConfig, directory_urls: bool) -> LedgerRow:
    item, status = entry.item, entry.item.status.strip()
    return LedgerRow(
        status=Chip(f"pm-action-status pm-action-{css_token(status)}", status or "no status"),
        action=or_missing(item.action), owner=or_missing(item.owner), priority=or_missing(item.priority),
        # The date it is due by: its own, or the incident's plus the SLO of its priority (marked *).
        due=entry.due.isoformat() if entry.due else or_missing(item.due), due_from_slo=entry.due_from_slo,
        slo_days=entry.slo_days, overdue=entry.is_overdue, slo_breached=entry.slo_breached,
        age=MISSING if entry.age_days is None else f"{entry.age_days}d",
        tickets=ticket_links(item.ticket, config),
        href=href(ACTIONS_PAGE, postmortem_page(entry.postmortem.id), directory_urls), title=entry.postmortem.title,
        pm_status=status_chip(entry.postmortem),
    )


def _table(entries: list[LedgerEntry], config: KBConfig, directory_urls: bool) -> Block:
    # Thousands of rows that Python-Markdown and the search index need not
    # read (each item is indexed on its postmortem's page): see parts.
    return Block(fragment("actions.html", rows=[_row(e, config, directory_urls) for e in entries]), SECTION_END)


def render_actions_page(postmortems: list[Postmortem], config: KBConfig, today: dt.date,
                        directory_urls: bool = True, listing: Listing | None = None) -> PageSource:
    entries = ledger(postmortems, config, today)
    open_entries = [e for e in entries if e.is_open]
    closed_entries = [e for e in entries if not e.is_open]
    overdue = sum(1 for e in open_entries if e.is_overdue)
    breached = sum(1 for e in open_entries if e.slo_breached and not e.is_overdue)
    without = [pm for pm in postmortems if not pm.actions]

    out = PageSource([page_title("Action items", wide=True), "# Action items\n"])
    out.parts.append(
        f"{plural(len(entries), 'action item')} across {plural(len(postmortems), 'postmortem')}: "
        f"**{len(open_entries)} open**, of which **{overdue} overdue** as of {today.isoformat()}; "
        f"{len(closed_entries)} closed"
        + (f"; {breached} more open longer than the SLO of their priority" if breached else "")
        + ". An item without a status counts as open; one without a due date is due by the SLO of its priority "
        "(`actions.slo_days`, marked *). Age: days since the incident.\n"
    )
    out.parts.append(f"## Open ({len(open_entries)})\n")
    out.parts += [_table(open_entries, config, directory_urls), ""] if open_entries else ["Nothing open.\n"]
    out.parts.append(f"## Closed ({len(closed_entries)})\n")
    out.parts += [_table(closed_entries, config, directory_urls), ""] if closed_entries else [f"{MISSING}\n"]
    out.parts.append(f"## Postmortems without action items ({len(without)})\n")
    if without:
        listing = listing or Listing(config.severities, directory_urls, draft_status(config))
        out.parts += [listing.table(ACTIONS_PAGE, without, presorted=True, at=SECTION_END), ""]
    else:
        out.parts.append("Every postmortem lists at least one action item.\n")
    return out

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
from postmortem_kb.site.blocks import MISSING, Chip, Listing, or_missing, page_title, plural
from postmortem_kb.site.escape import css_token
from postmortem_kb.site.fragments import fragment
from postmortem_kb.site.parts import SECTION_END, Block, PageSource
from postmortem_kb.site.urls import ACTIONS_PAGE, href, postmortem_page


def _row(entry: LedgerEntry, directory_urls: bool) -> tuple:
    """The values of one row of actions.html, in its order."""
    item, status = entry.item, entry.item.status.strip()
    return (
        Chip(f"pm-action-status pm-action-{css_token(status)}", status or "no status"), or_missing(item.action),
        or_missing(item.owner), or_missing(item.priority), or_missing(item.due), entry.is_overdue,
        or_missing(item.ticket), href(ACTIONS_PAGE, postmortem_page(entry.postmortem.id), directory_urls),
        entry.postmortem.title,
    )


def _table(entries: list[LedgerEntry], directory_urls: bool) -> Block:
    # Thousands of rows that Python-Markdown and the search index need not
    # read (each item is indexed on its postmortem's page): see parts.
    return Block(fragment("actions.html", rows=[_row(e, directory_urls) for e in entries]), SECTION_END)


def render_actions_page(postmortems: list[Postmortem], config: KBConfig, today: dt.date,
                        directory_urls: bool = True, listing: Listing | None = None) -> PageSource:
    entries = ledger(postmortems, config, today)
    open_entries = [e for e in entries if e.is_open]
    closed_entries = [e for e in entries if not e.is_open]
    overdue = sum(1 for e in open_entries if e.is_overdue)
    without = [pm for pm in postmortems if not pm.actions]

    out = PageSource([page_title("Action items", wide=True), "# Action items\n"])
    out.parts.append(
        f"{plural(len(entries), 'action item')} across {plural(len(postmortems), 'postmortem')}: "
        f"**{len(open_entries)} open**, of which **{overdue} overdue** as of {today.isoformat()}; "
        f"{len(closed_entries)} closed. An item without a status counts as open.\n"
    )
    out.parts.append(f"## Open ({len(open_entries)})\n")
    out.parts += [_table(open_entries, directory_urls), ""] if open_entries else ["Nothing open.\n"]
    out.parts.append(f"## Closed ({len(closed_entries)})\n")
    out.parts += [_table(closed_entries, directory_urls), ""] if closed_entries else [f"{MISSING}\n"]
    out.parts.append(f"## Postmortems without action items ({len(without)})\n")
    if without:
        listing = listing or Listing(config.severities, directory_urls)
        out.parts += [listing.table(ACTIONS_PAGE, without, presorted=True, at=SECTION_END), ""]
    else:
        out.parts.append("Every postmortem lists at least one action item.\n")
    return out

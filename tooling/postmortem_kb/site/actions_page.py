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
from postmortem_kb.site.blocks import MISSING, html_text, listing_table, page_title, plural, postmortem_link, value
from postmortem_kb.site.escape import css_token
from postmortem_kb.site.parts import OUTPUT, HtmlBlock, PageSource
from postmortem_kb.site.urls import ACTIONS_PAGE

_HEADER = (
    "<table data-search-exclude>\n<thead>\n<tr><th>Status</th><th>Action</th><th>Owner</th><th>Priority</th><th>Due</th><th>Ticket</th>"
    "<th>Postmortem</th></tr>\n</thead>\n<tbody>"
)


def _status(entry: LedgerEntry) -> str:
    status = entry.item.status.strip()
    label = html_text(status) if status else "no status"
    return f'<span class="pm-action-status pm-action-{css_token(status)}">{label}</span>'


def _due(entry: LedgerEntry) -> str:
    due = f'<span class="pm-due">{value(entry.item.due)}</span>'
    if entry.is_overdue:
        return f'{due} <span class="pm-overdue">overdue</span>'
    return due


def _row(entry: LedgerEntry, directory_urls: bool) -> str:
    item = entry.item
    return (
        f"<tr><td>{_status(entry)}</td><td>{value(item.action)}</td><td>{value(item.owner)}</td>"
        f"<td>{value(item.priority)}</td><td>{_due(entry)}</td><td>{value(item.ticket)}</td>"
        f"<td>{postmortem_link(ACTIONS_PAGE, entry.postmortem, directory_urls)}</td></tr>"
    )


def _table(entries: list[LedgerEntry], directory_urls: bool) -> HtmlBlock:
    # HTML, and only in the written page (OUTPUT): thousands of rows that
    # Python-Markdown and the search index need not read again (each item is
    # indexed on its postmortem's page).
    rows = [_HEADER, *(_row(e, directory_urls) for e in entries), "</tbody>\n</table>"]
    return HtmlBlock("\n".join(rows), stage=OUTPUT)


def render_actions_page(postmortems: list[Postmortem], config: KBConfig, today: dt.date,
                        directory_urls: bool = True) -> PageSource:
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
        out.parts += [listing_table(ACTIONS_PAGE, without, config["severities"], True, directory_urls), ""]
    else:
        out.parts.append("Every postmortem lists at least one action item.\n")
    return out

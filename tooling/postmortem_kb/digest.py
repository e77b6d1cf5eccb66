"""A digest of the knowledge base's recent changes, for a weekly post to chat or mail.

It reads the files only, so it runs in a shallow CI checkout and gives the
same answer on every machine:

- new: postmortems whose incident date falls in the window;
- newly published: postmortems published (or closed) whose last approval
  falls in the window (the approval that let them be published);
- became overdue: open action items whose due date (their own, or the
  incident's date + the SLO of their priority) passed in the window;
- reviews waiting: the review queue as it stands (`review.review_queue`).

`render_markdown`, `render_json` and `render_slack` format one `Digest`;
Slack gets Block Kit JSON that a job posts to an incoming webhook (this
module sends nothing anywhere).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from postmortem_kb.config import KBConfig
from postmortem_kb.ledger import LedgerEntry, ledger
from postmortem_kb.model import Postmortem
from postmortem_kb.review import (
    ReviewEntry,
    ReviewRules,
    approval_statuses,
    approvals_of,
    review_queue,
)

_SINCE = re.compile(r"^(\d+)\s*([dw])$")
# Block Kit: a section's text holds at most 3,000 characters; a message at most 50 blocks.
SLACK_TEXT_LIMIT = 3000
SLACK_LINES_PER_LIST = 15


def parse_since(text: str, today: dt.date) -> dt.date:
    """`7d`, `2w` or a date (YYYY-MM-DD) -> the window's first day. ValueError otherwise."""
    value = text.strip().lower()
    match = _SINCE.match(value)
    if match:
        days = int(match.group(1)) * (7 if match.group(2) == "w" else 1)
        return today - dt.timedelta(days=days)
    return dt.date.fromisoformat(value)


@dataclass
class Digest:
    since: dt.date
    today: dt.date
    new: list[Postmortem] = field(default_factory=list)
    published: list[Postmortem] = field(default_factory=list)
    overdue: list[LedgerEntry] = field(default_factory=list)
    reviews: list[ReviewEntry] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.new or self.published or self.overdue or self.reviews)


def _published_on(pm: Postmortem) -> dt.date | None:
    dates = [a.date for a in approvals_of(pm) if a.date is not None]
    return max(dates) if dates else None


def build_digest(postmortems: Iterable[Postmortem], config: KBConfig, since: dt.date,
                 today: dt.date | None = None, rules: ReviewRules | None = None) -> Digest:
    today = today or dt.date.today()
    loaded = [pm for pm in postmortems if not pm.failed]
    digest = Digest(since, today)
    digest.new = sorted((pm for pm in loaded if pm.date and since <= pm.date <= today),
                        key=lambda pm: (pm.date, pm.id), reverse=True)
    published = approval_statuses(config)
    digest.published = sorted(
        (pm for pm in loaded if pm.status in published and (_published_on(pm) or dt.date.min) >= since
         and (_published_on(pm) or dt.date.max) <= today),
        key=lambda pm: (_published_on(pm), pm.id), reverse=True)
    digest.overdue = [entry for entry in ledger(loaded, config, today)
                      if entry.is_overdue and entry.due is not None and since <= entry.due < today]
    digest.reviews = review_queue(loaded, config, today, rules)
    return digest


# -- rendering ----------------------------------------------------------------------

def _url(site_url: str | None, pm: Postmortem) -> str | None:
    from postmortem_kb.site.urls import page_url, postmortem_page

    return f"{site_url.rstrip('/')}/{page_url(postmortem_page(pm.id))}" if site_url else None


def _pm_record(pm: Postmortem, site_url: str | None) -> dict[str, Any]:
    return {"id": pm.id, "title": pm.title, "date": pm.date.isoformat() if pm.date else None,
            "severity": pm.severity, "status": pm.status, "url": _url(site_url, pm)}


def as_dict(digest: Digest, site_url: str | None = None) -> dict[str, Any]:
    from postmortem_kb.review import review_record

    return {
        "since": digest.since.isoformat(),
        "until": digest.today.isoformat(),
        "new": [_pm_record(pm, site_url) for pm in digest.new],
        "published": [{**_pm_record(pm, site_url), "published_on": _published_on(pm).isoformat()}
                      for pm in digest.published],
        "became_overdue": [{
            "postmortem": e.postmortem.id, "action": e.item.action, "owner": e.item.owner,
            "priority": e.item.priority, "due": e.due.isoformat() if e.due else None,
            "due_from_slo": e.due_from_slo, "ticket": e.item.ticket, "url": _url(site_url, e.postmortem),
        } for e in digest.overdue],
        "reviews_waiting": [{**review_record(e), "url": _url(site_url, e.postmortem)} for e in digest.reviews],
    }


def render_json(digest: Digest, site_url: str | None = None) -> str:
    return json.dumps(as_dict(digest, site_url), indent=2, ensure_ascii=False)


_REVIEW_WORDS = {"awaiting": "in review", "stale-draft": "stale draft", "missing-approvals": "short of approvals"}


def _review_note(entry: ReviewEntry) -> str:
    state = entry.approval
    age = f", {entry.age_days} days since the incident" if entry.age_days is not None else ""
    return f"{_REVIEW_WORDS[entry.kind]}, {len(state.counted)}/{state.required} approvals{age}"


def _md_escape(text: str) -> str:
    from postmortem_kb.markdown_text import md_text

    return md_text(text)


def render_markdown(digest: Digest, site_url: str | None = None) -> str:
    def link(pm: Postmortem) -> str:
        url = _url(site_url, pm)
        title = _md_escape(pm.title)
        return f"[{title}]({url})" if url else f"{title} (`{pm.id}`)"

    out = [f"# Postmortem digest, {digest.since.isoformat()} to {digest.today.isoformat()}", ""]
    sections = [
        ("New postmortems", [f"- {link(pm)}: {pm.severity or '-'}, {pm.status or '-'}" for pm in digest.new]),
        ("Newly published", [f"- {link(pm)}: {pm.severity or '-'}, last approval {_published_on(pm).isoformat()}"
                             for pm in digest.published]),
        ("Action items that became overdue", [
            f"- {_md_escape(e.item.action)} ({_md_escape(e.item.owner) or 'no owner'}, due {e.due.isoformat()}"
            f"{' by its SLO' if e.due_from_slo else ''}) in {link(e.postmortem)}" for e in digest.overdue]),
        ("Reviews waiting", [f"- {link(e.postmortem)}: {_review_note(e)}" for e in digest.reviews]),
    ]
    for heading, lines in sections:
        out += [f"## {heading}", "", *(lines or ["None."]), ""]
    return "\n".join(out).rstrip() + "\n"


def _slack_escape(text: str) -> str:
    # Slack's mrkdwn needs only these three escaped (its docs: "Escaping text").
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_section(heading: str, lines: list[str]) -> dict[str, Any]:
    shown = lines[:SLACK_LINES_PER_LIST]
    if len(lines) > len(shown):
        shown.append(f"…and {len(lines) - len(shown)} more")
    text = f"*{heading}*\n" + ("\n".join(shown) if shown else "None.")
    if len(text) > SLACK_TEXT_LIMIT:
        text = text[: SLACK_TEXT_LIMIT - 1] + "…"
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def render_slack(digest: Digest, site_url: str | None = None) -> str:
    """Block Kit JSON: `{"text": fallback, "blocks": [...]}`, ready for an incoming webhook."""
    def link(pm: Postmortem) -> str:
        url = _url(site_url, pm)
        title = _slack_escape(pm.title).replace("|", "¦")
        return f"<{url}|{title}>" if url else title

    title = f"Postmortem digest, {digest.since.isoformat()} to {digest.today.isoformat()}"
    counts = (f"{len(digest.new)} new, {len(digest.published)} published, {len(digest.overdue)} action item(s) "
              f"overdue, {len(digest.reviews)} waiting on review")
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title[:150], "emoji": False}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": _slack_escape(counts)}]},
        {"type": "divider"},
        _slack_section("New postmortems", [f"• {link(pm)} ({_slack_escape(pm.severity or '-')})" for pm in digest.new]),
        _slack_section("Newly published", [f"• {link(pm)} ({_slack_escape(pm.severity or '-')})"
                                           for pm in digest.published]),
        _slack_section("Action items that became overdue", [
            f"• {_slack_escape(e.item.action)} ({_slack_escape(e.item.owner or 'no owner')}, due {e.due.isoformat()}) "
            f"in {link(e.postmortem)}" for e in digest.overdue]),
        _slack_section("Reviews waiting", [f"• {link(e.postmortem)}: {_slack_escape(_review_note(e))}"
                                           for e in digest.reviews]),
    ]
    return json.dumps({"text": f"{title}: {counts}", "blocks": blocks}, indent=2, ensure_ascii=False)

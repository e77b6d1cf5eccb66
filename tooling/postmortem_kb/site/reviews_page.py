"""The review queue at /reviews/: postmortems in review, stale drafts, and published ones short of approvals.

What counts in each list, and who may approve, is `review.review_queue`
and `review.ReviewRules`: the same rules lint applies at `published`, so
the page and CI never disagree. Ages are days since the incident's date
(the file records no other date) as of the build day; every row shows the
postmortem's status, so a draft is marked as one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from postmortem_kb.config import DEFAULTS, KBConfig
from postmortem_kb.model import Postmortem
from postmortem_kb.review import (
    AWAITING,
    MISSING_APPROVALS,
    STALE_DRAFT,
    ReviewEntry,
    ReviewRules,
    review_queue,
)
from postmortem_kb.site.blocks import (
    MISSING,
    Chip,
    format_date,
    page_title,
    plural,
    severity_chip,
    status_chip,
)
from postmortem_kb.site.fragments import fragment
from postmortem_kb.site.parts import SECTION_END, Block, PageSource
from postmortem_kb.site.urls import REVIEWS_PAGE, href, postmortem_page

# kind -> (heading, what the list means, what an empty list says)
_SECTIONS = (
    (AWAITING, "Awaiting review", "In review: waiting for the approvals their severity needs.",
     "Nothing waits on review."),
    (STALE_DRAFT, "Stale drafts", "Drafts whose incident is more than {days} days old (`review.stale_draft_days`).",
     "No draft is older than {days} days."),
    (MISSING_APPROVALS, "Published without the approvals now required",
     "Published (or closed) before the rules asked for what they ask now, or approved by someone they do not allow.",
     "Every published postmortem has the approvals the rules ask for."),
)


@dataclass(frozen=True)
class ReviewRow:
    """What reviews.html shows of one queue entry."""

    id: str
    href: str
    title: str
    status: Chip
    severity: Chip
    date: str
    age: str
    approvals: str
    waiting: str


def _age(days: int | None) -> str:
    return MISSING if days is None else plural(days, "day")


def _waiting(entry: ReviewEntry) -> str:
    """Who the postmortem waits on: requested reviewers who have not approved, else who may approve."""
    if entry.waiting_on:
        return ", ".join(entry.waiting_on)
    state = entry.approval
    if state.satisfied:
        return MISSING
    return f"any of: {state.who_may_approve()}" if state.may_approve else state.who_may_approve()


def review_row(entry: ReviewEntry, severities, directory_urls: bool = True) -> ReviewRow:
    pm, state = entry.postmortem, entry.approval
    return ReviewRow(
        id=pm.id, href=href(REVIEWS_PAGE, postmortem_page(pm.id), directory_urls), title=pm.title,
        status=status_chip(pm), severity=severity_chip(pm, severities), date=format_date(pm),
        age=_age(entry.age_days), approvals=f"{len(state.counted)} of {state.required}", waiting=_waiting(entry),
    )


def stale_draft_days(config: KBConfig) -> int:
    return int(config.review.get("stale_draft_days") or DEFAULTS["review"]["stale_draft_days"])


def render_reviews_page(postmortems: list[Postmortem], config: KBConfig, today: dt.date,
                        directory_urls: bool = True, rules: ReviewRules | None = None) -> PageSource:
    entries = review_queue(postmortems, config, today, rules)
    days = stale_draft_days(config)
    out = PageSource([page_title("Reviews", wide=True), "# Reviews\n"])
    out.parts.append(
        f"{plural(len(entries), 'postmortem')} {'needs' if len(entries) == 1 else 'need'} someone's attention "
        f"as of {today.isoformat()}. "
        "Approvals are counted by the review rules of `postmortem-kb.yml`, as `postmortem lint` counts them; "
        "ages are days since the incident. `postmortem review ID --approve` records an approval.\n"
    )
    for kind, heading, meaning, empty in _SECTIONS:
        members = [e for e in entries if e.kind == kind]
        out.parts.append(f"## {heading} ({len(members)})\n")
        out.parts.append(meaning.format(days=days) + "\n")
        if members:
            rows = [review_row(e, config.severities, directory_urls) for e in members]
            out.parts += [Block(fragment("reviews.html", rows=rows), SECTION_END), ""]
        else:
            out.parts.append(empty.format(days=days) + "\n")
    return out

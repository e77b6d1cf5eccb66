"""Review and follow-up rules: approvals at publication, the closed status, tickets that link.

The approvals are read from the front matter and judged by `review.ReviewRules`
(the config's `review:`; CODEOWNERS read once per run).
"""

from __future__ import annotations

from typing import Iterable

from postmortem_kb.lint.registry import Hit, LintContext, rule
from postmortem_kb.model import ERROR, INFO, WARNING, Postmortem
from postmortem_kb.review import (
    ReviewRules,
    approvals_of,
    can_close,
    closed_status,
    name_key,
    needs_approvals,
    open_items,
)


def _rules(ctx: LintContext) -> ReviewRules:
    return ctx.once("review-rules", lambda: ReviewRules.from_config(ctx.config))


def _line(pm: Postmortem, *keys: str) -> int:
    for key in keys:
        if key in pm.meta_lines:
            return pm.meta_lines[key]
    return max(1, pm.body_line - 1)


@rule("review-approvals", ERROR,
      "A published (or closed) postmortem has the approvals its severity needs, from people allowed to approve.")
def review_approvals(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    if not needs_approvals(pm, ctx.config):
        return
    state = _rules(ctx).state(pm)
    if state.satisfied:
        return
    has = ", ".join(a.by for a in state.counted)
    why = []
    if state.by_author:
        why.append(f"{', '.join(a.by for a in state.by_author)}: an author")
    if state.not_allowed:
        why.append(f"{', '.join(a.by for a in state.not_allowed)}: not allowed to approve")
    uncounted = f"; not counted: {'; '.join(why)}" if why else ""
    severity = f" ({pm.severity})" if pm.severity else ""
    yield Hit(_line(pm, "approvals", "status"),
              f"`status: {pm.status}` needs {state.required} approval{'s' if state.required != 1 else ''}{severity}; "
              f"it has {len(state.counted)}{f' ({has})' if has else ''}{uncounted}. "
              f"May approve: {state.who_may_approve()} (`postmortem review {pm.id} --approve --as NAME`)")


@rule("review-self-approval", ERROR, "No author approves their own postmortem.")
def review_self_approval(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    authors = {name_key(a) for a in pm.authors}
    for approval in approvals_of(pm):
        if name_key(approval.by) in authors:
            yield Hit(_line(pm, "approvals"),
                      f"{approval.by} is an author and approved it; an approval must come from someone else "
                      f"(may approve: {_rules(ctx).state(pm).who_may_approve()})")


@rule("review-closed-open-items", ERROR, "A closed postmortem has no open action items.")
def review_closed_open_items(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    closed = closed_status(ctx.config)
    if closed is None or pm.status != closed:
        return
    still_open = open_items(pm, ctx.config)
    if still_open:
        yield Hit(_line(pm, "status"),
                  f"`status: {closed}` with {len(still_open)} open action item{'s' if len(still_open) != 1 else ''} "
                  f"(first at line {still_open[0].line}); close them (done or wontfix) or go back to "
                  f"`status: {ctx.config.statuses[-1]}`")


@rule("review-closable", INFO, "A published postmortem whose action items are all done or wontfix can be closed.")
def review_closable(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    if can_close(pm, ctx.config):
        yield Hit(_line(pm, "status"), f"every action item is done or wontfix: set `status: {closed_status(ctx.config)}`")


@rule("ticket-pattern", WARNING, "Each ticket matches one of the config's `tickets:` patterns (when it has any).")
def ticket_pattern(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    from postmortem_kb.tickets import unmatched_tickets

    if not ctx.config.tickets:
        return
    patterns = ", ".join(f"`{p}`" for p in ctx.config.tickets)
    for item in pm.actions:
        for ticket in unmatched_tickets(item.ticket, ctx.config):
            yield Hit(item.line, f"ticket `{ticket}` matches none of the `tickets:` patterns ({patterns}), "
                                 "so it is not a link; fix the ticket or add a pattern")

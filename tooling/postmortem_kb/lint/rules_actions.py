"""Action-item rules: each item has an owner, a due date and a known status; none forgotten."""

from __future__ import annotations

from typing import Iterable

from postmortem_kb.ledger import entry_for, slo_days_for
from postmortem_kb.lint.registry import Hit, LintContext, rule
from postmortem_kb.lint.suggest import did_you_mean
from postmortem_kb.model import ERROR, WARNING, ActionItem, Postmortem


def _table_items(pm: Postmortem) -> list[ActionItem]:
    return [item for item in pm.actions if item.from_table]


def _label(item: ActionItem) -> str:
    text = " ".join(item.action.split())
    return f"action item '{text[:50]}{'...' if len(text) > 50 else ''}'" if text else "action item"


@rule("action-table", ERROR, "Action items are a table (Action, Owner, Due, Status), not a bullet list.")
def action_table(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    listed = [item for item in pm.actions if not item.from_table]
    if listed:
        missing = sum(1 for item in listed if not (item.owner and item.due and item.status))
        # Fields written in the prose are read (`postmortem show` lists them), but only a table gives each its place.
        detail = (f"{missing} of them lack an owner, a due date or a status" if missing
                  else "their owners, dates and statuses are read from the prose")
        yield Hit(listed[0].line, f"the {len(listed)} action item{'s are' if len(listed) != 1 else ' is'} a bullet "
                                  f"list ({detail}); make it a table "
                                  "`| Action | Owner | Priority | Due | Status | Ticket |` "
                                  "so every item has each field")


@rule("action-owner", ERROR, "Every action item has an owner.")
def action_owner(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    for item in _table_items(pm):
        if not item.owner.strip():
            yield Hit(item.line, f"{_label(item)} has no owner; name the person or team who will do it")


@rule("action-due", ERROR, "Every action item has a due date, YYYY-MM-DD.")
def action_due(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    for item in _table_items(pm):
        if not item.due.strip():
            # An item whose priority has an SLO is due at the incident date + the SLO.
            if slo_days_for(item.priority, ctx.config) is not None and pm.date is not None:
                continue
            yield Hit(item.line, f"{_label(item)} has no due date; add one as YYYY-MM-DD, or give it a priority "
                                 "with an SLO (`actions.slo_days`)")
        elif item.due_date is None:
            yield Hit(item.line, f"{_label(item)} is due `{item.due.strip()}`, which is not a date; write YYYY-MM-DD")


@rule("action-status", ERROR, "Every action item has a status from `action_statuses`.")
def action_status(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    allowed = ctx.config.action_statuses
    lowered = {s.lower() for s in allowed}
    for item in _table_items(pm):
        status = item.status.strip()
        if not status:
            yield Hit(item.line, f"{_label(item)} has no status; use one of {', '.join(allowed)}")
        elif status.lower() not in lowered:
            yield Hit(item.line, f"{_label(item)} has status `{status}`, not one of {', '.join(allowed)}"
                                 f"{did_you_mean(status, allowed)}")


@rule("action-required", ERROR, "A published postmortem lists at least one action item.")
def action_required(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    status = pm.meta.get("status")
    required = {*ctx.config.actions_required_statuses, ctx.config.review.get("closed_status")}
    if not isinstance(status, str) or status not in required or pm.actions:
        return
    section = pm.section("Action items")
    line = section.line if section else pm.body_line + pm.body.count("\n")
    yield Hit(line, f"a postmortem with `status: {status}` needs at least one action item; "
                    "if there is truly nothing to do, say why in a row with status `wontfix`")


@rule("action-overdue", WARNING, "No open action item is past its due date.")
def action_overdue(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    for item in _table_items(pm):
        entry = entry_for(pm, item, ctx.config, ctx.today)
        if entry.is_overdue and entry.due is not None:
            days = (ctx.today - entry.due).days
            source = f" (incident date + the {item.priority} SLO of {entry.slo_days} days)" if entry.due_from_slo else ""
            yield Hit(item.line, f"{_label(item)} was due {entry.due.isoformat()}{source} ({days} day"
                                 f"{'s' if days != 1 else ''} ago) and is still open; close it or move the date")

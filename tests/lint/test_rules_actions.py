"""Action-item rules: owner, due date, status, at least one, overdue, table form."""

from __future__ import annotations

import datetime as dt

from lint_helpers import CLEAN, by_rule, line_of, lint_text

ROW = "| Guard the flush command | lee | P2 | 2099-02-01 | open | OPS-1 |"


def with_rows(*rows: str) -> str:
    return CLEAN.replace(ROW, "\n".join(rows))


def test_each_missing_field_points_at_its_row(kb):
    text = with_rows(
        "| No owner | | P2 | 2099-01-01 | open | OPS-2 |",
        "| Vague date | lee | P2 | next week | open | OPS-3 |",
        "| Odd status | lee | P2 | 2099-01-01 | finished | OPS-4 |",
        "| Missing cells | lee |",
    )
    findings = lint_text(kb, text)[1]
    assert [f["line"] for f in by_rule(findings, "action-owner")] == [line_of(text, "No owner")]
    due = by_rule(findings, "action-due")
    assert [f["line"] for f in due] == [line_of(text, "Vague date"), line_of(text, "Missing cells")]
    assert "`next week`" in due[0]["message"]
    status = by_rule(findings, "action-status")
    assert [f["line"] for f in status] == [line_of(text, "Odd status"), line_of(text, "Missing cells")]
    assert "finished" in status[0]["message"]


def test_status_uses_the_configured_vocabulary(kb):
    text = with_rows("| Guard | lee | P2 | 2099-02-01 | finished | OPS-1 |")
    config = "action_statuses: [open, finished]\nopen_action_statuses: [open]\n"
    assert not by_rule(lint_text(kb, text, config=config)[1], "action-status")


def test_published_postmortem_needs_an_action_item(kb):
    text = with_rows()
    found = by_rule(lint_text(kb, text)[1], "action-required")
    assert [f["line"] for f in found] == [line_of(text, "## Action items")]
    draft = text.replace("status: published", "status: in-review")
    assert not by_rule(lint_text(kb, draft)[1], "action-required")


def test_open_items_past_due_warn(kb):
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    text = with_rows(
        f"| Late | lee | P2 | {yesterday} | open | OPS-1 |",
        f"| Late but done | lee | P2 | {yesterday} | done | OPS-2 |",
    )
    found = by_rule(lint_text(kb, text)[1], "action-overdue")
    assert [(f["line"], f["severity"]) for f in found] == [(line_of(text, "| Late |"), "warning")]
    assert "1 day ago" in found[0]["message"]


def test_bullet_list_of_actions_is_one_finding(kb):
    text = CLEAN.replace(
        "| Action | Owner | Priority | Due | Status | Ticket |\n|--------|-------|----------|-----|--------|--------|\n"
        + ROW,
        "- [ ] Guard the flush command\n- [x] Warm the cache\n- Write a runbook",
    )
    code, findings = lint_text(kb, text)
    found = by_rule(findings, "action-table")
    assert code == 1 and len(found) == 1 and found[0]["line"] == line_of(text, "- [ ] Guard")
    assert "3 action items" in found[0]["message"]
    assert not any(by_rule(findings, r) for r in ("action-owner", "action-due", "action-status"))

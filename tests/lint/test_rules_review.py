"""Review rules: approvals at publication, no self-approval, the closed status, tickets that link."""

from __future__ import annotations

import re

import postmortem_kb.lint.rules_review  # noqa: F401  (registers the rules until the engine imports them)
from lint_helpers import CLEAN, by_rule, line_of, lint_text

ROW = "| Guard the flush command | lee | P2 | 2099-02-01 | open | OPS-1 |"
# The clean postmortem without approvals, and with one.
UNAPPROVED = re.sub(r"approvals:.*\n(?:  - .*\n)*", "", CLEAN)
APPROVED = UNAPPROVED.replace("related: []\n", "related: []\napprovals:\n  - {by: ana, date: 2024-01-12}\n")


def with_status(text: str, status: str) -> str:
    return text.replace("status: published", f"status: {status}")


def test_a_published_postmortem_without_approvals_fails_and_names_who_may_approve(kb):
    code, findings = lint_text(kb, UNAPPROVED, config="review:\n  approvers: [ana, bo]\n")
    (finding,) = by_rule(findings, "review-approvals")
    assert code == 1 and finding["severity"] == "error" and finding["line"] == line_of(UNAPPROVED, "status:")
    assert "needs 1 approval (SEV2); it has 0" in finding["message"] and "May approve: ana, bo" in finding["message"]


def test_an_approval_from_an_allowed_approver_passes(kb):
    code, findings = lint_text(kb, APPROVED, config="review:\n  approvers: [ana, bo]\n")
    assert not by_rule(findings, "review-approvals") and code == 0


def test_drafts_and_reviews_need_no_approvals_yet(kb):
    for status in ("draft", "in-review"):
        assert not by_rule(lint_text(kb, with_status(UNAPPROVED, status))[1], "review-approvals")


def test_approvals_per_severity_come_from_the_config(kb):
    config = "review:\n  approvals: {SEV2: 2, default: 0}\n"
    (finding,) = by_rule(lint_text(kb, APPROVED, config=config)[1], "review-approvals")
    assert "needs 2 approvals (SEV2); it has 1 (ana)" in finding["message"]
    relaxed = "review:\n  approvals: {SEV1: 2, default: 0}\n"
    assert not by_rule(lint_text(kb, UNAPPROVED, config=relaxed)[1], "review-approvals")


def test_approvals_by_an_author_or_an_outsider_do_not_count(kb):
    text = APPROVED.replace("by: ana", "by: lee")
    findings = lint_text(kb, text, config="review:\n  approvers: [ana, bo]\n")[1]
    (self_approval,) = by_rule(findings, "review-self-approval")
    assert self_approval["line"] == line_of(text, "approvals:") and "lee is an author" in self_approval["message"]
    assert "not counted: lee: an author" in by_rule(findings, "review-approvals")[0]["message"]
    outsider = APPROVED.replace("by: ana", "by: cy")
    message = by_rule(lint_text(kb, outsider, config="review:\n  approvers: [ana, bo]\n")[1],
                      "review-approvals")[0]["message"]
    assert "cy: not allowed to approve" in message


def test_closed_with_open_items_is_an_error_and_all_done_suggests_closing(kb):
    closed = with_status(APPROVED, "closed")
    (finding,) = by_rule(lint_text(kb, closed)[1], "review-closed-open-items")
    assert finding["severity"] == "error" and f"first at line {line_of(closed, 'Guard the flush')}" in finding["message"]
    done = APPROVED.replace(ROW, ROW.replace("| open |", "| done |"))
    (info,) = by_rule(lint_text(kb, done)[1], "review-closable")
    assert info["severity"] == "info" and "set `status: closed`" in info["message"]
    code, findings = lint_text(kb, with_status(done, "closed"))
    assert code == 0 and not by_rule(findings, "review-closed-open-items") and not by_rule(findings, "review-closable")


def test_a_ticket_matching_no_pattern_is_a_warning_only_when_there_are_patterns(kb):
    assert not by_rule(lint_text(kb, APPROVED)[1], "ticket-pattern")
    config = 'tickets:\n  "^[A-Z][A-Z0-9]+-\\\\d+$": "https://jira.example.com/browse/{ticket}"\n'
    rows = "\n".join([ROW, ROW.replace("OPS-1", "ops 7"), ROW.replace("OPS-1", "https://tracker.example.com/7"),
                      ROW.replace("OPS-1", "-")])
    text = APPROVED.replace(ROW, rows)
    findings = by_rule(lint_text(kb, text, config=config)[1], "ticket-pattern")
    assert [(f["line"], f["severity"]) for f in findings] == [(line_of(text, "ops 7"), "warning")]
    assert "`ops 7`" in findings[0]["message"]

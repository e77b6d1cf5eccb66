"""The review gate: CODEOWNERS matching, who may approve, `postmortem review`, the review queue."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import frontmatter
import pytest

import postmortem_kb.lint.rules_review  # noqa: F401  (registers the review rules until the engine imports them)
from conftest import write
from postmortem_kb.cli import main
from postmortem_kb.config import KBConfig, load_config
from postmortem_kb.kb import load_knowledge_base
from postmortem_kb.review import (
    AWAITING,
    MISSING_APPROVALS,
    STALE_DRAFT,
    CodeOwners,
    ReviewRules,
    review_queue,
)

SEV1 = """\
---
title: Checkout down
date: 2024-03-05
severity: SEV1
status: published
authors: [amara]
tags: [payments]
services: [checkout]
summary: Checkout failed for everyone.
# Who looked at it
approvals:
  - {by: jonas, date: 2024-03-07}
---

## Summary

Checkout failed.

## Impact

Every checkout failed for 20 minutes.

## Timeline

| Time | Event |
|------|-------|
| 2024-03-05 14:02 | Config pushed |
| 14:22 | Rolled back |

## Root cause

A config push reached every region at once.

## Action items

| Action | Owner | Priority | Due | Status | Ticket |
|--------|-------|----------|-----|--------|--------|
| Canary first | amara | P1 | 2099-04-15 | open | PAY-310 |
"""

CODEOWNERS = """\
# Default owners for everything
*                         @sre-leads @li
# Postmortems: the reliability reviewers
/postmortems/             @jonas @li @wei
/postmortems/*-db-*.md    @dba-oncall
docs/*                    @docs
apps/                     @apps-team
**/logs                   @loggers
/postmortems/legacy/      
!/postmortems/private/    @nobody
"""


def codeowners() -> CodeOwners:
    return CodeOwners.parse(CODEOWNERS, Path("CODEOWNERS"), Path("."))


@pytest.mark.parametrize("path, owners", [
    ("README.md", ("@sre-leads", "@li")),                                  # `*`: the default
    ("postmortems/2024-03-05-checkout.md", ("@jonas", "@li", "@wei")),       # an anchored folder
    ("postmortems/2024-03-05-db-failover.md", ("@dba-oncall",)),              # the last match wins
    ("postmortems/2023/2023-01-01-db-x.md", ("@jonas", "@li", "@wei")),      # `*` stays in one segment
    ("docs/index.md", ("@docs",)),                                           # `docs/*`: directly in docs/
    ("docs/guides/index.md", ("@sre-leads", "@li")),                         # ... not deeper
    ("src/apps/main.py", ("@apps-team",)),                                   # `apps/` at any depth
    ("build/logs/today.txt", ("@loggers",)),                                 # `**/logs` and what is under it
    ("postmortems/legacy/old.md", ()),                                       # a pattern without owners
])
def test_codeowners_match_as_the_forge_does(path, owners):
    assert codeowners().owners_of(path) == owners


def test_codeowners_skip_lines_the_forge_cannot_read():
    parsed = codeowners()
    assert [line for line, _ in parsed.problems] == [10]
    assert parsed.owners_of("postmortems/private/x.md") == ("@jonas", "@li", "@wei")


def test_codeowners_decide_who_may_approve(kb):
    write(kb / ".github/CODEOWNERS", CODEOWNERS)
    write(kb / "postmortem-kb.yml", "review:\n  approvers: codeowners\n")
    write(kb / "postmortems/2024-03-05-checkout-down.md", SEV1)
    write(kb / "postmortems/2024-03-06-db-failover.md", SEV1.replace("Checkout down", "DB failover"))
    config = load_config(kb)
    rules = ReviewRules.from_config(config)
    by_id = load_knowledge_base(kb).by_id()
    assert rules.may_approve(by_id["2024-03-05-checkout-down"]) == ["jonas", "li", "wei"]
    assert rules.may_approve(by_id["2024-03-06-db-failover"]) == ["dba-oncall"]
    state = rules.state(by_id["2024-03-06-db-failover"])
    assert [a.by for a in state.not_allowed] == ["jonas"] and state.missing == 2


def test_a_knowledge_base_in_a_folder_of_a_repository_uses_the_repository_codeowners(tmp_path):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    write(repo / ".github/CODEOWNERS", "* @everyone\n/incidents/postmortems/ @reliability\n")
    root = repo / "incidents"
    write(root / "postmortems/2024-03-05-x.md", SEV1)
    config = KBConfig(root=root, review={"approvers": "codeowners"})
    pm = load_knowledge_base(root, config).loaded[0]
    assert ReviewRules.from_config(config).may_approve(pm) == ["reliability"]


def test_service_owners_and_a_fallback(kb):
    config = KBConfig(root=kb, review={"approvers": {"checkout": ["@Jonas", "li"], "*": ["sre"]}})
    write(kb / "postmortems/2024-03-05-x.md", SEV1)
    write(kb / "postmortems/2024-03-06-y.md", SEV1.replace("[checkout]", "[search]"))
    pms = load_knowledge_base(kb, config).by_id()
    rules = ReviewRules(config)
    assert rules.may_approve(pms["2024-03-05-x"]) == ["@Jonas", "li"]
    assert rules.state(pms["2024-03-05-x"]).counted[0].by == "jonas"  # names compare without case or @
    assert rules.may_approve(pms["2024-03-06-y"]) == ["sre"]


def lint(runner) -> tuple[int, list[dict]]:
    result = runner.invoke(main, ["lint", "--format", "json", "--no-cache"])
    return result.exit_code, json.loads(result.stdout)


def review_findings(findings: list[dict]) -> list[dict]:
    return [f for f in findings if f["rule"].startswith("review-")]


def test_a_published_sev1_needs_two_approvals_from_allowed_people(kb, runner):
    write(kb / "postmortem-kb.yml", "review:\n  approvers: [jonas, li, wei]\n")
    path = write(kb / "postmortems/2024-03-05-checkout-down.md", SEV1.replace("  - {by: jonas, date: 2024-03-07}\n", ""))
    path.write_text(path.read_text().replace("approvals:\n", "approvals: []\n"), encoding="utf-8")
    code, findings = lint(runner)
    assert code == 1

    result = runner.invoke(main, ["review", "2024-03-05-checkout-down", "--approve", "--as", "jonas",
                                  "--date", "2024-03-07"])
    assert result.exit_code == 0, result.output
    code, findings = lint(runner)
    (finding,) = review_findings(findings)
    assert code == 1 and finding["rule"] == "review-approvals" and finding["severity"] == "error"
    assert "needs 2 approvals (SEV1); it has 1 (jonas)" in finding["message"]
    assert "May approve: jonas, li, wei" in finding["message"]

    refused = runner.invoke(main, ["review", "2024-03-05-checkout-down", "--approve", "--as", "lee"])
    assert refused.exit_code == 1 and "lee may not approve" in refused.output and "jonas, li, wei" in refused.output
    assert runner.invoke(main, ["review", "2024-03-05-checkout-down", "--approve", "--as", "li"]).exit_code == 0
    code, findings = lint(runner)
    assert review_findings(findings) == [] and code == 0, findings
    post = frontmatter.load(path)
    assert post["approvals"][0] == {"by": "jonas", "date": dt.date(2024, 3, 7)}
    assert [a["by"] for a in post["approvals"]] == ["jonas", "li"]


def test_an_author_cannot_approve_and_an_authors_approval_fails_lint(kb, runner):
    path = write(kb / "postmortems/2024-03-05-checkout-down.md", SEV1)
    before = path.read_bytes()
    result = runner.invoke(main, ["review", "2024-03-05-checkout-down", "--approve", "--as", "Amara"])
    assert result.exit_code == 1 and "author" in result.output and path.read_bytes() == before
    path.write_text(SEV1.replace("by: jonas", "by: amara"), encoding="utf-8")
    _, findings = lint(runner)
    assert {f["rule"] for f in review_findings(findings)} == {"review-approvals", "review-self-approval"}


def test_approving_keeps_the_rest_of_the_front_matter_as_written_and_twice_changes_nothing(kb, runner):
    path = write(kb / "postmortems/2024-03-05-checkout-down.md", SEV1)
    args = ["review", "2024-03-05-checkout-down", "--approve", "--as", "Wei Zhang", "--date", "2024-03-08"]
    assert runner.invoke(main, args).exit_code == 0
    text = path.read_text(encoding="utf-8")
    assert text == SEV1.replace("  - {by: jonas, date: 2024-03-07}\n",
                                "  - {by: jonas, date: 2024-03-07}\n  - {by: Wei Zhang, date: 2024-03-08}\n")
    again = runner.invoke(main, args)
    assert again.exit_code == 0 and "already approved" in again.output
    assert path.read_text(encoding="utf-8") == text


def test_approval_defaults_to_the_git_user_name(kb, runner, tmp_path, monkeypatch):
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text("[user]\n\tname = li\n", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    path = write(kb / "postmortems/2024-03-05-checkout-down.md", SEV1)
    assert runner.invoke(main, ["review", "2024-03-05-checkout-down", "--approve"]).exit_code == 0
    assert frontmatter.load(path)["approvals"][-1] == {"by": "li", "date": dt.date.today()}


def test_request_adds_reviewers_and_keys_are_added_where_missing(kb, runner):
    text = SEV1.replace("# Who looked at it\napprovals:\n  - {by: jonas, date: 2024-03-07}\n", "")
    path = write(kb / "postmortems/2024-03-05-checkout-down.md", text)
    result = runner.invoke(main, ["review", "2024-03-05-checkout-down", "--request", "li", "--request", "Zhang, Wei"])
    assert result.exit_code == 0, result.output
    assert frontmatter.load(path)["reviewers"] == ["li", "Zhang, Wei"]
    assert 'reviewers: [li, "Zhang, Wei"]\n' in path.read_text(encoding="utf-8")
    assert runner.invoke(main, ["review", "2024-03-05-checkout-down", "--request", "LI"]).exit_code == 0
    assert frontmatter.load(path)["reviewers"] == ["li", "Zhang, Wei"]
    assert runner.invoke(main, ["review", "2024-03-05-checkout-down", "--request", "amara"]).exit_code == 1
    assert runner.invoke(main, ["review", "2024-03-05-checkout-down", "--approve", "--as", "li"]).exit_code == 0
    post = frontmatter.load(path)
    assert [a["by"] for a in post["approvals"]] == ["li"] and post["title"] == "Checkout down"
    assert post.content == frontmatter.loads(text).content


def test_review_refuses_files_outside_the_folder(kb, runner, tmp_path):
    outside = write(tmp_path / "elsewhere.md", SEV1)
    (kb / "postmortems/2024-03-05-checkout-down.md").symlink_to(outside)
    result = runner.invoke(main, ["review", "2024-03-05-checkout-down", "--approve", "--as", "li"])
    assert result.exit_code == 1 and "outside the postmortems folder" in result.output
    assert outside.read_text(encoding="utf-8") == SEV1


def test_usage_errors(kb, runner):
    assert runner.invoke(main, ["review", "--approve"]).exit_code == 2
    assert runner.invoke(main, ["review", "x", "--as", "li"]).exit_code == 2
    assert runner.invoke(main, ["review", "no-such-id", "--approve", "--as", "li"]).exit_code == 1


def test_the_review_queue(kb, runner):
    today = dt.date(2024, 4, 1)
    def dated(day: str, text: str) -> str:
        return text.replace("date: 2024-03-05", f"date: {day}")

    write(kb / "postmortems/2024-03-20-in-review.md", dated("2024-03-20", SEV1.replace(
        "status: published", "status: in-review").replace("summary:", "reviewers: [li, jonas]\nsummary:")))
    write(kb / "postmortems/2024-03-01-old-draft.md", dated("2024-03-01", SEV1.replace("status: published", "status: draft")))
    write(kb / "postmortems/2024-03-25-new-draft.md", dated("2024-03-25", SEV1.replace("status: published", "status: draft")))
    write(kb / "postmortems/2024-03-05-short.md", SEV1)
    write(kb / "postmortems/2024-02-05-fine.md", dated("2024-02-05", SEV1.replace("SEV1", "SEV3")))
    kb_ = load_knowledge_base(kb)
    entries = review_queue(kb_.postmortems, kb_.config, today)
    assert [(e.kind, e.postmortem.id, e.age_days) for e in entries] == [
        (AWAITING, "2024-03-20-in-review", 12),
        (STALE_DRAFT, "2024-03-01-old-draft", 31),
        (MISSING_APPROVALS, "2024-03-05-short", 27),
    ]
    assert entries[0].waiting_on == ["li"]  # jonas approved already
    listed = json.loads(runner.invoke(main, ["review", "--format", "json"]).stdout)
    # Today, both drafts are stale; oldest first.
    assert [e["id"] for e in listed] == ["2024-03-20-in-review", "2024-03-01-old-draft", "2024-03-25-new-draft",
                                         "2024-03-05-short"]
    assert listed[3]["missing"] == 1 and listed[3]["may_approve"] is None


def test_crlf_files_and_the_comment_of_an_empty_key_are_kept(kb, runner):
    text = SEV1.replace("# Who looked at it\napprovals:\n  - {by: jonas, date: 2024-03-07}\n",
                        "reviewers: []  # who is asked\napprovals: [] # filled by postmortem review\n")
    path = kb / "postmortems/2024-03-05-checkout-down.md"
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    assert runner.invoke(main, ["review", "2024-03-05-checkout-down", "--request", "li"]).exit_code == 0
    assert runner.invoke(main, ["review", "2024-03-05-checkout-down", "--approve", "--as", "li",
                                "--date", "2024-03-09"]).exit_code == 0
    expected = text.replace("reviewers: []  # who is asked", "reviewers: [li]  # who is asked").replace(
        "approvals: [] # filled by postmortem review",
        "approvals:  # filled by postmortem review\n  - {by: li, date: 2024-03-09}")
    assert path.read_bytes() == expected.replace("\n", "\r\n").encode("utf-8")

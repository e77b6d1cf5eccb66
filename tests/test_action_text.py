"""Action items written as prose (action_text.py)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem_kb.action_text import (
    ProseAction,
    action_heading_status,
    cell_status,
    is_non_action_heading,
    parse_date,
    read_action_item,
)


def read(text: str) -> ProseAction:
    item = read_action_item(text)
    assert item is not None, text
    return item


# -- status ---------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "[x] Pin the Flux version", "[X] Pin the Flux version", "✅ Pin the Flux version", "✔️ Pin the Flux version",
    "✔ Pin the Flux version", "☑ Pin the Flux version", "☑️ Pin the Flux version",
    ":white_check_mark: Pin the Flux version", "Pin the Flux version ✅", "Pin the Flux version (DONE)",
    "Pin the Flux version (done).", "(DONE) Pin the Flux version", "[DONE] Pin the Flux version",
    "DONE: Pin the Flux version", "Done: Pin the Flux version", "**Done:** Pin the Flux version",
    "**[DONE]** Pin the Flux version", "Done - Pin the Flux version", "Pin the Flux version - done",
    "~~Pin the Flux version~~", "<del>Pin the Flux version</del>", "<s>Pin the Flux version</s>",
    "Pin the Flux version (completed)", "Pin the Flux version | Status: done",
])
def test_done_markers(text):
    item = read(text)
    assert item.status == "done"
    assert item.text.rstrip(".") == "Pin the Flux version"


@pytest.mark.parametrize("text, status", [
    ("[ ] Pin the Flux version", "open"),
    ("⬜ Pin the Flux version", "open"),
    ("TODO: Pin the Flux version", "open"),
    ("Pin the Flux version (open)", "open"),
    ("Pin the Flux version (WIP)", "in-progress"),
    ("[WIP] Pin the Flux version", "in-progress"),
    ("In progress: Pin the Flux version", "in-progress"),
    ("Pin the Flux version (in progress)", "in-progress"),
    ("🚧 Pin the Flux version", "in-progress"),
    ("Pin the Flux version (won't fix)", "wontfix"),
    ("Pin the Flux version (cancelled)", "wontfix"),
    ("Pin the Flux version", ""),
])
def test_other_statuses(text, status):
    item = read(text)
    assert (item.status, item.text) == (status, "Pin the Flux version")


@pytest.mark.parametrize("text, status, kept", [
    ("~~Roll back the resolver upgrade~~ not needed", "wontfix", "Roll back the resolver upgrade"),
    ("~~Roll back the resolver upgrade~~ (no longer needed)", "wontfix", "Roll back the resolver upgrade"),
    ("<del>Roll back the resolver upgrade</del> - superseded", "wontfix", "Roll back the resolver upgrade"),
    ("~~Roll back the resolver upgrade~~ done in v2.3", "done", "Roll back the resolver upgrade done in v2.3"),
    ("~~Roll back the resolver upgrade~~ (won\u2019t fix)", "wontfix", "Roll back the resolver upgrade"),
])
def test_an_item_struck_up_to_a_remark_is_closed_as_the_remark_says(text, status, kept):
    item = read(text)
    assert (item.status, item.text) == (status, kept)


def test_a_partly_struck_item_is_not_done():
    item = read("Add an alert ~~by Friday~~ this quarter")
    assert item.status == "" and item.text == "Add an alert ~~by Friday~~ this quarter"


# -- owner ----------------------------------------------------------------------

@pytest.mark.parametrize("text, owner", [
    ("Rotate the token (@wei)", "wei"),
    ("Rotate the token (owner: wei)", "wei"),
    ("Rotate the token (Owner: Wei Chen)", "Wei Chen"),
    ("Rotate the token [owner: wei]", "wei"),
    ("Rotate the token (assigned to @wei)", "wei"),
    ("Rotate the token. Owner: wei", "wei"),
    ("Rotate the token | **Owner:** wei", "wei"),
    ("Rotate the token — wei", "wei"),
    ("Rotate the token – wei", "wei"),
    ("Rotate the token - wei", "wei"),
    ("Rotate the token - Platform Team", "Platform Team"),
    ("Rotate the token — @platform/sre", "platform/sre"),
    ("Rotate the token, @wei @lee", "wei, lee"),
    ("Rotate the token (@wei, @lee)", "wei, lee"),
    ("@wei: Rotate the token", "wei"),
    ("[@wei] Rotate the token", "wei"),
    ("**Owner:** wei — Rotate the token", "wei"),
    ("Owner: wei, Due: 2024-03-01 - Rotate the token", "wei"),
])
def test_owner_notation_is_read_and_removed(text, owner):
    item = read(text)
    assert (item.owner, item.text.rstrip(".")) == (owner, "Rotate the token")


@pytest.mark.parametrize("text, owner", [
    ("Ask @lee to rotate the token", "lee"),
    ("Sync with @platform-team on quotas", "platform-team"),
])
def test_a_handle_inside_the_sentence_stays_in_it(text, owner):
    item = read(text)
    assert (item.owner, item.text) == (owner, text)


@pytest.mark.parametrize("text", [
    "Rotate the token - later", "Rotate the token - quickly", "Upgrade Traefik - v2", "Email ops@corp.io about it",
    "Rotate the token [Infra]",
])
def test_words_that_are_not_owners(text):
    item = read(text)
    assert (item.owner, item.text) == ("", text)


# -- ticket ---------------------------------------------------------------------

@pytest.mark.parametrize("text, ticket, remaining", [
    ("Fix the parser (#123)", "#123", "Fix the parser"),
    ("Fix the parser (OPS-12)", "OPS-12", "Fix the parser"),
    ("Fix the parser [OPS-12]", "OPS-12", "Fix the parser"),
    ("OPS-12: Fix the parser", "OPS-12", "Fix the parser"),
    ("Fix the parser - OPS-12", "OPS-12", "Fix the parser"),
    ("Fix the parser (ticket: OPS-12)", "OPS-12", "Fix the parser"),
    ("Fix the parser (https://github.com/org/repo/issues/7)", "https://github.com/org/repo/issues/7",
     "Fix the parser"),
    ("Fix the parser [#7](https://github.com/org/repo/issues/7)", "https://github.com/org/repo/issues/7",
     "Fix the parser"),
    ("Fix the parser - [tracking](https://corp.atlassian.net/browse/OPS-12)",
     "https://corp.atlassian.net/browse/OPS-12", "Fix the parser"),
    ("Fix the parser (tracked in https://gitlab.com/g/p/-/issues/3)", "https://gitlab.com/g/p/-/issues/3",
     "Fix the parser"),
    ("Fix the parser (https://linear.app/acme/issue/ENG-42/parser)", "https://linear.app/acme/issue/ENG-42/parser",
     "Fix the parser"),
    ("Fix the parser (org/repo#45)", "org/repo#45", "Fix the parser"),
    ("Fix the parser (#123) before the release", "#123", "Fix the parser before the release"),
    ("Fix the parser https://github.com/org/repo/issues/812", "https://github.com/org/repo/issues/812",
     "Fix the parser"),
    ("Fix the parser: https://github.com/org/repo/issues/812.", "https://github.com/org/repo/issues/812",
     "Fix the parser"),
    ("Fix the parser - <https://corp.atlassian.net/browse/OPS-12>", "https://corp.atlassian.net/browse/OPS-12",
     "Fix the parser"),
])
def test_ticket_notation_is_read_and_removed(text, ticket, remaining):
    item = read(text)
    assert (item.ticket, item.text) == (ticket, remaining)


@pytest.mark.parametrize("text, ticket", [
    ("Resolve OPS-12 before launch", "OPS-12"),
    ("See [the runbook issue](https://github.com/o/r/issues/9) for details", "https://github.com/o/r/issues/9"),
    ("Merge https://gitlab.com/g/p/-/merge_requests/8 after review", "https://gitlab.com/g/p/-/merge_requests/8"),
    # A tracker link the sentence points to ("see", "noted in") stays in it.
    ("Fix the parser, see https://github.com/o/r/issues/3", "https://github.com/o/r/issues/3"),
    ("Fix the parser as noted in https://github.com/o/r/issues/3", "https://github.com/o/r/issues/3"),
])
def test_a_ticket_in_the_sentence_is_read_but_kept(text, ticket):
    item = read(text)
    assert (item.ticket, item.text) == (ticket, text)


@pytest.mark.parametrize("text, owner, ticket", [
    ("Lower the lag alert threshold (owner: @ana) https://github.com/org/repo/issues/812", "ana",
     "https://github.com/org/repo/issues/812"),
    ("Lower the lag alert threshold (owner: Ana Lima) https://corp.atlassian.net/browse/OPS-12", "Ana Lima",
     "https://corp.atlassian.net/browse/OPS-12"),
    ("Lower the lag alert threshold https://github.com/org/repo/issues/812 (owner: ana)", "ana",
     "https://github.com/org/repo/issues/812"),
])
def test_an_owner_group_before_a_tracker_link_is_read_whole(text, owner, ticket):
    item = read(text)
    assert (item.text, item.owner, item.ticket) == ("Lower the lag alert threshold", owner, ticket)


@pytest.mark.parametrize("text", [
    "Make the payload UTF-8 safe", "Hash with SHA-256", "Patch CVE-2021-44228 in the logger",
    "Check UTC-7 handling", "Add #1 priority alerting", "Read https://example.com/docs/runbook first",
    "Link the [dashboard](https://grafana.corp/d/abc) in the alert",
    "Use the form at https://github.com/org/repo/issues/new", "Move https://github.com/org/repo/tree/main/tasks/x.py",
])
def test_lookalikes_are_not_tickets(text):
    item = read(text)
    assert (item.ticket, item.text) == ("", text)


# -- due and priority -----------------------------------------------------------

@pytest.mark.parametrize("text, due, remaining", [
    ("Upgrade the cluster (due 2024-03-01)", "2024-03-01", "Upgrade the cluster"),
    ("Upgrade the cluster (due: 2024-03-01)", "2024-03-01", "Upgrade the cluster"),
    ("Upgrade the cluster (by 2024-03-01)", "2024-03-01", "Upgrade the cluster"),
    ("Upgrade the cluster. Due: March 1, 2024", "2024-03-01", "Upgrade the cluster."),
    ("Upgrade the cluster (due 1 March 2024)", "2024-03-01", "Upgrade the cluster"),
    ("Upgrade the cluster (ETA: 03/01/2024)", "2024-03-01", "Upgrade the cluster"),
    ("Upgrade the cluster (due Mar 1st, 2024)", "2024-03-01", "Upgrade the cluster"),
    # In the sentence: read, kept.
    ("Upgrade the cluster by 2024-03-01", "2024-03-01", "Upgrade the cluster by 2024-03-01"),
    ("Upgrade the cluster before March 1, 2024", "2024-03-01", "Upgrade the cluster before March 1, 2024"),
    # Not a calendar date: kept in the text, so nothing is lost.
    ("Upgrade the cluster (due Q3)", "", "Upgrade the cluster (due Q3)"),
    ("Upgrade the cluster (due 2024-02-30)", "", "Upgrade the cluster (due 2024-02-30)"),
])
def test_due_dates(text, due, remaining):
    item = read(text)
    assert (item.due, item.text) == (due, remaining)


@pytest.mark.parametrize("text, priority", [
    ("P1: Add an alert", "P1"), ("[P2] Add an alert", "P2"), ("Add an alert (P3)", "P3"),
    ("Add an alert (high)", "high"), ("Add an alert (high priority)", "high"), ("Add an alert | Priority: low", "low"),
    ("Add an alert (priority: 1)", "P1"), ("P0 - Add an alert", "P0"),
])
def test_priority(text, priority):
    item = read(text)
    assert (item.priority, item.text) == (priority, "Add an alert")


def test_all_fields_at_once():
    item = read("[x] Add a runbook (owner: SRE team; due by 2024-04-01; P3; OPS-9)")
    assert item == ProseAction(text="Add a runbook", owner="SRE team", ticket="OPS-9", status="done",
                               due="2024-04-01", priority="P3")
    item = read("Add a runbook | Owner: @alice | Due: 2024-03-01 | Status: done | Ticket: OPS-9")
    assert item == ProseAction(text="Add a runbook", owner="alice", ticket="OPS-9", status="done",
                               due="2024-03-01", priority="")


# -- the sentence is kept -------------------------------------------------------

@pytest.mark.parametrize("text", [
    # From real action sections: words in parentheses or after a dash that
    # are part of the sentence.
    "Implement monitoring of ADFS (particularly certificate expiry via script or even calendar)",
    "Setup alerts for when logs are not shipped to CWL - consider monitoring both receiving and sending part "
    "(issue created)",
    "Discuss the feasibility of using GitOps for essential cluster workloads (Rasmus call for meeting)",
    "Consider to setup an alert if a Kafka topic has a high number of consumergroups. (What 'high' is TBD).",
    "Setup an automated inventory system for AWS resources (for example <https://github.com/darkbitio/aws-recon>)",
    "**Implement priority-classes for critical workloads**: It can happen even in none resource starved states.",
    "Refactor NUnit -> XUnit test so we can use the CLI-based test runner",
    "Add alarms for Fluentd in case not enough/no log data is being sent (per node)",
    "TBD: decide on the retention",
    "None of the alerts fired; add one",
    "Note: the alert needs a more descriptive name",
    "[Infra] Add an alert",
    "Use the (high) watermark from the old cluster",
])
def test_prose_is_kept_word_for_word(text):
    assert read(text).text == text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=120))
def test_any_text_reads_without_error_and_invents_no_words(text):
    item = read_action_item(text)
    if item is None:
        return
    original = set(re.findall(r"\w+", text))
    assert set(re.findall(r"\w+", item.text)) <= original
    assert item.status in ("", "done", "open", "in-progress", "wontfix")
    assert item.due == "" or parse_date(item.due) == item.due


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["add", "an", "alert", "for", "disk", "usage", "Rotate", "the", "token", "on",
                                 "Kafka", "by", "end", "of", "quarter", "with", "team", "owner", "due", "later"]),
                min_size=2, max_size=12))
def test_a_plain_sentence_comes_back_unchanged(words):
    text = " ".join(words)
    item = read_action_item(text)
    assert item is not None and item.text == text


# -- not items ------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "", "   ", "N/A", "n/a", "NA", "None", "none", "None.", "*None*", "-", "—", "none so far", "None yet", "Nothing",
    "TBD", "tbd", "TBA", "N/A (no changes needed)", "None - this was a one-off", "[ ] N/A", "[x] None",
    "No action items", "...",
])
def test_placeholders_are_not_items(text):
    assert read_action_item(text) is None


# -- dates ----------------------------------------------------------------------

@pytest.mark.parametrize("text, iso", [
    ("2024-03-01", "2024-03-01"), ("2024/3/1", "2024-03-01"), ("03/01/2024", "2024-03-01"),
    ("March 1, 2024", "2024-03-01"), ("Mar 1 2024", "2024-03-01"), ("1 March 2024", "2024-03-01"),
    ("1st Mar 2024", "2024-03-01"), ("Sept 3, 2024", "2024-09-03"), ("Feb. 29, 2024", "2024-02-29"),
    ("Feb 29, 2023", ""), ("Q3 2024", ""), ("next week", ""), ("13/01/2024", ""),
])
def test_parse_date(text, iso):
    assert parse_date(text) == iso


# -- sub-headings under an action section ---------------------------------------

@pytest.mark.parametrize("heading", [
    "What went wrong", "What went well", "Where we got lucky", "Root cause", "Root causes", "Lessons",
    "Lessons learned", "Contributing factors", "Impact", "Timeline", "Background", "Notes", "Questions",
    "Open questions", "Stats", "Attendees", "Appendix", "Supporting information", "Findings", "Summary",
])
def test_headings_whose_bullets_are_not_actions(heading):
    assert is_non_action_heading(heading)


@pytest.mark.parametrize("heading", [
    "Action items", "Follow-ups", "Next steps", "Short term", "Long term", "Immediate", "Prevent", "Detect",
    "Detection", "Mitigate", "Mitigation", "Remediation", "Process", "Tooling", "Completed", "Done", "Open",
    "In progress", "Team Platform", "",
])
def test_headings_that_group_actions(heading):
    assert not is_non_action_heading(heading)


@pytest.mark.parametrize("heading, status", [
    ("Completed", "done"), ("Done", "done"), ("Completed actions", "done"), ("Finished items", "done"),
    ("Open", "open"), ("Open items", "open"), ("To do", "open"), ("Todo", "open"), ("Pending", "open"),
    ("In progress", "in-progress"), ("Ongoing", "in-progress"), ("Won't fix", "wontfix"), ("Cancelled", "wontfix"),
    ("Short term", ""), ("Prevent", ""), ("Resolution", ""),
])
def test_action_heading_status(heading, status):
    assert action_heading_status(heading) == status


@pytest.mark.parametrize("text, expected", [
    ("[x] Add an alert on 5xx rate — owner: Sam — JIRA PAY-123",
     ProseAction("Add an alert on 5xx rate", owner="Sam", ticket="PAY-123", status="done")),
    ("Upgrade Postgres - due: 2024-03-01 - P1", ProseAction("Upgrade Postgres", due="2024-03-01", priority="P1")),
    ("Write the runbook -- ticket: OPS-1", ProseAction("Write the runbook", ticket="OPS-1")),
    ("Fix the flaky test - owner: Jean-Luc", ProseAction("Fix the flaky test", owner="Jean-Luc")),
    ("Validate TTL units in CI. Owner: Priya. Due: 2024-03-01.",
     ProseAction("Validate TTL units in CI.", owner="Priya", due="2024-03-01")),
    ("Fix DNS (owner: Mr. Lee)", ProseAction("Fix DNS", owner="Mr. Lee")),
])
def test_fields_after_spaced_dashes_are_taken_whole_and_the_dash_goes_with_them(text, expected):
    assert read(text) == expected


def test_a_tracker_word_before_a_key_is_a_field_but_before_prose_it_is_a_word():
    assert read("Rotate the keys; JIRA SEC-42").ticket == "SEC-42"
    assert read("Close the issue created by the bot").text == "Close the issue created by the bot"


@pytest.mark.parametrize("cell, expected", [
    ("Bug 5554823 **TODO**", ("open", "Bug 5554823")),
    ("n/a **DONE**", ("done", "n/a")),
    ("[won't fix] see thread", ("wontfix", "see thread")),
    ("Bug 5554825", ("", "Bug 5554825")),
    ("**Important** follow-up", ("", "**Important** follow-up")),  # emphasis, but no status word
])
def test_a_status_word_marked_in_a_cell_is_read_off_it(cell, expected):
    assert cell_status(cell) == expected


@pytest.mark.parametrize("text, owner", [
    ("Action: rotate keys (Owner: Kim, ETA: Q2)", "Kim"),
    ("Fix DNS. Owner: Mr. Lee. ETA: soon", "Mr. Lee"),
    ("Fix DNS (owner: @kim and @lee; ETA: Q3)", "kim, lee"),
])
def test_an_owner_labelled_in_words_that_stay_in_the_text_is_still_read(text, owner):
    item = read(text)
    assert item.owner == owner and item.text == text  # the unreadable ETA keeps the group in the text

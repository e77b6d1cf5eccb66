"""Tickets as links: the config's patterns, groups, several tickets a cell, encoding."""

from __future__ import annotations

from pathlib import Path

from postmortem_kb.config import KBConfig, validate_settings
from postmortem_kb.tickets import is_link, tickets_in, ticket_url, unmatched_tickets

SETTINGS = validate_settings({"tickets": {
    r"^[A-Z][A-Z0-9]+-\d+$": "https://jira.example.com/browse/{ticket}",
    r"^#(\d+)$": "https://github.com/acme/payments/issues/{1}",
    r"^(?P<repo>[\w.-]+/[\w.-]+)#(?P<number>\d+)$": "https://github.com/{repo}/issues/{number}",
}})
CONFIG = KBConfig.from_settings(Path("."), SETTINGS)


def test_patterns_give_urls_with_the_whole_ticket_or_its_groups():
    assert ticket_url("OPS-12", CONFIG) == "https://jira.example.com/browse/OPS-12"
    assert ticket_url(" #42 ", CONFIG) == "https://github.com/acme/payments/issues/42"
    assert ticket_url("acme/infra#7", CONFIG) == "https://github.com/acme/infra/issues/7"


def test_a_pattern_must_match_the_whole_ticket():
    assert ticket_url("see OPS-12", CONFIG) is None
    assert ticket_url("ops-12", CONFIG) is None
    assert ticket_url("", CONFIG) is None


def test_no_patterns_no_links():
    assert ticket_url("OPS-12", KBConfig(root=Path("."))) is None
    assert unmatched_tickets("whatever", KBConfig(root=Path("."))) == []


def test_values_are_percent_encoded():
    config = KBConfig(root=Path("."), tickets={r"^T-(.+)$": "https://t.example.com/{1}?q={ticket}"})
    assert ticket_url('T-a b"<x>&y', config) == "https://t.example.com/a%20b%22%3Cx%3E%26y?q=T-a%20b%22%3Cx%3E%26y"
    assert ticket_url("T-../../admin", config) == "https://t.example.com/%2E%2E/%2E%2E/admin?q=T-%2E%2E/%2E%2E/admin"


def test_a_template_asking_for_a_missing_group_links_nothing():
    config = KBConfig(root=Path("."), tickets={r"^X-\d+$": "https://x.example.com/{2}"})
    assert ticket_url("X-1", config) is None


def test_cells_with_several_tickets_links_and_placeholders():
    assert tickets_in("OPS-12, OPS-13; #4") == ["OPS-12", "OPS-13", "#4"]
    assert tickets_in("-") == [] and tickets_in("n/a") == [] and tickets_in("") == []
    assert is_link("[OPS-12](https://jira.example.com/browse/OPS-12)") and is_link("https://x.example.com/1")
    assert unmatched_tickets("OPS-12, ops 9, https://x.example.com/1", CONFIG) == ["ops 9"]

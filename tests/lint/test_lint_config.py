"""The lint settings of postmortem-kb.yml: each bad value exits 2 naming its key."""

from __future__ import annotations

import pytest

from conftest import write
from lint_helpers import CLEAN, CLEAN_NAME
from postmortem_kb.cli import main


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ("finished_statuses: [in-review, shipped]\n", "finished_statuses"),
        ("actions_required_statuses: [done]\n", "actions_required_statuses"),
        ("open_action_statuses: [open, blocked]\n", "open_action_statuses"),
        ("placeholder_markers: TODO\n", "placeholder_markers"),
        ("extra_fields: [1, 2]\n", "extra_fields"),
        ("allowed_email_domains: corp.io\n", "allowed_email_domains"),
        ("blame_words: [forgot]\n", "blame_words"),
        ("blame_words:\n  forgot: 3\n", "blame_words.forgot"),
        ("rules:\n  secret: fatal\n", "rules.secret"),
        ("severities: 5\n", "severities"),
        ("section_aliases:\n  Impact: Blast radius\n", "section_aliases.Impact"),
        ("timezone: Mars/Olympus\n", "timezone"),
        ("statuses: []\n", "statuses"),
        ("tags: dns\n", "tags"),
        ("no_such_setting: 1\n", "no_such_setting"),
    ],
)
def test_invalid_setting_exits_2_naming_the_key(kb, runner, config, key):
    write(kb / "postmortems" / CLEAN_NAME, CLEAN)
    write(kb / "postmortem-kb.yml", config)
    result = runner.invoke(main, ["lint"])
    assert result.exit_code == 2
    assert f"postmortem-kb.yml: {key}:" in result.output


def test_a_wrong_rule_level_says_what_it_must_be(kb, runner):
    write(kb / "postmortems" / CLEAN_NAME, CLEAN)
    write(kb / "postmortem-kb.yml", "rules:\n  secret: fatal\n")
    result = runner.invoke(main, ["lint"])
    assert "postmortem-kb.yml: rules.secret: must be one of error, warning, info, off, not 'fatal'" in result.output
    assert "Traceback" not in result.output


def test_statuses_renamed_consistently_is_accepted(kb, runner):
    write(kb / "postmortems" / CLEAN_NAME, CLEAN.replace("status: published", "status: final"))
    write(kb / "postmortem-kb.yml", "statuses: [wip, final]\nfinished_statuses: [final]\nactions_required_statuses: [final]\n")
    result = runner.invoke(main, ["lint"])
    assert result.exit_code == 0, result.output


def test_every_setting_is_documented():
    from conftest import REPO
    from postmortem_kb.config import DEFAULTS

    text = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert [key for key in DEFAULTS if f"| `{key}` |" not in text] == []

"""Safe-publishing rules: secrets, personal data, blaming language."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write
from lint_helpers import CLEAN, CLEAN_NAME, by_rule, line_of, lint_json, lint_text

from postmortem_kb.lint.rules_publishing import is_blame, is_role_address

# Built at run time so that secret scanners reading this repository do not
# flag the test itself; the AWS id is AWS's own documented example.
AWS_KEY = "AKIAIOSFODNN7EXAMPLE"
GITHUB_TOKEN = "ghp_" + "a1B2c3D4e5" * 3 + "f6G7h8"
PRIVATE_KEY = "-----BEGIN " + "RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA" + "x" * 48 + "\n-----END " + "RSA PRIVATE KEY-----"
SLACK_TOKEN = "xoxb-" + "123456789012-1234567890123-" + "AbCdEfGhIjKlMnOpQrStUvWx"


def with_impact(text: str) -> str:
    return CLEAN.replace("Logins were slow for 30 minutes.", text)


# Lints the knowledge base in a fresh interpreter; prints whether detect-secrets got imported.
_LINT_AND_SAY_IF_DETECT_SECRETS_LOADED = """
import sys
from postmortem_kb.cli import main
try:
    main(["--root", sys.argv[1], "lint", "--no-cache", "--jobs", "1", "--format", "json"])
except SystemExit:
    pass
print("detect_secrets" in sys.modules)
"""


@pytest.mark.parametrize("impact, loaded", [
    ("Logins were slow for 30 minutes.", False),  # no run of 20 characters: nothing for the detectors
    (f"We rotated {AWS_KEY} after the leak.", True),
])
def test_detect_secrets_is_loaded_only_when_a_line_could_hold_a_secret(kb, impact, loaded):
    write(kb / "postmortems" / CLEAN_NAME, with_impact(impact))
    result = subprocess.run([sys.executable, "-c", _LINT_AND_SAY_IF_DETECT_SECRETS_LOADED, str(kb)],
                            capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == str(loaded)
    assert ("AWS Access Key" in result.stdout) is loaded


# A long `related:` id: 20 characters without a space, which alone would send the front matter to the detectors.
LONG_ID = "2024-01-05-the-primary-database-exhausted-its-file-descriptors"


@pytest.mark.parametrize("target_exists, loaded", [(True, False), (False, True)])
def test_related_ids_of_postmortems_here_are_names_not_text(kb, target_exists, loaded):
    """An id that names a postmortem of the knowledge base is that file's name: not scanned (and
    detect-secrets not even loaded for it). An id that names nothing is text like any other."""
    write(kb / "postmortems" / CLEAN_NAME, CLEAN.replace("related: []", f"related: [{LONG_ID}]"))
    if target_exists:
        write(kb / "postmortems" / f"{LONG_ID}.md", CLEAN.replace("Cache stampede", "Descriptors"))
    result = subprocess.run([sys.executable, "-c", _LINT_AND_SAY_IF_DETECT_SECRETS_LOADED, str(kb)],
                            capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == str(loaded)
    assert ("related-exists" in result.stdout) is not target_exists


def test_a_secret_written_as_a_related_id_is_still_found(kb):
    token_id = "2024-01-05-" + SLACK_TOKEN.lower()
    text = CLEAN.replace("related: []", f"related: [{token_id}]")
    findings = lint_text(kb, text)[1]
    assert [f["line"] for f in by_rule(findings, "secret")] == [line_of(text, "related:")]
    assert by_rule(findings, "related-exists")


def test_secrets_in_the_body_are_errors_at_their_position(kb):
    text = with_impact(
        f"We rotated `{AWS_KEY}` after the leak.\n\nThe bot used {SLACK_TOKEN} to post.\n\n"
        f"```\n{PRIVATE_KEY}\n```\n\nclone with {GITHUB_TOKEN} and https://deploy:hunter2x@git.internal/repo"
    )
    code, findings = lint_text(kb, text)
    found = by_rule(findings, "secret")
    assert code == 1 and all(f["severity"] == "error" for f in found)
    located = {(f["line"], f["message"].split("(")[1].split(")")[0]) for f in found}
    assert (line_of(text, AWS_KEY), "AWS Access Key") in located
    assert (line_of(text, "xoxb-"), "Slack Token") in located
    assert (line_of(text, "BEGIN RSA"), "Private Key") in located
    assert (line_of(text, "ghp_"), "GitHub Token") in located
    assert (line_of(text, "hunter2x"), "Basic Auth Credentials") in located
    aws = next(f for f in found if "AWS" in f["message"])
    assert aws["column"] == len("We rotated `") + 1


def test_secret_in_front_matter_points_at_its_key(kb):
    text = CLEAN.replace("summary: A cache flush", f"summary: Token {GITHUB_TOKEN} leaked; a cache flush")
    found = by_rule(lint_text(kb, text)[1], "secret")
    assert [f["line"] for f in found] == [line_of(text, "summary:")]


def test_prose_hashes_and_identifiers_are_not_secrets(kb):
    text = with_impact(
        "Commit 3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39 changed `kube-controller-manager-configuration`;"
        " the request id was 7c9e6679-7425-40de-944b-e07fc1f90ae7."
    )
    assert not by_rule(lint_text(kb, text)[1], "secret")


def test_personal_data_warns(kb):
    text = with_impact(
        "Customer jane.doe@gmail.com reported it from 81.2.69.142.\n\n"
        "Write to sre@example.com; the pod at 10.0.3.4 and the range 52.94.0.0/16 were fine; docs use 203.0.113.7."
    )
    found = by_rule(lint_text(kb, text)[1], "personal-data")
    assert all(f["severity"] == "warning" for f in found)
    assert [(f["line"], f["column"]) for f in found] == [
        (line_of(text, "jane.doe"), len("Customer ") + 1),
        (line_of(text, "jane.doe"), text.split("\n")[line_of(text, "jane.doe") - 1].index("81.2") + 1),
    ]


def test_allowed_email_domains(kb):
    text = with_impact("Page oncall@corp.io or the lead at lead@corp.io.")
    assert by_rule(lint_text(kb, text)[1], "personal-data")
    assert not by_rule(lint_text(kb, text, config="allowed_email_domains: [corp.io]\n")[1], "personal-data")


def test_blaming_language_warns_with_a_rewording_hint(kb):
    text = with_impact("It was human\nerror: the operator forgot the flag.\n\nWe should have known. We should check.")
    found = by_rule(lint_text(kb, text)[1], "blame-language")
    assert [f["severity"] for f in found] == ["warning"] * 3
    messages = {f["line"]: f["message"] for f in found if "human" in f["message"]}
    assert "made the action easy to get wrong" in messages[line_of(text, "It was human")]
    assert any("'forgot'" in f["message"] and "checklist" in f["message"] for f in found)
    assert any("'should have'" in f["message"] for f in found)


def test_blame_words_come_from_the_config(kb):
    text = with_impact("A cowboy change with no review.")
    config = "blame_words:\n  cowboy: describe the missing review step\n  forgot: null\n"
    found = by_rule(lint_text(kb, text, config=config)[1], "blame-language")
    assert len(found) == 1 and "missing review step" in found[0]["message"]
    other = with_impact("The operator forgot the flag.")
    assert not by_rule(lint_text(kb, other, config=config)[1], "blame-language")


# -- precision: what is not blame ----------------------------------------------

NOT_BLAME = [
    # Passive "should have been" + participle: about what a system did not get.
    "The drift should have been automatically corrected by the reconciler.",
    "The regression should have been caught by the test suite.",
    "The alert should have been routed to the database team.",
    "This let an issue which should have been addressed early become a pressing concern.",
    # "should have" + noun: a recommendation to have something.
    "Each repository should have clear rules for merging to main.",
    "System critical workloads should have priority over batch jobs.",
    "Every service should have automated tests for its config.",
    "Users should have to confirm a destructive command.",
    "We should have a talk with the platform team about ownership.",
    # A state of a thing, and an elliptical "should have".
    "The limit should have been higher for peak traffic.",
    "The failover did not happen as it should have.",
    # Compounds, identifiers and technical terms.
    "The config was lazy-loaded on first request.",
    "Modules are imported lazily to keep start-up fast.",
    "We switched to lazy loading of the thumbnails.",
    "Lazy evaluation deferred the error until render.",
    "The page used React.lazy() for the chart.",
    "We ran git blame to find the change.",
    "The blame-free review found three gaps.",
    "The forgotten password flow sent duplicate emails.",
    "The human-error-proof form shipped last year.",
]
BLAME = [
    ("The on-call engineer forgot to drain the node.", "forgot"),
    ("You should have checked the dashboard before deploying.", "should have"),
    ("The operator should have known the flag was dangerous.", "should have"),
    ("Alice should have checked the diff.", "should have"),
    ("We should have been more careful with the rollout.", "should have"),
    ("The engineer should have immediately rolled back the change.", "should have"),
    ("Nobody should've merged that without review.", "should've"),
    ("Someone should have automated the check.", "should have"),
    ("He was lazy about reviewing the change.", "lazy"),
    ("It was human error: a typo in the hostname.", "human error"),
]


def _phrase(finding: dict) -> str:
    return finding["message"].split("' assigns blame")[0][1:].lower()


def test_wording_about_systems_is_not_blame_but_blame_about_people_is(kb):
    sentences = NOT_BLAME + [sentence for sentence, _ in BLAME]
    text = with_impact("\n\n".join(sentences))
    found = by_rule(lint_text(kb, text)[1], "blame-language")
    flagged = {(f["line"], _phrase(f)) for f in found}
    assert flagged == {(line_of(text, sentence), phrase) for sentence, phrase in BLAME}


@pytest.mark.parametrize("sentence, phrase, expected", [
    ("you should have checked", "should have", True),
    ("it should have been checked", "should have", False),
    ("they should have been aware", "should have", True),
    ("it should have been aware", "should have", False),
    ("we should have tests", "should have", False),
    ("we should have automated it", "should have", True),
    ("we should have automated tests", "should have", False),
    ("lazy-loaded", "lazy", False),
    ("lazy loading", "lazy", False),
    ("lazy reviewers", "lazy", True),
    ("git blame", "blame", False),
    ("no blame", "blame", True),
])
def test_is_blame_reads_the_words_around_the_phrase(sentence, phrase, expected):
    start = sentence.index(phrase.split()[0])
    assert is_blame(sentence, start, start + len(phrase), phrase) is expected


def test_code_is_not_judged_for_blame(kb):
    text = with_impact(
        "Set `lazy=True` and keep `forgot_password()` as is.\n\n"
        "```python\n# human error here is a variable name\nhuman error = should have\n```\n\n"
        "~~~\nthe operator forgot\n~~~\n\n"
        "Outside the code the operator forgot the flag."
    )
    found = by_rule(lint_text(kb, text)[1], "blame-language")
    assert [f["line"] for f in found] == [line_of(text, "Outside the code")]


# -- precision: template hints ---------------------------------------------------

HINTED_TEMPLATE = """\
---
title: {{ title | yaml }}
date: {{ date }}
severity: {{ severity | yaml }}
status: {{ status }}
authors: {{ authors | yaml }}
tags: {{ tags | yaml }}
---

## Summary

<!-- hint: Describe systems, not people: no 'human error', nobody 'forgot' or 'should have known'. -->

## Impact

<!-- hint: Never paste a customer's address such as jane@customer.com
     or 81.2.69.142; write 'a customer'. -->
"""


def test_a_templates_own_hints_are_never_scanned(kb, runner):
    from postmortem_kb.cli import main

    (kb / "templates").mkdir()
    (kb / "templates" / "hinted.md.j2").write_text(HINTED_TEMPLATE, encoding="utf-8")
    result = runner.invoke(main, ["new", "Hinted", "--template", "hinted", "--severity", "SEV2", "--tag", "db",
                                  "--author", "lee", "--date", "2024-01-09", "--no-input"])
    assert result.exit_code == 0, result.output
    created = next((kb / "postmortems").glob("*.md"))
    assert "jane@customer.com" in created.read_text(encoding="utf-8")
    findings = lint_json()[1]
    assert not by_rule(findings, "blame-language") and not by_rule(findings, "personal-data")


def test_other_comments_are_published_so_personal_data_in_them_counts(kb):
    text = with_impact("Slow logins.\n\n<!-- reported by jane.doe@gmail.com; the operator forgot -->")
    findings = lint_text(kb, text)[1]
    assert [f["line"] for f in by_rule(findings, "personal-data")] == [line_of(text, "jane.doe")]
    assert not by_rule(findings, "blame-language")  # a comment never reaches a reader's eyes


# -- precision: role addresses -----------------------------------------------------

ROLE_ADDRESSES = [
    "abuse@corp.io", "no-reply@corp.io", "noreply@corp.io", "donotreply@corp.io", "security@corp.io",
    "support@corp.io", "oncall@corp.io", "postmaster@corp.io", "admin@corp.io", "info@corp.io", "sre@corp.io",
    "team-payments@corp.io", "team.db@corp.io", "db-alerts@corp.io", "payments-oncall@corp.io",
    "all-staff@corp.io", "eng-platform@corp.io", "Security@Corp.io",
]
PERSONAL_ADDRESSES = ["jane.doe@gmail.com", "bob.smith@corp.io", "jane+alerts@gmail.com", "alerts.jane.doe@corp.io",
                      "teamwork@corp.io", "adminton@corp.io"]


def test_is_role_address():
    assert all(is_role_address(a.split("@")[0]) for a in ROLE_ADDRESSES)
    assert not any(is_role_address(a.split("@")[0]) for a in PERSONAL_ADDRESSES)


def test_role_and_group_addresses_are_not_personal_data(kb):
    text = with_impact("\n\n".join(f"Mail went to {address}." for address in ROLE_ADDRESSES + PERSONAL_ADDRESSES))
    found = by_rule(lint_text(kb, text)[1], "personal-data")
    assert sorted(f["line"] for f in found) == sorted(line_of(text, a) for a in PERSONAL_ADDRESSES)


def test_allowed_domains_still_apply_besides_roles(kb):
    text = with_impact("Escalated to bob.smith@corp.io and support@corp.io.")
    assert len(by_rule(lint_text(kb, text)[1], "personal-data")) == 1
    assert not by_rule(lint_text(kb, text, config="allowed_email_domains: [corp.io]\n")[1], "personal-data")


# -- measured on a real corpus -----------------------------------------------------

DFDS = Path("/work/shared/corpus/dfds")


@pytest.mark.skipif(not DFDS.is_dir(), reason="the DFDS postmortem corpus is not on this machine")
def test_dfds_corpus_should_have_findings_are_gone_and_real_blame_stays(kb):
    files = sorted(DFDS.glob("*.md"))
    for n, source in enumerate(files):
        (kb / "postmortems" / f"2020-01-{n % 28 + 1:02d}-dfds-{n}.md").write_bytes(source.read_bytes())
    corpus = "\n".join(source.read_text(encoding="utf-8") for source in files).lower()
    assert corpus.count("should have") >= 5  # the corpus still has the words the rule used to flag
    found = by_rule(lint_json()[1], "blame-language")
    phrases = sorted(_phrase(f) for f in found)
    assert phrases == ["human error", "user error"]

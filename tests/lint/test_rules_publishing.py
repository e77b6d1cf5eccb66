"""Safe-publishing rules: secrets, personal data, blaming language."""

from __future__ import annotations

from lint_helpers import CLEAN, by_rule, line_of, lint_text

# Built at run time so that secret scanners reading this repository do not
# flag the test itself; the AWS id is AWS's own documented example.
AWS_KEY = "AKIAIOSFODNN7EXAMPLE"
GITHUB_TOKEN = "ghp_" + "a1B2c3D4e5" * 3 + "f6G7h8"
PRIVATE_KEY = "-----BEGIN " + "RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA" + "x" * 48 + "\n-----END " + "RSA PRIVATE KEY-----"
SLACK_TOKEN = "xoxb-" + "123456789012-1234567890123-" + "AbCdEfGhIjKlMnOpQrStUvWx"


def with_impact(text: str) -> str:
    return CLEAN.replace("Logins were slow for 30 minutes.", text)


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

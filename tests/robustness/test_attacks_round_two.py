"""Issue 13's reproductions, each through the real command line: a clear error or finding, no traceback.

Each test names the attack it stands for; docs/reliability.md lists them
with the threat they belong to.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import VALID_POSTMORTEM, write
from robustness.reliability_cases import covers
from robustness.robust_helpers import postmortem

PM_ID = "2024-01-09-cache-stampede"
AWS_KEY_LINE = "The key AKIAIOSFODNN7EXAMPLE leaked in a log.\n"


def no_traceback(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, result.stderr


@pytest.fixture
def pm_file(kb: Path) -> Path:
    return write(kb / "postmortems" / f"{PM_ID}.md", VALID_POSTMORTEM)


# -- the file policy ------------------------------------------------------------------


@covers("symlink-out")
def test_symlink_to_git_config_is_neither_published_nor_written_through(kb, tmp_path):
    secret = kb / ".git-config-like"
    secret.write_text("[http]\n\textraheader = AUTHORIZATION: basic c2VjcmV0\n")
    os.symlink("../.git-config-like", kb / "postmortems" / "2024-01-09-notes.md")
    lint = postmortem(kb, "lint", "--no-cache")
    no_traceback(lint)
    assert lint.returncode == 1 and "load-symlink" in lint.stdout and "outside the postmortems folder" in lint.stdout
    events = tmp_path / "ev.csv"
    events.write_text("time,event\n2025-06-18T09:00:00Z,written through?\n")
    imported = postmortem(kb, "timeline", "import", "2024-01-09-notes", "--from", "csv", str(events))
    no_traceback(imported)
    assert imported.returncode == 1 and "nothing written" in imported.stderr
    assert "written through" not in secret.read_text()
    shown = postmortem(kb, "show", "2024-01-09-notes", "--format", "json")
    assert shown.returncode == 1 and "extraheader" not in shown.stdout


@covers("symlink-loop")
def test_symlink_loop_is_a_finding(kb):
    os.symlink("2024-01-01-b.md", kb / "postmortems" / "2024-01-01-a.md")
    os.symlink("2024-01-01-a.md", kb / "postmortems" / "2024-01-01-b.md")
    result = postmortem(kb, "lint", "--no-cache")
    no_traceback(result)
    assert result.returncode == 1 and "loops" in result.stdout


@covers("fifo-md")
def test_fifo_named_md_does_not_hang_lint_list_or_show(kb, pm_file):
    os.mkfifo(kb / "postmortems" / "2024-01-02-pipe.md")
    for args in (["lint", "--no-cache"], ["list"], ["show", "2024-01-02-pipe"]):
        result = postmortem(kb, *args, timeout=60)
        no_traceback(result)
        assert "named pipe" in result.stdout + result.stderr, args


@covers("no-front-matter-target")
def test_file_without_front_matter_is_never_a_merge_target(kb, tmp_path):
    write(kb / "postmortems" / "2024-01-03-notes.md", "## Timeline\n\n| Time | Event |\n|---|---|\n| 2024-01-03 10:00 | x |\n")
    events = tmp_path / "ev.csv"
    events.write_text("time,event\n2024-01-03T11:00:00Z,later\n")
    before = (kb / "postmortems" / "2024-01-03-notes.md").read_bytes()
    result = postmortem(kb, "timeline", "import", "2024-01-03-notes", "--from", "csv", str(events))
    assert result.returncode == 1 and "no front matter" in result.stderr
    assert (kb / "postmortems" / "2024-01-03-notes.md").read_bytes() == before


# -- front matter that YAML accepts too easily ------------------------------------------


@covers("duplicate-key")
def test_duplicate_yaml_keys_are_a_finding_at_the_second_key(kb):
    write(kb / "postmortems" / "2024-01-04-dup.md", VALID_POSTMORTEM.replace("status: published\n",
                                                                              "status: published\nseverity: SEV4\n"))
    result = postmortem(kb, "lint", "--no-cache", "--format", "json")
    found = [f for f in json.loads(result.stdout) if f["rule"] == "duplicate-key"]
    assert found and found[0]["line"] == 6 and "`severity` is set twice" in found[0]["message"]


@covers("impossible-date")
def test_impossible_date_is_reported_at_its_line(kb):
    write(kb / "postmortems" / "2024-01-05-date.md", VALID_POSTMORTEM.replace("date: 2024-01-09", "date: 2024-02-30"))
    result = postmortem(kb, "lint", "--no-cache", "--format", "json")
    no_traceback(result)
    load = [f for f in json.loads(result.stdout) if f["rule"] == "load-yaml"]
    assert load and load[0]["line"] == 3 and "2024-02-30" in load[0]["message"]


@covers("huge-number-title")
def test_enormous_hex_title_does_not_stop_lint(kb, pm_file):
    write(kb / "postmortems" / "2024-01-06-hex.md", VALID_POSTMORTEM.replace(
        "title: Cache stampede on the session store", "title: 0x" + "f" * 3600))
    result = postmortem(kb, "lint", "--no-cache", "--format", "json")
    no_traceback(result)
    files = {f["path"] for f in json.loads(result.stdout)}
    assert any("2024-01-06-hex" in path for path in files)


@covers("far-timestamp")
def test_timestamp_beyond_utc_does_not_crash_list_or_show(kb):
    write(kb / "postmortems" / "2024-01-07-far.md",
          VALID_POSTMORTEM.replace("started_at: 2024-01-09T10:00:00+01:00", "started_at: 9999-12-31T23:59:00-23:59"))
    for args in (["list", "--format", "json"], ["stats"], ["show", "2024-01-07-far"]):
        result = postmortem(kb, *args)
        no_traceback(result)
        assert result.returncode == 0, (args, result.stderr)


# -- outputs that neutralise their medium -------------------------------------------------


@covers("csv-formula")
def test_csv_cells_cannot_be_spreadsheet_formulas(kb):
    write(kb / "postmortems" / "2024-01-08-csv.md", VALID_POSTMORTEM.replace(
        "title: Cache stampede on the session store", 'title: "=HYPERLINK(\\"http://x\\",\\"y\\")"'))
    result = postmortem(kb, "list", "--format", "csv")
    assert result.returncode == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["title"] == '\'=HYPERLINK("http://x","y")'


@covers("terminal-escapes")
def test_terminal_escapes_in_front_matter_never_reach_the_terminal(kb):
    write(kb / "postmortems" / "2024-01-10-esc.md", VALID_POSTMORTEM.replace(
        "title: Cache stampede on the session store", 'title: "Red \\e[31mALERT\\e]8;;http://evil\\e\\\\link"'))
    for args in (["list"], ["lint", "--no-cache"], ["show", "2024-01-10-esc"]):
        result = postmortem(kb, *args)
        assert "\x1b" not in result.stdout and "\x1b" not in result.stderr, args


# -- importers: limits before anything is built ----------------------------------------------


@covers("deep-json")
@pytest.mark.parametrize("source", ["slack", "pagerduty", "statuspage", "opsgenie"])
def test_json_nested_200000_deep_is_refused(kb, pm_file, tmp_path, source):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200_000 + "]" * 200_000)
    result = postmortem(kb, "timeline", "import", PM_ID, "--from", source, str(deep))
    no_traceback(result)
    assert result.returncode == 1 and "nests" in result.stderr


@covers("slack-odd-types")
def test_slack_values_of_the_wrong_type_are_an_error_not_a_traceback(kb, pm_file, tmp_path):
    export = tmp_path / "day.json"
    export.write_text(json.dumps([
        {"ts": "1704790000.0", "user": "U1", "text": "hi", "subtype": ["channel_join"]},
        {"ts": "1704790100.0", "user": "U1", "text": "pin", "reactions": [{"name": {"x": 1}}]},
    ]))
    result = postmortem(kb, "timeline", "import", PM_ID, "--from", "slack", str(export), "--pinned-only")
    no_traceback(result)
    assert result.returncode in (0, 1)


@covers("csv-year-one")
def test_csv_row_at_year_one_with_an_offset_is_an_error(kb, pm_file, tmp_path):
    events = tmp_path / "ev.csv"
    events.write_text("time,event\n0001-01-01T00:00+14:00,the dawn of time\n")
    result = postmortem(kb, "timeline", "import", PM_ID, "--from", "csv", str(events))
    no_traceback(result)
    assert result.returncode == 1 and ":2:" in result.stderr


@covers("csv-bad-quoting")
def test_csv_field_over_the_limit_and_unterminated_quote_are_errors(kb, pm_file, tmp_path):
    long_field = tmp_path / "long.csv"
    long_field.write_text("time,event\n2024-01-09T10:10:00Z," + "x" * 140_000 + "\n")
    unterminated = tmp_path / "quote.csv"
    unterminated.write_text('time,event\n2024-01-09T10:10:00Z,"never closed\n2024-01-09T10:11:00Z,next\n')
    before = pm_file.read_bytes()
    for export in (long_field, unterminated):
        result = postmortem(kb, "timeline", "import", PM_ID, "--from", "csv", str(export))
        no_traceback(result)
        assert result.returncode == 1 and "not valid CSV" in result.stderr, result.stderr
    assert pm_file.read_bytes() == before


@covers("import-over-limits")
def test_import_that_would_outgrow_the_load_limit_writes_nothing(kb, pm_file, tmp_path):
    events = tmp_path / "many.csv"
    rows = "".join(f"2024-01-09T10:{n // 600 % 60:02d}:{n % 60:02d}Z,message number {n}\n" for n in range(6_000))
    events.write_text("time,event\n" + rows)
    before = pm_file.read_bytes()
    result = postmortem(kb, "timeline", "import", PM_ID, "--from", "csv", str(events))
    no_traceback(result)
    assert result.returncode == 1 and "nothing written" in result.stderr
    assert pm_file.read_bytes() == before


# -- the lint cache cannot lie ----------------------------------------------------------------


@covers("planted-lint-cache")
def test_planted_lint_cache_saying_no_findings_is_not_believed(kb):
    leaky = write(kb / "postmortems" / f"{PM_ID}.md", VALID_POSTMORTEM + AWS_KEY_LINE)
    first = postmortem(kb, "lint")
    assert first.returncode == 1, first.stdout
    cache = kb / ".postmortem-cache" / "lint.json"
    mac, _, payload = cache.read_bytes().partition(b"\n")
    document = json.loads(payload)
    for entry in document["files"].values():
        entry["findings"] = []
    # Planted: well formed, the right identity, but not signed with this user's key.
    cache.write_bytes(b"0" * len(mac) + b"\n" + json.dumps(document).encode())
    again = postmortem(kb, "lint")
    assert again.returncode == 1, again.stdout
    assert leaky.exists()


@covers("tracked-cache")
def test_cache_folder_tracked_by_git_is_refused_with_a_message(kb, pm_file):
    subprocess.run(["git", "init", "-q"], cwd=kb, check=True)
    (kb / ".postmortem-cache").mkdir()
    (kb / ".postmortem-cache" / "lint.json").write_text("{}")
    subprocess.run(["git", "add", "-f", ".postmortem-cache/lint.json"], cwd=kb, check=True)
    result = postmortem(kb, "lint")
    assert "tracked by git" in result.stderr


@covers("stale-template-cache")
def test_changing_a_team_template_requirement_invalidates_the_cache(kb):
    write(kb / "templates" / "team.md.j2", "{# requires: Summary #}\n## Summary\n")
    write(kb / "postmortems" / f"{PM_ID}.md", VALID_POSTMORTEM.replace("status: published\n",
                                                                        "status: published\ntemplate: team\n"))
    assert postmortem(kb, "lint").returncode == 0
    write(kb / "templates" / "team.md.j2", "{# requires: Summary, Customer communication #}\n## Summary\n")
    assert postmortem(kb, "lint").returncode == 1


# -- secrets in every shape ---------------------------------------------------------------------

GPG_EXPORT = """-----BEGIN PGP PRIVATE KEY BLOCK-----
Version: GnuPG v2

lQOYBGVxYz0BCAC7y3nq0m8Jk2w5vQ1pX9rT4uH6sL0cA3eF8gB2dK7jN1oP5qR9
=ab12
-----END PGP PRIVATE KEY BLOCK-----"""
PEM_WITH_HEADERS = """-----BEGIN RSA PRIVATE KEY-----
Proc-Type: 4,ENCRYPTED
DEK-Info: AES-128-CBC,3F17F5316E2BAC89

MIIEpAIBAAKCAQEA1c8gqXz0hL9nP4sT2uV6wY8zA1bC3dE5fG7hI9jK0lM2nO4p
-----END RSA PRIVATE KEY-----"""
BLANK_AFTER_BEGIN = """-----BEGIN OPENSSH PRIVATE KEY-----

b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
-----END OPENSSH PRIVATE KEY-----"""


@covers("secret-shapes")
@pytest.mark.parametrize("secret", [
    GPG_EXPORT, PEM_WITH_HEADERS, BLANK_AFTER_BEGIN,
    "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYQ",
    "password: hunter2horse",
    "| db | secret=Zq8!mW3#rT6p | rotated |",
    "github_pat_11ABCDEFG0123456789abc_0123456789abcdefghijABCDEFGHIJ0123456789abcdefghijABCDEFGHIJ012345678",
    "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPrivate-Lines: 1\nAAAAIG0x",
])
@pytest.mark.parametrize("where", ["prose", "code block", "front matter"])
def test_secret_shapes_are_found_wherever_they_are(kb, secret, where):
    if where == "prose":
        text = VALID_POSTMORTEM.replace("## Impact\n", f"## Impact\n\n{secret}\n")
    elif where == "code block":
        text = VALID_POSTMORTEM.replace("## Impact\n", f"## Impact\n\n```\n{secret}\n```\n")
    else:
        text = VALID_POSTMORTEM.replace("summary: ", f"notes: {json.dumps(secret)}\nsummary: ")
        write(kb / "postmortem-kb.yml", "extra_fields: [notes]\n")
    write(kb / "postmortems" / f"{PM_ID}.md", text)
    result = postmortem(kb, "lint", "--no-cache", "--format", "json")
    assert [f for f in json.loads(result.stdout) if f["rule"] == "secret"], (where, secret)


@covers("secret-shapes")
def test_a_secret_after_letters_whose_lower_case_is_longer_is_found_at_its_place():
    """`İ` lowers to two characters: offsets into the lowered text would point past the secret."""
    from postmortem_kb.lint.secrets import find_extra_secrets

    text = "İstanbul İzmir İnebolu İskele İğdır\nThe db password: hunter2horse was pasted.\n"
    assert [(offset, kind) for offset, kind in find_extra_secrets(text)] == \
        [(text.index("hunter2horse"), "password value")]


IDS_THAT_ARE_NOT_SECRETS = """
- 10:02 deploy of commit 9fceb02d0ae598e95dc970b74767f19372d61af8 (sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855)
- request_id: 123e4567-e89b-12d3-a456-426614174000, trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7
- The password: was rotated; the token: see the deploy token in the vault; secret: db-credentials-prod
- `password: ${DB_PASSWORD}` and `api_key: <redacted>`; X-Request-Id=0af7651916cd43dd8448eb211c80319c
"""


def test_ids_hashes_and_placeholders_are_not_secrets(kb):
    write(kb / "postmortems" / f"{PM_ID}.md", VALID_POSTMORTEM.replace("## Impact\n", "## Impact\n" + IDS_THAT_ARE_NOT_SECRETS))
    result = postmortem(kb, "lint", "--no-cache", "--format", "json")
    assert not [f for f in json.loads(result.stdout) if f["rule"] == "secret"]


def test_no_false_secret_in_the_dfds_corpus():
    corpus = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "dfds"
    if not corpus.is_dir():
        pytest.skip("the DFDS corpus (../shared/corpus/dfds) is not beside this checkout")
    from postmortem_kb.lint.rules_publishing import _secret_detectors, find_secrets
    from postmortem_kb.lint.secrets import find_extra_secrets

    detectors = _secret_detectors()
    hits = []
    for path in sorted(corpus.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        hits += [(path.name, kind) for _, kind in [*find_secrets(text, lambda: detectors), *find_extra_secrets(text)]]
    assert hits == []

"""`postmortem list`, `actions` and `stats` on a real knowledge base on disk."""

import csv
import datetime as dt
import io
import json

import pytest

from conftest import VALID_POSTMORTEM, write
from postmortem_kb.cli import main
from postmortem_kb.kb import load_knowledge_base
from postmortem_kb.queries import postmortem_record, translation_records
from postmortem_kb.tables import display_width

TODAY = dt.date.today()
PAST = (TODAY - dt.timedelta(days=30)).isoformat()
FUTURE = (TODAY + dt.timedelta(days=30)).isoformat()
LONG_TITLE = "Checkout errors after a payment gateway configuration push removed the retired endpoint allow list"


def variant(title, date, severity, status, tags, services, due, item_status, owner="lee", started="10:00", resolved="12:00"):
    return (VALID_POSTMORTEM
            .replace("Cache stampede on the session store", title)
            .replace("date: 2024-01-09", f"date: {date}")
            .replace("severity: SEV2", f"severity: {severity}")
            .replace("status: published", f"status: {status}")
            .replace("tags: [server-infra, cache]", f"tags: [{', '.join(tags)}]")
            .replace("services: [sessions]", f"services: [{', '.join(services)}]")
            .replace("started_at: 2024-01-09T10:00", f"started_at: {date}T{started}")
            .replace("detected_at: 2024-01-09T10:04", f"detected_at: {date}T10:04")
            .replace("mitigated_at: 2024-01-09T10:30", f"mitigated_at: {date}T10:30")
            .replace("resolved_at: 2024-01-09T12:00", f"resolved_at: {date}T{resolved}")
            .replace("| Guard the flush command | lee | P2 | 2024-02-01 | open | OPS-1 |",
                     f"| Guard the flush command | {owner} | P2 | {due} | {item_status} | OPS-1 |"))


@pytest.fixture
def three(kb):
    write(kb / "postmortems/2024-01-09-cache.md",
          variant("Cache stampede", "2024-01-09", "SEV2", "published", ["server-infra", "cache"], ["sessions"], PAST, "open"))
    write(kb / "postmortems/2024-02-20-checkout.md",
          variant(LONG_TITLE, "2024-02-20", "SEV1", "published", ["payments"], ["checkout", "gateway"], FUTURE, "open",
                  owner="ana", resolved="11:00"))
    write(kb / "postmortems/2024-05-02-dns.md",
          variant("DNS resolver outage", "2024-05-02", "SEV2", "draft", ["server-infra", "dns"], ["resolver"], PAST, "done"))
    return kb


def run(runner, *args):
    result = runner.invoke(main, list(args))
    return result


def ids(result):
    return [row["id"] for row in json.loads(result.stdout)]


def test_list_newest_first_with_filters(three, runner):
    assert ids(run(runner, "list", "--format", "json")) == ["2024-05-02-dns", "2024-02-20-checkout", "2024-01-09-cache"]
    assert ids(run(runner, "list", "--tag", "server-infra", "--format", "json")) == ["2024-05-02-dns", "2024-01-09-cache"]
    assert ids(run(runner, "list", "--tag", "dns", "--tag", "payments", "--format", "json")) == ["2024-05-02-dns", "2024-02-20-checkout"]
    assert ids(run(runner, "list", "--service", "gateway", "--format", "json")) == ["2024-02-20-checkout"]
    assert ids(run(runner, "list", "--severity", "sev2", "--status", "published", "--format", "json")) == ["2024-01-09-cache"]
    assert ids(run(runner, "list", "--since", "2024-02-01", "--until", "2024-04-30", "--format", "json")) == ["2024-02-20-checkout"]


def test_list_json_record(three, runner):
    [record] = json.loads(run(runner, "list", "--service", "sessions", "--format", "json").stdout)
    assert record.pop("lang") in (None, "en")  # "en" once `list` passes the config (the default language)
    assert record == {
        "id": "2024-01-09-cache", "date": "2024-01-09", "severity": "SEV2", "status": "published",
        "title": "Cache stampede", "tags": ["server-infra", "cache"], "services": ["sessions"], "authors": ["lee"],
        "time_to_detect_seconds": 240, "time_to_resolve_seconds": 7200, "translation_of": None,
        "path": "postmortems/2024-01-09-cache.md",
    }


def test_language_and_translation_links_in_records(three):
    write(three / "postmortems/2024-01-09-cache-de.md",
          variant("Cache-Ansturm", "2024-01-09", "SEV2", "published", ["lang-de"], ["sessions"], PAST, "open")
          .replace("summary:", "translation_of: 2024-01-09-cache\nsummary:"))
    kb = load_knowledge_base(three)
    by_id = kb.by_id()
    german = postmortem_record(by_id["2024-01-09-cache-de"], kb.root, kb.config)
    assert (german["lang"], german["translation_of"]) == ("de", "2024-01-09-cache")
    assert postmortem_record(by_id["2024-01-09-cache"], kb.root, kb.config)["lang"] == "en"
    assert postmortem_record(by_id["2024-01-09-cache"], kb.root)["lang"] is None  # stated nowhere, no config
    links = translation_records(kb.loaded, kb.config)
    assert links["2024-01-09-cache"] == {"lang": "en", "translation_of": None, "original": None,
                                         "translations": ["2024-01-09-cache-de"]}
    assert links["2024-01-09-cache-de"]["original"] == "2024-01-09-cache"
    assert links["2024-05-02-dns"]["translations"] == []


def test_list_table_fits_80_columns_and_cuts_long_titles(three, runner):
    result = run(runner, "list")
    assert result.exit_code == 0
    lines = result.output.rstrip("\n").split("\n")
    assert all(display_width(line) <= 80 for line in lines), lines
    assert lines[0].split() == ["DATE", "SEV", "STATUS", "TITLE"]
    row = next(line for line in lines if line.startswith("2024-02-20"))
    assert row.endswith("…") and LONG_TITLE[:30] in row
    # Columns line up: every row's SEV starts where the header's does.
    start = lines[0].index("SEV")
    assert all(line[start:start + 4] in ("SEV1", "SEV2") for line in lines[2:5])
    assert lines[-1] == "3 postmortem(s)"


def test_list_csv(three, runner):
    rows = list(csv.DictReader(io.StringIO(run(runner, "list", "--format", "csv").stdout)))
    assert [r["id"] for r in rows] == ["2024-05-02-dns", "2024-02-20-checkout", "2024-01-09-cache"]
    assert rows[1]["services"] == "checkout;gateway" and rows[1]["title"] == LONG_TITLE


def test_bad_filter_values_are_usage_errors(three, runner):
    assert run(runner, "list", "--since", "yesterday").exit_code == 2
    result = run(runner, "list", "--since", "2024-05-01", "--until", "2024-01-01")
    assert result.exit_code == 2 and "is after --until" in result.output


def test_actions_open_overdue_owner_and_check(three, runner):
    every = json.loads(run(runner, "actions", "--format", "json").stdout)
    assert [(a["postmortem"], a["open"], a["overdue"]) for a in every] == [
        ("2024-01-09-cache", True, True), ("2024-02-20-checkout", True, False), ("2024-05-02-dns", False, False)]
    assert len(json.loads(run(runner, "actions", "--open", "--format", "json").stdout)) == 2
    overdue = json.loads(run(runner, "actions", "--overdue", "--format", "json").stdout)
    assert [a["postmortem"] for a in overdue] == ["2024-01-09-cache"] and overdue[0]["line"] > 1
    assert [a["owner"] for a in json.loads(run(runner, "actions", "--owner", "ana", "--format", "json").stdout)] == ["ana"]

    check = run(runner, "actions", "--check")
    assert check.exit_code == 1 and "1 open action item(s) are overdue" in check.output
    assert run(runner, "actions", "--check", "--owner", "ana").exit_code == 0


def test_actions_check_fails_when_a_postmortem_cannot_be_loaded(three, runner):
    write(three / "postmortems/2024-06-01-broken.md", "---\ntitle: [unclosed\n---\n")
    result = run(runner, "actions", "--check", "--owner", "ana")
    assert result.exit_code == 1 and "2024-06-01-broken.md:2" in result.output


def test_actions_table_fits_80_columns(three, runner):
    lines = run(runner, "actions").output.rstrip("\n").split("\n")
    assert all(display_width(line) <= 80 for line in lines)
    assert lines[0].split() == ["DUE", "STATE", "AGE", "OWNER", "ACTION", "POSTMORTEM"]
    assert lines[2].split()[:2] == [PAST, "overdue"]
    assert lines[-1] == "3 action item(s), 1 overdue; 1 beyond the SLO of its priority"


def test_stats_by_month_severity_service_and_tag(three, runner):
    by_month = json.loads(run(runner, "stats", "--format", "json").stdout)
    assert [(g["key"], g["count"], g["median_time_to_detect_seconds"], g["median_time_to_resolve_seconds"])
            for g in by_month] == [("2024-01", 1, 240, 7200), ("2024-02", 1, 240, 3600), ("2024-05", 1, 240, 7200)]
    by_severity = json.loads(run(runner, "stats", "--by", "severity", "--format", "json").stdout)
    assert [(g["key"], g["count"], g["median_time_to_resolve_seconds"], g["resolve_samples"]) for g in by_severity] == [
        ("SEV1", 1, 3600, 1), ("SEV2", 2, 7200, 2)]
    by_tag = {g["key"]: g["count"] for g in json.loads(run(runner, "stats", "--by", "tag", "--format", "json").stdout)}
    assert by_tag == {"cache": 1, "dns": 1, "payments": 1, "server-infra": 2}
    by_quarter = json.loads(run(runner, "stats", "--by", "quarter", "--status", "published", "--format", "json").stdout)
    assert [(g["key"], g["count"]) for g in by_quarter] == [("2024-Q1", 2)]
    rows = list(csv.DictReader(io.StringIO(run(runner, "stats", "--by", "service", "--format", "csv").stdout)))
    assert [r["key"] for r in rows] == ["checkout", "gateway", "resolver", "sessions"]


def test_stats_has_medians_and_p90_and_no_means(three, runner):
    write(three / "postmortems/2024-05-20-dns-again.md",
          variant("DNS again", "2024-05-20", "SEV2", "published", ["dns"], ["resolver"], PAST, "open", resolved="20:00"))
    [everything] = json.loads(run(runner, "stats", "--by", "all", "--format", "json").stdout)
    # Resolve times: 2h, 1h, 2h, 10h -> median 2h; p90 by the inclusive method: 2h + 0.7 * 8h.
    assert everything["median_time_to_resolve_seconds"] == 7200
    assert everything["p90_time_to_resolve_seconds"] == 7200 + int(0.7 * 8 * 3600)
    assert everything["resolve_samples"] == 4 and everything["count"] == 4
    assert everything["ids"] == ["2024-01-09-cache", "2024-02-20-checkout", "2024-05-02-dns", "2024-05-20-dns-again"]
    assert not [key for key in everything if "mean" in key]
    header = next(csv.reader(io.StringIO(run(runner, "stats", "--format", "csv").stdout)))
    assert "median_time_to_detect_seconds" in header and "p90_time_to_mitigate_seconds" in header
    assert not [column for column in header if "mean" in column]


def test_stats_by_trigger_factor_and_detection(three, runner):
    path = three / "postmortems/2024-01-09-cache.md"
    path.write_text(path.read_text().replace("summary:", "trigger: human-process\ndetection: alert\n"
                                             "contributing_factors: [missing-runbook, tooling-gap]\nsummary:"))
    by_trigger = {g["key"]: g["ids"] for g in json.loads(run(runner, "stats", "--by", "trigger", "--format", "json").stdout)}
    assert by_trigger == {"human-process": ["2024-01-09-cache"], "(none)": ["2024-02-20-checkout", "2024-05-02-dns"]}
    by_factor = [g["key"] for g in json.loads(run(runner, "stats", "--by", "factor", "--format", "json").stdout)]
    assert by_factor == ["missing-runbook", "tooling-gap", "(none)"]
    by_detection = {g["key"]: g["count"] for g in json.loads(run(runner, "stats", "--by", "detection", "--format", "json").stdout)}
    assert by_detection == {"alert": 1, "(none)": 2}


def test_stats_table(three, runner):
    result = run(runner, "stats", "--by", "severity")
    lines = result.output.rstrip("\n").split("\n")
    assert all(display_width(line) <= 80 for line in lines), lines
    assert lines[0].split() == ["SEVERITY", "COUNT", "TO", "DETECT", "TO", "MITIGATE", "TO", "RESOLVE"]
    assert lines[2].split() == ["SEV1", "1", "4m", "/", "4m", "(1)", "30m", "/", "30m", "(1)", "1h", "/", "1h", "(1)"]
    assert lines[3].split() == ["SEV2", "2", "4m", "/", "4m", "(2)", "30m", "/", "30m", "(2)", "2h", "/", "2h", "(2)"]
    assert "median / 90th percentile" in lines[-1]


def test_a_file_that_cannot_be_loaded_is_named_not_dropped(three, runner):
    write(three / "postmortems/2024-06-01-broken.md", "---\ntitle: [unclosed\n---\n")
    result = run(runner, "list")
    assert result.exit_code == 0 and "warning: postmortems/2024-06-01-broken.md:2:" in result.output

"""`postmortem timeline import`: rows merge in time order, once, and change nothing else."""

import datetime as dt
import difflib
import html
import json
import re

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from import_helpers import EXPORTS, shared_path

from conftest import VALID_POSTMORTEM, write
from postmortem_kb.cli import main
from postmortem_kb.config import load_config
from postmortem_kb.importers import ImportFailure, TimelineRow
from postmortem_kb.markdown_text import md_text
from postmortem_kb.importers.timeline_merge import MergeResult, _check_unchanged_rows, escape_cell, merge_timeline
from postmortem_kb.loader import load_postmortem, parse_postmortem

PM_ID = "2024-01-09-cache-stampede"
SLACK_DAY = EXPORTS / "slack-export/incidents/2024-03-05.json"


@pytest.fixture
def pm_file(kb):
    return write(kb / f"postmortems/{PM_ID}.md", VALID_POSTMORTEM)


def csv_export(tmp_path, *rows, name="events.csv"):
    return write(tmp_path / name, "time,event\n" + "".join(f"{t},{e}\n" for t, e in rows))


def added_lines(before: str, after: str) -> list[str]:
    """The lines `after` adds to `before`; fails if anything else changed."""
    ops = difflib.SequenceMatcher(a=before.split("\n"), b=after.split("\n"), autojunk=False).get_opcodes()
    assert all(tag in ("equal", "insert") for tag, *_ in ops), "a line of the original changed or went away"
    new = after.split("\n")
    return [line for tag, _, _, j1, j2 in ops if tag == "insert" for line in new[j1:j2]]


def test_rows_merge_in_time_order_in_the_postmortems_offset(kb, pm_file, runner, tmp_path):
    before = pm_file.read_text()
    export = csv_export(tmp_path, ("2024-01-09T09:02:00Z", "Deploy starts"),  # 10:02 in +01:00
                        ("2024-01-09 10:20", "Flush guard discussed"), ("2024-01-09T11:00:00Z", "Traffic normal"))
    result = runner.invoke(main, ["timeline", "import", PM_ID, "--from", "csv", str(export)])
    assert result.exit_code == 0, result.output
    after = pm_file.read_text()
    assert added_lines(before, after) == [
        "| 2024-01-09 10:02 | Deploy starts |",
        "| 2024-01-09 10:20 | Flush guard discussed |",
        "| 2024-01-09 12:00 | Traffic normal |",
    ]
    pm = load_postmortem(pm_file, load_config(kb))
    times = [e.time for e in pm.timeline]
    assert None not in times and times == sorted(times)
    assert [e.text for e in pm.timeline] == ["Cache flushed", "Deploy starts", "Latency alert fires", "Flush guard discussed",
                                             "Cache warmed; latency normal", "Traffic normal"]
    assert "added 3 row(s)" in result.output


def test_importing_the_same_export_twice_adds_nothing(kb, pm_file, runner):
    args = ["timeline", "import", PM_ID, "--from", "slack", str(SLACK_DAY)]
    assert runner.invoke(main, args).exit_code == 0
    once = pm_file.read_bytes()
    result = runner.invoke(main, args)
    assert result.exit_code == 0 and "added 0 row(s) (4 already there" in result.output
    assert pm_file.read_bytes() == once


def test_chat_text_never_becomes_html_on_the_site(kb, pm_file, runner, tmp_path):
    from site_helpers import mkdocs_build

    assert runner.invoke(main, ["timeline", "import", PM_ID, "--from", "slack", str(SLACK_DAY)]).exit_code == 0
    text = pm_file.read_text()
    assert "&lt;script&gt;alert\\(1\\)&lt;/script&gt; \\| \\[click\\]\\(javascript&#58;alert\\(2\\)\\)" in text
    site = tmp_path / "site"
    build = mkdocs_build(kb, site)
    assert build.returncode == 0, build.stderr
    page = (site / f"postmortems/{PM_ID}/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and 'href="javascript:' not in page
    shown = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert "<script>alert(1)</script> | [click](javascript:alert(2))" in shown
    assert "paging @Olu Bello & see the dashboard (https://grafana.example.com/d/1)" in shown


def test_since_until_and_dry_run(kb, pm_file, runner):
    before = pm_file.read_bytes()
    result = runner.invoke(main, ["timeline", "import", PM_ID, "--from", "pagerduty", str(EXPORTS / "pagerduty.json"),
                                  "--since", "2024-03-05T10:25:00+01:00", "--until", "2024-03-05T10:55", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would add 2 row(s) (2 outside --since/--until" in result.output
    assert "| 2024-03-05 10:31 | PagerDuty annotate&#58; Rolled back v2\\.14\\.3 \\(Mira Kovac\\) |" in result.output
    assert pm_file.read_bytes() == before


def test_json_output(kb, pm_file, runner):
    result = runner.invoke(main, ["timeline", "import", PM_ID, "--from", "opsgenie", str(EXPORTS / "opsgenie.json"),
                                  "--format", "json"])
    report = json.loads(result.stdout)
    # The rows as written into the file: markdown that shows exactly the text.
    assert report["written"] and [row["event"] for row in report["added"]] == [
        md_text("Opsgenie: Alert created via API"), md_text("Opsgenie: Alert acknowledged via web (mira@example.com)")]


@pytest.mark.parametrize("args, message", [
    (["no-such-id", "--from", "slack", str(SLACK_DAY)], "no postmortem has the id 'no-such-id'"),
    ([PM_ID, "--from", "slack", str(EXPORTS / "pagerduty.json")], "not a Slack channel export"),
    ([PM_ID, "--from", "pagerduty", str(SLACK_DAY)], "not a PagerDuty log entries export"),
    ([PM_ID, "--from", "csv", str(EXPORTS / "opsgenie.json")], "no time column"),
])
def test_bad_input_exits_1_and_leaves_the_postmortem_untouched(kb, pm_file, runner, args, message):
    before = pm_file.read_bytes()
    result = runner.invoke(main, ["timeline", "import", *args])
    assert result.exit_code == 1 and message in result.output
    assert pm_file.read_bytes() == before


def test_empty_export_and_csv_without_time_column(kb, pm_file, runner, tmp_path):
    before = pm_file.read_bytes()
    empty = write(tmp_path / "empty.json", "[]")
    result = runner.invoke(main, ["timeline", "import", PM_ID, "--from", "slack", str(empty)])
    assert result.exit_code == 1 and "no messages" in result.output
    no_time = write(tmp_path / "x.csv", "who,what\nana,thing\n")
    result = runner.invoke(main, ["timeline", "import", PM_ID, "--from", "csv", str(no_time)])
    assert result.exit_code == 1 and "x.csv:1: no time column" in result.output
    assert pm_file.read_bytes() == before


def test_bad_since_is_a_usage_error(kb, pm_file, runner):
    result = runner.invoke(main, ["timeline", "import", PM_ID, "--from", "slack", str(SLACK_DAY), "--since", "last week"])
    assert result.exit_code == 2 and "--since 'last week'" in result.output


def test_a_fresh_draft_gets_rows_in_its_empty_table(kb, runner, tmp_path):
    assert runner.invoke(main, ["new", "Checkout errors", "--severity", "SEV2", "--date", "2024-03-05", "--no-input"]).exit_code == 0
    path = kb / "postmortems/2024-03-05-checkout-errors.md"
    before = path.read_text()
    export = csv_export(tmp_path, ("2024-03-05 09:20", "Alert"), ("2024-03-05 09:21", "Ack"))
    assert runner.invoke(main, ["timeline", "import", "2024-03-05-checkout-errors", "--from", "csv", str(export)]).exit_code == 0
    after = path.read_text()
    # The draft states no zone (no `timezone:`, no started_at): the rows say theirs.
    assert added_lines(before, after) == ["| 2024-03-05 09:20 UTC | Alert |", "| 2024-03-05 09:21 UTC | Ack |"]
    assert "|------|-------|\n| 2024-03-05 09:20 UTC | Alert |" in after


def test_timeline_section_without_a_table_gets_one(kb, tmp_path):
    text = "---\ntitle: t\ndate: 2024-03-05\n---\n\n## Summary\n\nS.\n\n## Timeline\n\nAll times in UTC.\n\n### Notes\n\nN.\n"
    path = write(kb / "postmortems/2024-03-05-t.md", text)
    rows = [TimelineRow(dt.datetime(2024, 3, 5, 9, 20, tzinfo=dt.timezone.utc), "Alert")]
    merge_timeline(load_config(kb), "2024-03-05-t", rows)
    assert path.read_text() == text.replace(
        "All times in UTC.\n\n", "All times in UTC.\n\n| Time | Event |\n|------|-------|\n| 2024-03-05 09:20 | Alert |\n\n")


def test_no_timeline_section_gets_one_before_root_cause(kb):
    text = "---\ntitle: t\ndate: 2024-03-05\n---\n\n## Summary\n\nS.\n\n## Root cause\n\nR.\n"
    path = write(kb / "postmortems/2024-03-05-t.md", text)
    rows = [TimelineRow(dt.datetime(2024, 3, 5, 9, 20, tzinfo=dt.timezone.utc), "Alert")]
    merge_timeline(load_config(kb), "2024-03-05-t", rows)
    assert path.read_text() == text.replace(
        "## Root cause", "## Timeline\n\n| Time | Event |\n|------|-------|\n| 2024-03-05 09:20 UTC | Alert |\n\n## Root cause")
    assert [e.text for e in load_postmortem(path, load_config(kb)).timeline] == ["Alert"]


def test_bullet_list_timelines_get_bullets(kb):
    text = "---\ntitle: t\ndate: 2024-03-05\n---\n\n## Timeline\n\n- 09:00 Deploy\n- 10:00 Rollback\n\n## Root cause\n\nR.\n"
    path = write(kb / "postmortems/2024-03-05-t.md", text)
    utc = dt.timezone.utc
    rows = [TimelineRow(dt.datetime(2024, 3, 5, 9, 30, tzinfo=utc), "Alert | fires"),
            TimelineRow(dt.datetime(2024, 3, 5, 11, 0, tzinfo=utc), "Closed")]
    result = merge_timeline(load_config(kb), "2024-03-05-t", rows)
    assert len(result.added) == 2
    assert path.read_text() == text.replace(
        "- 10:00 Rollback\n", "- 2024-03-05 09:30 UTC Alert \\| fires\n- 10:00 Rollback\n- 2024-03-05 11:00 UTC Closed\n")
    assert merge_timeline(load_config(kb), "2024-03-05-t", rows).added == []


def test_crlf_files_stay_crlf(kb):
    text = "---\r\ntitle: t\r\ndate: 2024-03-05\r\ntimezone: UTC\r\n---\r\n\r\n## Timeline\r\n\r\n| Time | Event |\r\n|---|---|\r\n| 09:00 | Deploy |\r\n"
    path = kb / "postmortems/2024-03-05-t.md"
    path.write_bytes(text.encode())
    rows = [TimelineRow(dt.datetime(2024, 3, 5, 8, 0, tzinfo=dt.timezone.utc), "Earlier")]
    merge_timeline(load_config(kb), "2024-03-05-t", rows)
    assert path.read_bytes() == text.replace("| 09:00 | Deploy |", "| 2024-03-05 08:00 | Earlier |\r\n| 09:00 | Deploy |").encode()


def test_a_merge_that_would_change_an_existing_row_is_refused(kb, tmp_path):
    config = load_config(kb)
    before = parse_postmortem("---\ndate: 2024-03-05\n---\n## Timeline\n\n| Time | Event |\n|-|-|\n| 2024-03-05 23:00 | a |\n| 23:30 | b |\n",
                              tmp_path / "x.md", config)
    after = parse_postmortem("---\ndate: 2024-03-05\n---\n## Timeline\n\n| Time | Event |\n|-|-|\n| 2024-03-05 23:00 | a |\n| 2024-03-06 00:10 | new |\n| 23:30 | b |\n",
                             tmp_path / "x.md", config)
    result = MergeResult(tmp_path / "x.md", added=[("2024-03-06 00:10", "new")])
    with pytest.raises(ImportFailure, match="would change how the existing row 23:30 'b' reads"):
        _check_unchanged_rows(before, after, result, tmp_path / "x.md")


def test_the_shared_fixtures_merge_into_the_example_postmortem(kb, runner):
    slack = shared_path("fixtures", "slack_incidents_2024-03-05.json")
    pagerduty = shared_path("fixtures", "pagerduty_log_entries.json")
    path = write(kb / "postmortems/2024-03-05-checkout.md", "---\ntitle: Checkout\ndate: 2024-03-05\ntimezone: UTC\n---\n\n## Timeline\n\n| Time | Event |\n|---|---|\n")
    before = path.read_text()
    for source, export in (("slack", slack), ("pagerduty", pagerduty)):
        assert runner.invoke(main, ["timeline", "import", "2024-03-05-checkout", "--from", source, str(export)]).exit_code == 0
    new = added_lines(before, path.read_text())
    assert len(new) == 8 and new[0].startswith("| 2024-03-05 09:20 | PagerDuty")
    assert f"| 2024-03-05 09:50 | {md_text('PagerDuty resolve: Resolved by Ana Ruiz.')} |" in new


_TAGS = re.compile(r"</?(table|thead|tbody|tr|th|td)( [^>]*)?>")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]) | st.sampled_from("<>&|\\[]()`*_!#-"), max_size=60))
def test_escaped_cells_show_the_text_and_nothing_else(text):
    cell = escape_cell(text)
    rendered = markdown.markdown(f"| Time | Event |\n|---|---|\n| 09:00 | {cell} |\n", extensions=["tables"])
    assert "<" not in _TAGS.sub("", rendered.replace("<em>", "").replace("</em>", "")
                                   .replace("<strong>", "").replace("</strong>", ""))
    cells = re.findall(r"<td>(.*?)</td>", rendered, re.S)
    assert len(cells) == 2  # the pipe never splits the cell
    if "*" not in text and "_" not in text:
        assert html.unescape(cells[1]).strip() == " ".join(text.split())

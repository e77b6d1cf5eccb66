"""Every timeline shape the loader reads, and the zone it reads them in (timeline_reader)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from postmortem_kb.config import KBConfig
from postmortem_kb.loader import parse_postmortem

CONFIG = KBConfig(root=Path("/kb"))
PDT = dt.timezone(dt.timedelta(hours=-7))
PST = dt.timezone(dt.timedelta(hours=-8))
UTC = dt.timezone.utc


def read(text: str, front: str = "date: 2024-02-26"):
    return parse_postmortem(f"---\n{front}\n---\n{text}", Path("/kb/postmortems/2024-02-26-x.md"), CONFIG)


def times(pm) -> list[str | None]:
    return [e.time.isoformat() if e.time else None for e in pm.timeline]


def test_a_table():
    pm = read("## Timeline\n\n| Time (UTC) | What happened |\n|---|---|\n| 2024-02-26 10:05 | Alert |\n| 10:20 | Fix |\n")
    assert times(pm) == ["2024-02-26T10:05:00+00:00", "2024-02-26T10:20:00+00:00"]
    assert [e.shape for e in pm.timeline] == ["table", "table"] and pm.timeline[1].text == "Fix"
    assert pm.timeline_zone.source == "statement at line 6" and pm.timeline_zone.value == "UTC"  # the header


def test_a_table_with_separate_date_and_time_columns():
    pm = read("## Timeline\n\nAll times UTC.\n\n| Date | Time | Event |\n|---|---|---|\n"
              "| 2024-02-26 | 23:50 | Deploy |\n| 2024-02-27 | 00:10 | Alert |\n")
    assert times(pm) == ["2024-02-26T23:50:00+00:00", "2024-02-27T00:10:00+00:00"]


def test_bullet_and_numbered_lists_split_by_images_code_and_prose():
    pm = read(
        "## Timeline\n\n*All times in PDT.*\n\n- 1:30 PM: Account locked\n- 1:45pm - Alert fired\n\n"
        "![graph](graph.png)\n\n1. **17:00** - Mitigation started\n2. 5:30 PM Resolved\n\n"
        "```\nlog line 17:02 not a row\n```\n\nMeanwhile we waited.\n\n- 6 PM all clear\n"
    )
    assert times(pm) == ["2024-02-26T13:30:00-08:00", "2024-02-26T13:45:00-08:00", "2024-02-26T17:00:00-08:00",
                         "2024-02-26T17:30:00-08:00", "2024-02-26T18:00:00-08:00"]
    assert [e.text for e in pm.timeline][:2] == ["Account locked", "Alert fired"]
    assert {e.shape for e in pm.timeline} == {"list"} and len(pm.timeline_blocks) == 3


def test_pdt_in_february_is_read_with_the_zones_rules_and_pst_in_july_too():
    winter = read("## Timeline (all times PST)\n\n- 10:00 a\n")
    assert times(winter) == ["2024-02-26T10:00:00-08:00"]
    summer = read("## Timeline (all times PST)\n\n- 10:00 a\n", front="date: 2024-07-10")
    assert times(summer) == ["2024-07-10T10:00:00-07:00"]
    assert summer.timeline_zone.value == "America/Los_Angeles"
    assert any(severity == "info" for severity, _ in summer.timeline_zone.notes)


def test_a_conflicting_statement_is_noted_as_a_warning():
    pm = read("## Timeline\n\nAll times are PST (UTC-7).\n\n- 10:00 a\n", front="date: 2024-01-10")
    assert any(severity == "warning" for severity, _ in pm.timeline_zone.notes)


def test_one_heading_per_time_with_prose_under_it():
    pm = read("# Outage\n\nAll times in GMT+2.\n\n## Incident Timeline\n\n### 13:06\n\nAlerts fired on the API.\n\n"
              "More prose.\n\n### 13:20\n\nRolled back.\n\n## Resolution and recovery\n\nDone.\n")
    assert times(pm) == ["2024-02-26T13:06:00+02:00", "2024-02-26T13:20:00+02:00"]
    assert pm.timeline[0].text == "Alerts fired on the API." and pm.timeline[0].shape == "heading"
    assert pm.timeline[0].end_line > pm.timeline[0].line


def test_lines_and_paragraphs_that_start_with_a_time():
    pm = read("## Timeline of events\n\nTimes are UTC.\n\n**22:00** - Pager fired\nand kept firing\n"
              "9:12 AM: Next morning review\n\n02-26-2024 10:05 - Dated line\n")
    assert times(pm) == ["2024-02-26T22:00:00+00:00", "2024-02-27T09:12:00+00:00", "2024-02-26T10:05:00+00:00"]
    assert pm.timeline[0].text == "Pager fired and kept firing" and pm.timeline[0].shape == "line"
    assert pm.timeline[1].crossed_midnight


def test_a_timeline_written_as_sentences_that_open_with_at_around_by():
    pm = read("## Incident Timeline\n\nAll times UTC.\n\nAt 09:12 the gateway started timing out. At 09:20 the on-call "
              "engineer was paged.\nAround 09:45 we failed over.\n\nBy 10:30 all payments were flowing again.\n")
    assert times(pm) == ["2024-02-26T09:12:00+00:00", "2024-02-26T09:45:00+00:00", "2024-02-26T10:30:00+00:00"]
    assert pm.timeline[0].text == "the gateway started timing out. At 09:20 the on-call engineer was paged."
    assert [e.shape for e in pm.timeline] == ["line", "line", "line"]


def test_day_sub_headings_set_the_date():
    pm = read("## Timeline\n\nAll times in CEST\n\n### 2024-07-01\n\n- 22:00 a\n\n### Day 2\n\n- 09:00 b\n",
              front="date: 2024-07-01")
    assert times(pm) == ["2024-07-01T22:00:00+02:00", "2024-07-02T09:00:00+02:00"]


def test_month_names_us_dates_seconds_and_iso():
    pm = read("## Timeline\n\nAll times in UTC\n\n- Jan 14, 10:18 AM a\n- 14 January 2024 10:19 b\n"
              "- 02/26/2024 10:05:30 c\n- 2024-02-26T10:06:00Z d\n- 11:30 PM e\n- 12:05 AM f\n")
    assert times(pm) == ["2024-01-14T10:18:00+00:00", "2024-01-14T10:19:00+00:00", "2024-02-26T10:05:30+00:00",
                         "2024-02-26T10:06:00+00:00", "2024-02-26T23:30:00+00:00", "2024-02-27T00:05:00+00:00"]


def test_a_time_that_cannot_be_read_is_an_error_at_its_line_never_a_wrong_time():
    pm = read("## Timeline\n\nAll times in UTC\n\n| Time | Event |\n|---|---|\n| 14:?? | a |\n| 13:30 PM | b |\n")
    assert [e.time for e in pm.timeline] == [None, None]
    assert all(e.error for e in pm.timeline) and [e.line for e in pm.timeline] == [10, 11]


def test_no_zone_known_means_no_offset_never_utc():
    pm = read("## Timeline\n\n- 10:00 a\n")
    assert pm.timeline[0].time == dt.datetime(2024, 2, 26, 10, 0) and pm.timeline[0].time.tzinfo is None
    assert pm.timeline_zone.source == "none" and pm.timeline_zone.value is None


@pytest.mark.parametrize("front, source, value", [
    ("date: 2024-02-26\ntimezone: Europe/Zurich", "front matter", "Europe/Zurich"),
    ("date: 2024-02-26\nstarted_at: 2024-02-26T10:00:00+08:00", "started_at", "+08:00"),
])
def test_zone_sources(front, source, value):
    pm = read("## Timeline\n\n- 10:00 a\n", front=front)
    assert pm.timeline_zone.source == source and pm.timeline_zone.value == value


def test_a_stated_zone_beats_started_at_but_not_timezone():
    pm = read("## Timeline\n\nAll times in PST.\n\n- 10:00 a\n",
              front="date: 2024-02-26\nstarted_at: 2024-02-26T10:00:00+00:00")
    assert pm.timeline_zone.source == "statement at line 7"
    pm = read("## Timeline\n\nAll times in PST.\n\n- 10:00 a\n", front="date: 2024-02-26\ntimezone: UTC")
    assert pm.timeline_zone.source == "front matter"


def test_several_incidents_in_one_file_keep_every_row():
    pm = read("## Incident 1\n\n### Timeline\n\nAll times UTC\n\n- 2024-02-26 10:00 a\n- 10:05 b\n\n"
              "## Incident 2\n\n### Timeline\n\n- 2024-03-01 09:00 c\n")
    assert times(pm) == ["2024-02-26T10:00:00+00:00", "2024-02-26T10:05:00+00:00", "2024-03-01T09:00:00+00:00"]


def test_a_timeline_under_another_name_is_found_when_it_is_a_run_of_timed_rows():
    pm = read("## What happened\n\nAll times UTC.\n\n- 10:00 a\n- 10:05 b\n- 10:20 c\n\n## Root cause\n\nX.\n")
    assert len(pm.timeline) == 3
    pm = read("## Summary\n\nAt 10:00 things broke.\n\n- 5 pods crashed\n")
    assert pm.timeline == []


def test_prose_that_starts_with_a_number_is_not_a_row():
    pm = read("## Timeline\n\nAll times UTC\n\n- 10:00 a\n- 5 pods crashed\n- 1.14 upgrade went out\n- 404 errors\n")
    assert [e.text for e in pm.timeline] == ["a"]


def test_sections_are_mapped_by_words_and_keep_their_spans():
    pm = read("## Issue Summary\n\nx\n\n## Root Cause Analysis\n\ny\n\n### Detail\n\nz\n\n"
              "## Corrective and Preventative Measures\n\n- Fix it\n\n## Responders\n\n- ana\n")
    found = {(s.heading, s.canonical, s.mapped_by) for s in pm.sections}
    assert ("Issue Summary", "Summary", "words") in found
    assert ("Root Cause Analysis", "Root cause", "words") in found
    assert ("Corrective and Preventative Measures", "Action items", "words") in found
    assert ("Responders", None, None) in found
    root = next(s for s in pm.sections if s.canonical == "Root cause")
    assert root.end_line == root.line + 7  # its sub-section included, up to the next section


def test_action_items_in_prose():
    pm = read("## Follow-up\n\n- [x] Add a guard (owner: wei) #123\n- Rotate keys @lee by 2024-03-01\n- N/A\n"
              "- Short term:\n  - Add an alert OPS-42\n  - ~~Remove the cron~~\n\n### What went wrong\n\n"
              "- We lacked a dashboard\n")
    items = [(a.action, a.owner, a.ticket, a.status, a.due) for a in pm.actions]
    assert items == [
        ("Add a guard", "wei", "#123", "done", ""),
        ("Rotate keys @lee by 2024-03-01", "lee", "", "", "2024-03-01"),
        ("Add an alert OPS-42", "", "OPS-42", "", ""),
        ("Remove the cron", "", "", "done", ""),
    ]


def test_rows_written_as_offsets_from_the_start_count_from_started_at_else_the_first_timed_row():
    front = "date: 2024-02-26\nstarted_at: 2024-02-26T10:00:00+00:00"
    pm = read("## Timeline\n\n- T+0 Deploy starts\n- T+12m: Alert fires\n- **T+1h30m** Rolled back\n- T+0:45 - Paged\n",
              front)
    assert times(pm) == ["2024-02-26T10:00:00+00:00", "2024-02-26T10:12:00+00:00", "2024-02-26T11:30:00+00:00",
                         "2024-02-26T10:45:00+00:00"]
    assert [(e.raw_time, e.text) for e in pm.timeline][1:3] == [("T+12m", "Alert fires"), ("T+1h30m", "Rolled back")]
    pm = read("## Timeline\n\nAll times UTC.\n\n| Time | Event |\n|---|---|\n| 14:05 | Lag alert |\n"
              "| T+45m | Escalated |\n")
    assert times(pm) == ["2024-02-26T14:05:00+00:00", "2024-02-26T14:50:00+00:00"]
    assert pm.timeline[1].text == "Escalated"


def test_an_offset_with_nothing_to_count_from_is_a_row_with_a_problem_not_a_lost_line():
    pm = read("## Timeline\n\n- T+5m Paged\n- Team talked\n")
    [row] = pm.timeline
    assert row.time is None and "counts from the incident's start" in row.error and row.text == "Paged"

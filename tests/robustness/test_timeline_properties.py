"""Property-based tests: `postmortem timeline import` on random exports gives rows, or a clean error.

Random Slack, PagerDuty, Statuspage, Opsgenie and CSV shaped exports (and
random JSON in each reader) go through the readers; every failure is an
ImportFailure naming the file. The rows of a good read are merged into a
real postmortem on disk: every row lands once, the file still loads, and
the rows that were there read as before.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from robustness.profiles import bounded

from conftest import VALID_POSTMORTEM
from postmortem_kb.config import load_config
from postmortem_kb.importers import ImportFailure, TimelineExport, csv_rows, opsgenie, pagerduty, slack, statuspage
from postmortem_kb.importers.timeline_merge import escape_cell, merge_timeline
from postmortem_kb.loader import load_postmortem

PM_ID = "2024-01-09-cache-stampede"
ZONE = dt.timezone(dt.timedelta(hours=1))

def mostly(usual, odd, odds: int = 10):
    """`usual`, and one draw in `odds` from `odd`: exports whose every entry is valid stay common."""
    return st.integers(min_value=1, max_value=odds).flatmap(lambda k: odd if k == 1 else usual)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=15,
)
instants = mostly(
    st.datetimes(min_value=dt.datetime(2024, 1, 8), max_value=dt.datetime(2024, 1, 10),
                 timezones=st.sampled_from([dt.timezone.utc, ZONE])).map(lambda d: d.isoformat())
    | st.sampled_from(["2024-01-09T10:00:00Z", "9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00-12:00"]),
    st.sampled_from(["2024-01-09T10:00:00", "yesterday", "", "2024-13-45T10:00:00Z"]) | st.integers() | st.none()
    | st.floats(),
)
# Chat text as people write it: markup, payloads, pipes, entities, blank.
chat_text = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["<@U1> ack", "<https://x.example/|dash> | pipe", "&lt;script&gt;", "<script>alert(1)</script>",
                     "`code` [link](javascript:x) \\", "   ", "<!here> <#C1|incidents>", "a\nb\r\nc", "**10:05** x",
                     "nul \x00 and bell \x07", "\u2028 line separator"]),
)
any_text = mostly(chat_text, json_values)
slack_ts = mostly(
    st.floats(min_value=1704700000, max_value=1704900000).map(lambda f: f"{f:.6f}") | st.just("1704790800"),
    st.sampled_from(["nan", "inf", "-1e400", "1e400", "", "abc"]) | st.integers() | st.none(),
)
slack_message = st.fixed_dictionaries(
    {"ts": slack_ts},
    optional={"text": any_text, "user": st.sampled_from(["U1", "U2", None, 5]),
              "subtype": st.sampled_from(["channel_join", "bot_message", "thread_broadcast", None]),
              "attachments": mostly(st.lists(st.fixed_dictionaries({}, optional={"fallback": any_text}), max_size=2),
                                    json_values),
              "reactions": mostly(st.lists(st.fixed_dictionaries({"name": st.sampled_from(["pushpin", "eyes"])}),
                                           max_size=2), json_values),
              "user_profile": mostly(st.fixed_dictionaries({}, optional={"display_name": chat_text}), json_values)},
)
slack_export = mostly(st.lists(slack_message, max_size=8), json_values)
pagerduty_entry = st.fixed_dictionaries(
    {"type": st.sampled_from(["trigger_log_entry", "acknowledge_log_entry", "annotate_log_entry",
                              "notify_log_entry", "resolve_log_entry", "weird_log_entry"])},
    optional={"created_at": instants, "summary": any_text, "id": st.text(max_size=5),
              "channel": mostly(st.fixed_dictionaries({}, optional={"summary": chat_text}), json_values),
              "agent": mostly(st.fixed_dictionaries({}, optional={"summary": chat_text}), json_values)},
)
pagerduty_export = mostly(st.lists(pagerduty_entry, max_size=8).map(lambda e: {"log_entries": e}), json_values)
statuspage_update = st.fixed_dictionaries(
    {"display_at": instants}, optional={"created_at": instants, "body": any_text,
                  "status": st.sampled_from(["investigating", "resolved", None]),
                  "affected_components": st.lists(st.fixed_dictionaries(
                      {"name": chat_text, "old_status": st.sampled_from(["operational", "major_outage"]),
                       "new_status": st.sampled_from(["operational", "major_outage"])}), max_size=2)
                  | json_values})
statuspage_export = mostly(st.lists(st.fixed_dictionaries({"incident_updates": st.lists(statuspage_update, max_size=5)},
                                                          optional={"name": chat_text}), max_size=3).map(
    lambda incidents: {"incidents": incidents}), json_values)
opsgenie_export = mostly(st.lists(st.fixed_dictionaries({"log": any_text, "createdAt": instants},
                                                        optional={"owner": any_text}), max_size=6).map(
    lambda data: {"data": data}), json_values)

csv_time = mostly(
    st.datetimes(min_value=dt.datetime(2024, 1, 8), max_value=dt.datetime(2024, 1, 10)).map(
        lambda d: d.strftime("%Y-%m-%d %H:%M")) | st.sampled_from(["2024-01-09T10:00:00Z", "1704790800",
                                                                     "2024/01/09 10:00"]),
    st.sampled_from(["10:00", "", "99999999999999999999", "1e400", "2024-01-09", "not a time", "1" * 400]),
)
csv_header = mostly(st.permutations(["time", "event", "who"]) | st.just(["date", "time", "text"]),
                    st.lists(st.sampled_from(["time", "timestamp", "date", "event", "who", "text", "clock", "x", ""]),
                             min_size=1, max_size=4), odds=3)


@st.composite
def csv_exports(draw) -> str:
    header = draw(csv_header)
    cells = {"time": csv_time, "timestamp": csv_time, "clock": csv_time,
             "date": st.sampled_from(["2024-01-09", "2024-13-01", ""])}
    rows = draw(st.lists(mostly(st.tuples(*(cells.get(h, chat_text) for h in header)).map(list),
                                st.lists(csv_time | chat_text, max_size=len(header) + 1)), max_size=6))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


READERS = {
    "slack": (slack_export, lambda path: slack.read_slack(path)),
    "pagerduty": (pagerduty_export, pagerduty.read_pagerduty),
    "statuspage": (statuspage_export, statuspage.read_statuspage),
    "opsgenie": (opsgenie_export, opsgenie.read_opsgenie),
}


@pytest.fixture(scope="module")
def timeline_kb(tmp_path_factory):
    root = tmp_path_factory.mktemp("timeline-kb")
    (root / "postmortems").mkdir()
    return root


def read(reader, path: Path) -> TimelineExport | None:
    try:
        export = reader(path)
    except ImportFailure as exc:
        assert str(path) in str(exc), exc
        event("export refused")
        return None
    event(f"export read: {min(len(export.rows), 3)}+ rows")
    for row in export.rows:
        assert isinstance(row.text, str) and row.time.tzinfo is not None, row
    return export


def merge_and_check(root: Path, export: TimelineExport) -> None:
    """Merge into a fresh copy of the sample postmortem; every row lands once and nothing else changes."""
    config = load_config(root)
    target = root / "postmortems" / f"{PM_ID}.md"
    target.write_text(VALID_POSTMORTEM, encoding="utf-8")
    before = load_postmortem(target, config)
    try:
        result = merge_timeline(config, PM_ID, export.rows)
    except ImportFailure as exc:
        assert str(target) in str(exc), exc
        assert target.read_text(encoding="utf-8") == VALID_POSTMORTEM, "a failed merge changed the file"
        event("merge refused")
        return
    event(f"merged: {min(len(result.added), 3)}+ rows added")
    after = load_postmortem(target, config)
    assert not after.failed
    with_text = [row for row in export.rows if escape_cell(row.text)]
    assert len(result.added) + result.duplicates == len(with_text)
    assert len(after.timeline) == len(before.timeline) + len(result.added)
    # The new rows, as the loader reads them (it unescapes `\|` in a cell), at the times written.
    new_rows = Counter((e.raw_time.strip(), e.text) for e in after.timeline) - Counter(
        (e.raw_time.strip(), e.text) for e in before.timeline)
    assert sorted(t for t, _ in new_rows.elements()) == sorted(t for t, _ in result.added)
    old = [(e.raw_time, e.text) for e in before.timeline]
    assert [(e.raw_time, e.text) for e in after.timeline if (e.raw_time, e.text) in old] == old
    times = [e.time for e in after.timeline]
    assert None not in times and times == sorted(times)


@bounded(100)
@pytest.mark.parametrize("source", list(READERS))
@given(data=st.data())
def test_json_exports_read_to_rows_or_a_clean_error_and_merge(timeline_kb, source, data):
    strategy, reader = READERS[source]
    export_data = data.draw(strategy)
    path = timeline_kb / f"{source}.json"
    path.write_text(json.dumps(export_data, allow_nan=True), encoding="utf-8")
    export = read(reader, path)
    if export is not None:
        merge_and_check(timeline_kb, export)


@bounded(100)
@given(csv_exports())
def test_csv_exports_read_to_rows_or_a_clean_error_and_merge(timeline_kb, text):
    path = timeline_kb / "events.csv"
    path.write_text(text, encoding="utf-8")
    export = read(lambda p: csv_rows.read_csv(p, ZONE), path)
    if export is not None:
        merge_and_check(timeline_kb, export)


@bounded(60)
@pytest.mark.parametrize("source", [*READERS, "csv"])
@given(raw=st.binary(max_size=600))
def test_random_bytes_in_every_reader_are_a_clean_error(timeline_kb, source, raw):
    path = timeline_kb / f"bytes-{source}"
    path.write_bytes(raw)
    reader = (lambda p: csv_rows.read_csv(p, ZONE)) if source == "csv" else READERS[source][1]
    read(reader, path)

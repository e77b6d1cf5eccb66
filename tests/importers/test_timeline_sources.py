"""Each export format read into timeline rows: times, text, and what is left out."""

import datetime as dt
import json

import pytest
from import_helpers import EXPORTS, shared_path

from conftest import write
from postmortem_kb.importers import ImportFailure
from postmortem_kb.importers.csv_rows import read_csv
from postmortem_kb.importers.opsgenie import read_opsgenie
from postmortem_kb.importers.pagerduty import read_pagerduty
from postmortem_kb.importers.slack import decode, read_slack
from postmortem_kb.importers.statuspage import read_statuspage

UTC = dt.timezone.utc
SLACK_DAY = EXPORTS / "slack-export/incidents/2024-03-05.json"


def texts(export):
    return [row.text for row in export.rows]


def test_slack_decodes_markup_names_people_and_skips_joins():
    export = read_slack(SLACK_DAY)  # users.json is found at the export's root
    assert texts(export) == [
        "PagerDuty: Triggered #77: checkout 5xx > 20%",
        "mira: paging @Olu Bello & see the dashboard (https://grafana.example.com/d/1) in #incidents @here",
        "Olu Bello: rolling back; <script>alert(1)</script> | [click](javascript:alert(2))",
        "mira: errors at baseline",
    ]
    assert export.rows[0].time == dt.datetime(2024, 3, 5, 9, 20, 10, 200, tzinfo=UTC)  # ts 1709630410.000200
    assert export.notes == ["skipped 1 message(s): joins and leaves"]


def test_slack_pinned_only_and_folder_input():
    export = read_slack(SLACK_DAY.parent, pinned_only=True)
    assert [t.split(":")[0] for t in texts(export)] == ["mira", "mira"]


def test_slack_without_users_file_falls_back_to_ids(tmp_path):
    day = write(tmp_path / "day.json", SLACK_DAY.read_text())
    assert texts(read_slack(day))[1].startswith("U100: paging @U200 ")


def test_slack_markup_decoding_details():
    names = {"U1": "ana"}
    assert decode("<@U1> <@U2|bo> <mailto:a@b.example|a@b.example> <https://x.example>", names) == \
        "@ana @bo a@b.example https://x.example"
    assert decode("<!subteam^S1|@oncall> <!date^1392734382^{date}|Feb 18> &lt;b&gt;", {}) == "@oncall Feb 18 <b>"


OWN_EXPORT = {
    read_slack: SLACK_DAY,
    read_pagerduty: EXPORTS / "pagerduty.json",
    read_statuspage: EXPORTS / "statuspage.json",
    read_opsgenie: EXPORTS / "opsgenie.json",
}


@pytest.mark.parametrize("reader, shape", [
    (read_slack, "Slack channel export"),
    (read_pagerduty, "PagerDuty log entries export"),
    (read_statuspage, "Statuspage incidents export"),
    (read_opsgenie, "Opsgenie alert log export"),
])
def test_an_export_of_another_kind_is_refused_by_name(reader, shape):
    assert reader(OWN_EXPORT[reader]).rows
    for other_reader, other in OWN_EXPORT.items():
        if other_reader is reader:
            continue
        with pytest.raises(ImportFailure) as caught:
            reader(other)
        assert shape in str(caught.value) and str(other) in str(caught.value)


@pytest.mark.parametrize("reader", [read_slack, read_pagerduty, read_statuspage, read_opsgenie])
def test_empty_and_non_json_exports_are_clear_errors(reader, tmp_path):
    with pytest.raises(ImportFailure, match="empty"):
        reader(write(tmp_path / "empty.json", ""))
    with pytest.raises(ImportFailure, match=r"bad\.json:2: not valid JSON"):
        reader(write(tmp_path / "bad.json", "[\n{oops\n"))


def test_empty_lists_are_errors(tmp_path):
    with pytest.raises(ImportFailure, match="no messages"):
        read_slack(write(tmp_path / "s.json", "[]"))
    with pytest.raises(ImportFailure, match="no log entries"):
        read_pagerduty(write(tmp_path / "p.json", '{"log_entries": []}'))
    with pytest.raises(ImportFailure, match="no incident updates"):
        read_statuspage(write(tmp_path / "st.json", '{"incidents": []}'))
    with pytest.raises(ImportFailure, match="no log entries"):
        read_opsgenie(write(tmp_path / "o.json", '{"data": []}'))


def test_pagerduty_sorted_typed_and_notifications_left_out():
    export = read_pagerduty(EXPORTS / "pagerduty.json")
    assert texts(export) == [
        "PagerDuty trigger: Triggered through the API. — checkout 5xx > 20%",
        "PagerDuty acknowledge: Acknowledged by Mira Kovac.",
        "PagerDuty annotate: Rolled back v2.14.3 (Mira Kovac)",
        "PagerDuty resolve: Resolved by Mira Kovac.",
    ]
    assert [r.time for r in export.rows] == sorted(r.time for r in export.rows)
    assert export.notes == ["left out 1 notify entry"]
    assert not any("+1555" in t for t in texts(export))


def test_statuspage_updates_in_time_order_with_offsets():
    export = read_statuspage(EXPORTS / "statuspage.json")
    assert texts(export) == [
        "Status page (investigating): We are investigating elevated errors.",
        "Status page (resolved): Resolved. [Checkout: degraded_performance → operational]",
    ]
    assert export.rows[0].time.astimezone(UTC) == dt.datetime(2024, 3, 5, 9, 24, 3, 200000, tzinfo=UTC)


def test_opsgenie_rows():
    export = read_opsgenie(EXPORTS / "opsgenie.json")
    assert texts(export) == ["Opsgenie: Alert created via API", "Opsgenie: Alert acknowledged via web (mira@example.com)"]


def test_csv_time_column_offsets_and_zone():
    zone = dt.timezone(dt.timedelta(hours=1))
    export = read_csv(EXPORTS / "events.csv", zone)
    assert [(r.time.isoformat(), r.text) for r in export.rows] == [
        ("2024-03-05T09:20:00+01:00", "mira: Error rate alert, 27%"),
        ("2024-03-05T09:45:00+01:00", "olu: Config reverted"),
        ("2024-03-05T10:05:00+01:00", "Multi-line note"),
    ]


def test_csv_semicolons_and_separate_date_and_time_columns(tmp_path):
    path = write(tmp_path / "e.csv", "Date;Time;Description\n2024-03-05;09:20;Alert fires\n")
    [row] = read_csv(path, UTC).rows
    assert row.time == dt.datetime(2024, 3, 5, 9, 20, tzinfo=UTC) and row.text == "Alert fires"


def test_csv_errors_name_the_file_and_line(tmp_path):
    with pytest.raises(ImportFailure, match=r"n\.csv:1: no time column; the header has 'who', 'event'"):
        read_csv(write(tmp_path / "n.csv", "who,event\nana,x\n"), UTC)
    with pytest.raises(ImportFailure, match=r"b\.csv:3: 'yesterday' in column 'time' is not a date and time"):
        read_csv(write(tmp_path / "b.csv", "time,event\n2024-03-05 09:00,ok\nyesterday,bad\n"), UTC)
    with pytest.raises(ImportFailure, match="empty"):
        read_csv(write(tmp_path / "e.csv", ""), UTC)
    with pytest.raises(ImportFailure, match="no events"):
        read_csv(write(tmp_path / "h.csv", "time,event\n"), UTC)


# -- the shared fixtures ---------------------------------------------------------


def test_shared_slack_fixture():
    export = read_slack(shared_path("fixtures", "slack_incidents_2024-03-05.json"))
    assert texts(export)[0] == "PagerDuty: Triggered #4521: checkout-api 5xx > 25%"
    assert texts(export)[1:] == [
        "ana: 5xx spike on checkout, paging @U02EF4GH5 & see dashboard (https://grafana.example.com/d/abc)",
        "U02EF4GH5: ack, rolling back v2.14.3",
        # Named through the profile Slack attached to ana's other message.
        "ana: errors back to baseline :white_check_mark:",
    ]


def test_shared_pagerduty_statuspage_opsgenie_fixtures():
    pd = read_pagerduty(shared_path("fixtures", "pagerduty_log_entries.json"))
    kinds = [t.split(":")[0] for t in texts(pd)]
    assert kinds == ["PagerDuty trigger", "PagerDuty acknowledge", "PagerDuty annotate", "PagerDuty resolve"]
    raw = json.loads(shared_path("fixtures", "statuspage_incidents.json").read_text())
    updates = raw["incidents"][0]["incident_updates"]
    assert len(read_statuspage(shared_path("fixtures", "statuspage_incidents.json")).rows) == len(updates)
    assert len(read_opsgenie(shared_path("fixtures", "opsgenie_alert_logs.json")).rows) == 2

"""Zones as authors name them, zone statements in the text, and checking a statement against the calendar."""

import datetime as dt
import re
from pathlib import Path

import pytest

from postmortem_kb.zones import (
    ZoneStatement,
    check_statement,
    find_zone_statements,
    zone_from_setting,
    zone_from_text,
    zone_of_meta,
)

H = lambda hours, minutes=0: dt.timedelta(hours=hours, minutes=minutes)  # noqa: E731
DFDS = Path("/work/shared/corpus/dfds")


def offset_on(zone, day: dt.date) -> dt.timedelta:
    return dt.datetime.combine(day, dt.time(12), zone.tz).utcoffset()


WINTER, SUMMER = dt.date(2024, 1, 10), dt.date(2024, 7, 10)


@pytest.mark.parametrize("token,name,winter,summer", [
    ("UTC", "UTC", H(0), H(0)),
    ("GMT", "UTC", H(0), H(0)),
    ("Z", "UTC", H(0), H(0)),
    ("PST", "America/Los_Angeles", H(-8), H(-7)),
    ("PDT", "America/Los_Angeles", H(-8), H(-7)),
    ("PT", "America/Los_Angeles", H(-8), H(-7)),
    ("Pacific", "America/Los_Angeles", H(-8), H(-7)),
    ("Pacific Time", "America/Los_Angeles", H(-8), H(-7)),
    ("US Pacific", "America/Los_Angeles", H(-8), H(-7)),
    ("EST", "America/New_York", H(-5), H(-4)),
    ("Eastern", "America/New_York", H(-5), H(-4)),
    ("CDT", "America/Chicago", H(-6), H(-5)),
    ("Central", "America/Chicago", H(-6), H(-5)),
    ("MST", "America/Denver", H(-7), H(-6)),
    ("CET", "Europe/Paris", H(1), H(2)),
    ("CEST", "Europe/Paris", H(1), H(2)),
    ("Central European Time", "Europe/Paris", H(1), H(2)),
    ("BST", "Europe/London", H(0), H(1)),
    ("IST", "Asia/Kolkata", H(5, 30), H(5, 30)),
    ("JST", "Asia/Tokyo", H(9), H(9)),
    ("KST", "Asia/Seoul", H(9), H(9)),
    ("SGT", "Asia/Singapore", H(8), H(8)),
    ("HKT", "Asia/Hong_Kong", H(8), H(8)),
    ("AEST", "Australia/Sydney", H(11), H(10)),
    ("NZST", "Pacific/Auckland", H(13), H(12)),
    ("EET", "Europe/Athens", H(2), H(3)),
    ("WEST", "Europe/Lisbon", H(0), H(1)),
    ("MSK", "Europe/Moscow", H(3), H(3)),
    ("BRT", "America/Sao_Paulo", H(-3), H(-3)),
    ("Europe/Zurich", "Europe/Zurich", H(1), H(2)),
    ("europe/zurich", "Europe/Zurich", H(1), H(2)),
    ("Zurich time", "Europe/Zurich", H(1), H(2)),
    ("+02:00", "+02:00", H(2), H(2)),
    ("-0700", "-07:00", H(-7), H(-7)),
    ("UTC+1", "+01:00", H(1), H(1)),
    ("UTC-7", "-07:00", H(-7), H(-7)),
    ("GMT+2", "+02:00", H(2), H(2)),  # two hours ahead, as people mean it
    ("UTC+05:30", "+05:30", H(5, 30), H(5, 30)),
    ("UTC \u22127", "-07:00", H(-7), H(-7)),
    ("Etc/GMT+2", "Etc/GMT+2", H(-2), H(-2)),  # the IANA name keeps its POSIX sign
])
def test_zone_from_text(token, name, winter, summer):
    zone = zone_from_text(token)
    assert zone is not None and zone.name == name
    assert (offset_on(zone, WINTER), offset_on(zone, SUMMER)) == (winter, summer)


@pytest.mark.parametrize("token", ["nonsense", "local time", "UTC+15", "+25:00", "Not/AZone", "", "team", "IT"])
def test_not_zones(token):
    assert zone_from_text(token) is None


def test_abbreviations_record_what_they_claim():
    assert (zone_from_text("PST").abbreviation, zone_from_text("PST").daylight) == ("PST", False)
    assert zone_from_text("CEST").daylight is True
    assert zone_from_text("Pacific").daylight is None
    assert zone_from_text("UTC+2").abbreviation is None


def test_settings_take_iana_names_and_offsets_only():
    assert zone_from_setting("Europe/Copenhagen").name == "Europe/Copenhagen"
    assert zone_from_setting("+08:00").name == "+08:00"
    assert zone_from_setting("Z").name == "UTC"
    assert zone_from_setting("PST") is None and zone_from_setting(5) is None


def test_zone_of_meta_in_order():
    started = dt.datetime(2024, 1, 1, 9, tzinfo=dt.timezone(H(8)))
    zone, source = zone_of_meta({"timezone": "Europe/Copenhagen", "started_at": started})
    assert (zone.name, source) == ("Europe/Copenhagen", "front matter")
    zone, source = zone_of_meta({"timezone": "Not/AZone", "started_at": started})
    assert (zone.name, source) == ("+08:00", "started_at")
    zone, source = zone_of_meta({"started_at": "2024-01-01T09:00:00-07:00"})
    assert (zone.name, source) == ("-07:00", "started_at")
    assert zone_of_meta({"started_at": dt.datetime(2024, 1, 1, 9)}) == (None, "none")
    assert zone_of_meta({}) == (None, "none")


# -- statements ------------------------------------------------------------------------------

STATEMENTS = [
    ("All times in PDT.", "America/Los_Angeles", None),
    ("All times are in CEST", "Europe/Paris", None),
    ("The outage lasted an hour (all times UTC).", "UTC", None),
    ("Times are GMT+2", "+02:00", None),
    ("UTC+1 (Zurich time)", "Europe/Zurich", H(1)),
    ("## Timeline (all times PST)", "America/Los_Angeles", None),
    ("Times in Pacific", "America/Los_Angeles", None),
    ("All timestamps are UTC", "UTC", None),
    ("Time zone: CET", "Europe/Paris", None),
    ("Timezone: Europe/Zurich", "Europe/Zurich", None),
    ("What we saw (times in UTC+2)", "+02:00", None),
    ("*All times are US Pacific*", "America/Los_Angeles", None),
    ("All times below are EST", "America/New_York", None),
    ("All times PST (UTC-7)", "America/Los_Angeles", H(-7)),
    ("All times are in Pacific Standard Time (UTC-8).", "America/Los_Angeles", H(-8)),
    ("## Timeline (UTC)", "UTC", None),
    ("The timeline is in UTC", "UTC", None),
    ("| Time (UTC) | Event |", "UTC", None),
    ("| Date and Time in CET | Event |", "Europe/Paris", None),
    ("All dates and times are in UTC.", "UTC", None),
    ("All times mentioned in this document are CET.", "Europe/Paris", None),
    ("- **UTC**", "UTC", None),
    ("All times in PDT unless noted otherwise.", "America/Los_Angeles", None),
    ("Times listed are in UTC-7 (PDT)", "America/Los_Angeles", H(-7)),
    ("Pacific Time (UTC-7)", "America/Los_Angeles", H(-7)),
    ("All times are UTC+2 (+02:00)", "+02:00", None),
    ("All times are Central European Time", "Europe/Paris", None),
    ("All times are Central Time", "America/Chicago", None),
    ("Times in this document are UTC.", "UTC", None),
    ("All times are local time (Europe/Amsterdam)", "Europe/Amsterdam", None),
    ("## Timeline (in UTC)", "UTC", None),
]


@pytest.mark.parametrize("line,name,stated", STATEMENTS, ids=[case[0] for case in STATEMENTS])
def test_zone_statements(line, name, stated):
    (statement,) = find_zone_statements(["Some prose first.", line, "More prose."], 10)
    assert (statement.zone.name, statement.line, statement.stated_offset) == (name, 11, stated)


@pytest.mark.parametrize("line", [
    "We moved to UTC logging last year.", "The PST team was paged.", "It happened three times in a row.",
    "It happened three times in ET logs.", "At times the UTC clock drifted.", "Timestamps are UTC-based.",
    "All times are local time.", "Response times in CET region were slow.", "Time to detect: 5 minutes",
    "Central Europe is quiet at times.", "The times in this document are rough.",
    "The Central team", "Eastern region failed over", "", "## Summary",
])
def test_not_zone_statements(line):
    assert find_zone_statements([line], 1) == []


def test_statement_text_is_as_written_and_results_are_in_file_order():
    lines = ["# Outage", "", "## Timeline (all times PST)", "", "All times are in CEST", "- 10:00 x"]
    found = find_zone_statements(lines, 5)
    assert [(s.line, s.text, s.zone.abbreviation) for s in found] == [
        (7, "Timeline (all times PST)", "PST"), (9, "All times are in CEST", "CEST")]


# -- checking a statement on a date --------------------------------------------------------------


def statement(text: str) -> ZoneStatement:
    (found,) = find_zone_statements([text], 1)
    return found


def test_a_standard_abbreviation_in_summer_is_an_info_naming_the_real_offset():
    (finding,) = check_statement(statement("All times in PST"), SUMMER)
    assert finding[0] == "info" and "PDT" in finding[1] and "-07:00" in finding[1]
    assert check_statement(statement("All times in PST"), WINTER) == []
    (finding,) = check_statement(statement("All times in CEST"), WINTER)
    assert finding[0] == "info" and "CET" in finding[1] and "+01:00" in finding[1]


def test_a_stated_offset_that_conflicts_with_the_zone_on_the_day_is_a_warning():
    (finding,) = check_statement(statement("All times PST (UTC-7)"), WINTER)
    assert finding[0] == "warning" and "-08:00" in finding[1] and "UTC-07:00" in finding[1]
    severities = [severity for severity, _ in check_statement(statement("All times PST (UTC-7)"), SUMMER)]
    assert severities == ["info"]  # -07:00 is right in July; only the abbreviation is off


def test_an_offset_beside_a_city_is_checked_against_that_city():
    assert check_statement(statement("UTC+1 (Zurich time)"), WINTER) == []
    (finding,) = check_statement(statement("UTC+1 (Zurich time)"), SUMMER)
    assert finding[0] == "warning" and "+02:00" in finding[1]


def test_without_a_date_only_an_offset_the_zone_never_has_is_reported():
    assert check_statement(statement("All times PST (UTC-7)"), None) == []
    (finding,) = check_statement(statement("All times PST (UTC+3)"), None)
    assert finding[0] == "warning" and "never" in finding[1]


def test_rows_in_a_july_pst_timeline_get_minus_seven():
    from postmortem_kb.times import TimeResolver, leading_time

    zone = statement("All times in PST.").zone
    resolver = TimeResolver(dt.date(2024, 7, 10), zone)
    result = resolver.resolve(leading_time("1:30 PM: Account locked"), "1:30 PM")
    assert result.at.isoformat() == "2024-07-10T13:30:00-07:00"


# -- the real corpus ---------------------------------------------------------------------------------


@pytest.mark.skipif(not DFDS.is_dir(), reason="the DFDS corpus is not on this machine")
def test_every_dfds_statement_of_the_form_all_times_in_x_is_found():
    checked = 0
    for path in sorted(DFDS.glob("*.md")):
        lines = path.read_text(encoding="utf-8").splitlines()
        found = {s.line: s for s in find_zone_statements(lines, 1)}
        for number, line in enumerate(lines, 1):
            written = re.search(r"All times in (\w+)\.", line)
            if written:
                checked += 1
                assert found[number].zone == zone_from_text(written.group(1)), (path.name, number)
    assert checked > 20

"""Reading written times (`leading_time`, `parse_time_cell`, `day_marker`) and resolving rows in order."""

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem_kb.times import (
    DayMarker,
    TimeResolver,
    day_marker,
    leading_time,
    parse_time_cell,
)
from postmortem_kb.zones import zone_from_text

D = dt.date
T = dt.time
UTC8 = dt.timezone(dt.timedelta(hours=8))
DFDS = Path("/work/shared/corpus/dfds")


# -- leading_time: every shape, and what follows it ---------------------------------------

LEADING = [
    # text, date, month_day, clock, zone, the event text after the time
    ("17:00", None, None, T(17, 0), None, ""),
    ("**17:00** - Pipeline ran", None, None, T(17, 0), None, "Pipeline ran"),
    ("**17:00 -** Pipeline ran", None, None, T(17, 0), None, "Pipeline ran"),
    ("_17:00_: Pipeline ran", None, None, T(17, 0), None, "Pipeline ran"),
    ("`17:00` | Pipeline ran", None, None, T(17, 0), None, "Pipeline ran"),
    ("[17:00] Pipeline ran", None, None, T(17, 0), None, "Pipeline ran"),
    ("17:00 – Pipeline ran", None, None, T(17, 0), None, "Pipeline ran"),
    ("11:12 AM: Account locked", None, None, T(11, 12), None, "Account locked"),
    ("1:30 PM: Account locked", None, None, T(13, 30), None, "Account locked"),
    ("1:30pm Account locked", None, None, T(13, 30), None, "Account locked"),
    ("1 PM - Standup", None, None, T(13, 0), None, "Standup"),
    ("3am pager fired", None, None, T(3, 0), None, "pager fired"),
    ("11:12 a.m. - Paged", None, None, T(11, 12), None, "Paged"),
    ("12:05 AM - Cron ran", None, None, T(0, 5), None, "Cron ran"),
    ("12:05 PM - Lunch deploy", None, None, T(12, 5), None, "Lunch deploy"),
    ("13:06:45 Pod evicted", None, None, T(13, 6, 45), None, "Pod evicted"),
    ("2024-02-26T10:05:00Z Alert fired", D(2024, 2, 26), None, T(10, 5), "Z", "Alert fired"),
    ("2024-02-26T10:05:00.123+01:00 Alert", D(2024, 2, 26), None, T(10, 5), "+01:00", "Alert"),
    ("2024-02-26 10:05 UTC - Alert fired", D(2024, 2, 26), None, T(10, 5), "UTC", "Alert fired"),
    ("02-26-2024 10:05 - Alert fired", D(2024, 2, 26), None, T(10, 5), None, "Alert fired"),
    ("02/26/2024 10:05 Alert fired", D(2024, 2, 26), None, T(10, 5), None, "Alert fired"),
    ("26/02/2024 10:05 Alert fired", D(2024, 2, 26), None, T(10, 5), None, "Alert fired"),
    ("26.02.2024 10:05 Alert fired", D(2024, 2, 26), None, T(10, 5), None, "Alert fired"),
    ("10.05 Uhr: Ticketshop nicht erreichbar", None, None, T(10, 5), None, "Ticketshop nicht erreichbar"),
    ("Jan 14, 10:18 AM: Deploy", None, (1, 14), T(10, 18), None, "Deploy"),
    ("January 14 2024, 10:18 - Deploy", D(2024, 1, 14), None, T(10, 18), None, "Deploy"),
    ("Jan 14, 2024 10:18 PM Deploy", D(2024, 1, 14), None, T(22, 18), None, "Deploy"),
    ("14 January 2024 10:18 Deploy", D(2024, 1, 14), None, T(10, 18), None, "Deploy"),
    ("Mon 14 Jan 10:18 Deploy", None, (1, 14), T(10, 18), None, "Deploy"),
    ("Sept. 3rd at 9:00 - Deploy", None, (9, 3), T(9, 0), None, "Deploy"),
    ("10:18 UTC Deploy", None, None, T(10, 18), "UTC", "Deploy"),
    ("10:18 (UTC) Deploy", None, None, T(10, 18), "UTC", "Deploy"),
    ("(10:18 UTC) Deploy", None, None, T(10, 18), "UTC", "Deploy"),
    ("1:30 PM PST: Account locked", None, None, T(13, 30), "PST", "Account locked"),
    ("10:18 UTC+2 - Deploy", None, None, T(10, 18), "UTC+2", "Deploy"),
    ("10:05:00-07:00 Deploy", None, None, T(10, 5), "-07:00", "Deploy"),
    ("~10:18 Deploy", None, None, T(10, 18), None, "Deploy"),
    ("10.18 UTC - Deploy", None, None, T(10, 18), "UTC", "Deploy"),
    ("1430Z Deploy", None, None, T(14, 30), "Z", "Deploy"),
    ("13h05 - Deploy", None, None, T(13, 5), None, "Deploy"),
    ("10:05-10:20 Rollback", None, None, T(10, 5), None, "Rollback"),
    ("10:05 - 10:20: Rollback", None, None, T(10, 5), None, "Rollback"),
    ("10:05 to 10:20 Rollback", None, None, T(10, 5), None, "Rollback"),
    ("2024-02-26 Maintenance window", D(2024, 2, 26), None, None, None, "Maintenance window"),
    ("Feb 26: Maintenance window", None, (2, 26), None, None, "Maintenance window"),
    ("**Feb 26** Maintenance window", None, (2, 26), None, None, "Maintenance window"),
]


@pytest.mark.parametrize("text,date,month_day,clock,zone,rest", LEADING, ids=[case[0] for case in LEADING])
def test_leading_time_reads_every_shape(text, date, month_day, clock, zone, rest):
    stamp = leading_time(text)
    assert stamp is not None and stamp.problem is None
    assert (stamp.date, stamp.month_day, stamp.clock, stamp.zone) == (date, month_day, clock, zone)
    assert text[stamp.end:] == rest


@pytest.mark.parametrize("text", [
    "5 pods crashed", "2 hours later we rolled back", "1.14 upgrade broke CoreDNS", "404 errors spiked",
    "2020 was a hard year", "2020", "1. Check monitor", "3 AMIs were rebuilt", "10 PMs signed off",
    "May 5 pods crashed", "March 2024 release", "12.5% of requests failed", "99.95% availability",
    "192.168.1.1 was unreachable", "v1.14 upgrade", "The 17:00 deploy", "Check the 10:05 alert",
    "24/7 on-call", "1/2 of the nodes", "14:?? approximately", "HH:mm - event", "At some point",
    "", "   ", "**Impact**", "Monday we noticed", "10-20 pods", "20202-01-16 12:00 bad year",
    "On 2 occasions the job failed", "At 10 replicas we saw errors", "By the time 10:05 came", "Until 2024 we ran v1",
    "Atlas 10:05 release", "On 2024-02-26 the deploy began",
    "About 10 minutes later the alert fired", "Roughly 3 replicas were lost", "About 1.50 h of downtime",
    "10.05: version bump", "Version 10.05 Uhrwerk",
])
def test_prose_that_starts_with_a_number_is_not_a_time(text):
    assert leading_time(text) is None


@pytest.mark.parametrize("text, clock, rest", [
    ("At 09:12 the payment gateway started timing out.", dt.time(9, 12), "the payment gateway started timing out."),
    ("At 9:15 PM, the disk on crawl-03 filled up", dt.time(21, 15), "the disk on crawl-03 filled up"),
    ("Around 09:45 we failed over", dt.time(9, 45), "we failed over"),
    ("By 10:30 all payments were flowing again.", dt.time(10, 30), "all payments were flowing again."),
    ("On Feb 26 at 10:05, the deploy began", dt.time(10, 5), "the deploy began"),
    ("Shortly after 10:05 the alert fired", dt.time(10, 5), "the alert fired"),
    ("From 10:05 to 10:20 errors spiked", dt.time(10, 5), "errors spiked"),
    ("At roughly 10:30 UTC the old primary rejoined", dt.time(10, 30), "the old primary rejoined"),
    ("At about 9:15 PM we paged the database team", dt.time(21, 15), "we paged the database team"),
    ("About 10:45, the alert fired", dt.time(10, 45), "the alert fired"),
])
def test_a_prose_line_that_opens_with_a_word_before_its_time(text, clock, rest):
    stamp = leading_time(text)
    assert stamp is not None and stamp.clock == clock and text[stamp.end:] == rest


def test_raw_is_the_time_as_written_without_wrapping_or_separator():
    assert leading_time("**1:30 PM** - Account locked").raw == "1:30 PM"
    assert leading_time("[2024-02-26 10:05 UTC]: x").raw == "2024-02-26 10:05 UTC"
    assert leading_time("10:05-10:20 rollback").raw == "10:05-10:20"


def test_approximate_times_are_marked():
    assert leading_time("~10:18 Deploy").approximate
    assert leading_time("approx. 10:18 - Deploy").approximate
    assert leading_time("At roughly 10:18 the deploy began").approximate
    assert parse_time_cell("2020-11-17 10:45~").approximate
    assert parse_time_cell("10:45 (approx.)").approximate
    assert not leading_time("10:18 Deploy").approximate


@pytest.mark.parametrize("text,fragment", [
    ("13:30 PM: Account locked", "24-hour hour with AM/PM"),
    ("0:30 PM - x", "24-hour hour with AM/PM"),
    ("25:61 - x", "not a valid time of day"),
    ("24:00 - x", "next day"),
    ("2024-02-30 10:00 - x", "not a date of the calendar"),
    ("13/13/2024 10:00 - x", "not a date of the calendar"),
    ("Feb 30, 10:00 - x", "not a day of the calendar"),
])
def test_a_time_shaped_but_impossible_text_carries_its_problem(text, fragment):
    stamp = leading_time(text)
    assert stamp is not None and stamp.clock is None and stamp.date is None
    assert fragment in stamp.problem


def test_twelve_hour_clock_edges():
    cases = {"12:00 AM": T(0, 0), "12:59 am": T(0, 59), "12 PM": T(12, 0), "12:30 p.m.": T(12, 30),
             "1 AM": T(1, 0), "11:59 PM": T(23, 59), "0:30 AM": T(0, 30)}
    for text, clock in cases.items():
        assert parse_time_cell(text).clock == clock, text


# -- parse_time_cell ------------------------------------------------------------------------


@pytest.mark.parametrize("cell,clock,date", [
    ("10:05", T(10, 5), None),
    ("**10:05**", T(10, 5), None),
    (" 2019-12-04 00:30 ", T(0, 30), D(2019, 12, 4)),
    ("2020-10-06 09:00 - 11:00", T(9, 0), D(2020, 10, 6)),
    ("1:30 PM", T(13, 30), None),
    ("10.18", T(10, 18), None),
    ("2024-02-26", None, D(2024, 2, 26)),
    ("2022-08-03 12:26-12:??", T(12, 26), D(2022, 8, 3)),
])
def test_a_cell_that_is_a_time(cell, clock, date):
    stamp = parse_time_cell(cell)
    assert stamp is not None and (stamp.clock, stamp.date) == (clock, date)
    assert stamp.end == len(cell)


@pytest.mark.parametrize("cell", ["14:??", "HH:mm", "hh:mm", "soon", "10:05 Alert fired", "T+5", "",
                                  "20202-01-16 12:00", "?", "xx:xx", "2022-02-?? ??:??", "2022-06-02 HH:mm later"])
def test_a_cell_that_is_not_wholly_a_time_is_none(cell):
    assert parse_time_cell(cell) is None


@pytest.mark.parametrize("cell", ["2022-06-02 HH:mm", "2019-12-03 --:--", "2024-03-13 14:??", "**2024-03-13 xx:xx**"])
def test_a_date_with_a_placeholder_time_keeps_the_date_and_says_the_time_is_unknown(cell):
    stamp = parse_time_cell(cell)
    assert stamp.clock is None and stamp.date is not None and "unknown" in stamp.problem
    resolver = TimeResolver(None, None)
    result = resolver.resolve(stamp, cell)
    assert result.at is None and result.error == stamp.problem and result.day == stamp.date
    assert resolve_all(resolver, ["04:30 next row"])[0].at == dt.datetime.combine(stamp.date, T(4, 30))


def test_a_placeholder_time_in_a_list_row_is_a_problem_not_a_date_only_row():
    text = "**2024-03-13 14:??** - Node died"
    stamp = leading_time(text)
    assert stamp.problem and stamp.date == D(2024, 3, 13) and text[stamp.end:] == "Node died"


# -- day markers ------------------------------------------------------------------------------


@pytest.mark.parametrize("text,marker", [
    ("2024-02-26", DayMarker(D(2024, 2, 26))),
    ("### 2024-02-26", DayMarker(D(2024, 2, 26))),
    ("Feb 26, 2024", DayMarker(D(2024, 2, 26))),
    ("Tuesday, February 27th 2024", DayMarker(D(2024, 2, 27))),
    ("Monday, 26 February", DayMarker(None, (2, 26))),
    ("**Feb 26**:", DayMarker(None, (2, 26))),
    ("Day 2", DayMarker(None, None, 2)),
    ("Day 2 (Tuesday)", DayMarker(None, None, 2)),
    ("Day 3 - Wednesday", DayMarker(None, None, 3)),
    ("Day One", DayMarker(None, None, 1)),
    ("**Day 1: Feb 26**", DayMarker(None, (2, 26), 1)),
    ("Feb 26 (all times PST)", DayMarker(None, (2, 26))),
])
def test_day_markers(text, marker):
    assert day_marker(text) == marker


@pytest.mark.parametrize("text", ["Monday", "2024-02-26 10:05", "Feb 26 (10:00-12:00)", "Day 2 of the incident",
                                  "Daylight", "Timeline", "", "The 2024-02-26 outage"])
def test_not_day_markers(text):
    assert day_marker(text) is None


# -- the resolver ---------------------------------------------------------------------------------


def resolve_all(resolver: TimeResolver, rows: list[str]):
    return [resolver.resolve(leading_time(row), row) for row in rows]


def test_a_full_date_sets_the_day_and_times_of_day_continue_it():
    utc8 = zone_from_text("+08:00")
    first, second = resolve_all(TimeResolver(None, utc8), ["2017-12-10 03:00 x", "**03:05** y"])
    assert first.at == dt.datetime(2017, 12, 10, 3, 0, tzinfo=UTC8) and first.error is None
    assert second.at == dt.datetime(2017, 12, 10, 3, 5, tzinfo=UTC8)


def test_midnight_crossing_moves_to_the_next_day_once():
    rows = ["23:10 a", "23:50 b", "00:10 c", "1:30 AM d", "09:00 e"]
    results = resolve_all(TimeResolver(D(2024, 3, 1), zone_from_text("UTC")), rows)
    assert [r.at.date() for r in results] == [D(2024, 3, 1)] * 2 + [D(2024, 3, 2)] * 3
    assert [r.crossed_midnight for r in results] == [False, False, True, False, False]
    assert "next day" in results[2].notes[0]


def test_a_row_a_little_earlier_is_out_of_order_not_the_next_day():
    results = resolve_all(TimeResolver(D(2024, 3, 1), None), ["14:00 a", "09:00 b"])
    assert results[1].at == dt.datetime(2024, 3, 1, 9, 0) and not results[1].crossed_midnight


def test_a_date_given_on_the_row_is_never_moved_across_midnight():
    results = resolve_all(TimeResolver(None, None), ["2024-03-01 23:50 a", "2024-03-01 00:10 b"])
    assert results[1].at == dt.datetime(2024, 3, 1, 0, 10) and not results[1].crossed_midnight


def test_a_new_block_does_not_cross_midnight_from_the_last_one():
    resolver = TimeResolver(D(2024, 3, 1), None)
    resolve_all(resolver, ["23:00 a"])
    resolver.new_block()
    assert resolve_all(resolver, ["08:00 b"])[0].at == dt.datetime(2024, 3, 1, 8, 0)


def test_time_of_day_without_any_date_is_an_error_that_says_what_to_do():
    result = TimeResolver(None, None).resolve(leading_time("03:05 x"), "03:05")
    assert result.at is None and "set `date:`" in result.error and "'03:05'" in result.error


def test_unreadable_and_empty_cells_are_errors():
    resolver = TimeResolver(D(2024, 1, 1), None)
    assert resolver.resolve(parse_time_cell("soon"), "soon").error.startswith("'soon' is not a time")
    assert "empty" in resolver.resolve(parse_time_cell(""), " ** ").error
    unreadable = resolver.resolve(parse_time_cell("14:??"), "14:??")
    assert unreadable.at is None and "'14:??' is not a time" in unreadable.error
    impossible = resolver.resolve(parse_time_cell("25:61"), "25:61")
    assert "not a valid time of day" in impossible.error


def test_a_twelve_hour_time_over_twelve_is_an_error_not_a_guess():
    result = TimeResolver(D(2024, 1, 1), None).resolve(leading_time("13:30 PM: x"), "13:30 PM")
    assert result.at is None and "AM/PM" in result.error


def test_no_zone_known_gives_naive_times_never_utc():
    result = TimeResolver(D(2024, 7, 10), None).resolve(parse_time_cell("10:00"), "10:00")
    assert result.at == dt.datetime(2024, 7, 10, 10, 0) and result.at.tzinfo is None and result.zone is None


def test_zone_rules_apply_on_each_rows_date():
    pacific = zone_from_text("PST")
    resolver = TimeResolver(None, pacific)
    winter, summer = resolve_all(resolver, ["2024-01-10 09:00 a", "2024-07-10 09:00 b"])
    assert winter.at.utcoffset() == dt.timedelta(hours=-8)
    assert summer.at.utcoffset() == dt.timedelta(hours=-7)
    assert summer.at.isoformat() == "2024-07-10T09:00:00-07:00"


def test_a_rows_own_zone_wins_and_its_dst_is_that_days():
    resolver = TimeResolver(D(2024, 8, 20), zone_from_text("PST"))
    own = resolver.resolve(leading_time("10:00 CET - x"), "10:00 CET")
    assert own.at.utcoffset() == dt.timedelta(hours=2) and own.zone.name == "Europe/Paris"
    assert any("CEST" in note for note in own.notes)  # CET written in August: read as CEST, and said so
    explicit = resolver.resolve(leading_time("2024-08-20T10:00:00Z x"), "x")
    assert explicit.at.utcoffset() == dt.timedelta(0)


def test_a_time_the_clocks_skipped_is_moved_and_noted():
    result = TimeResolver(None, zone_from_text("America/Los_Angeles")).resolve(
        parse_time_cell("2024-03-10 02:30"), "2024-03-10 02:30")
    assert result.at.isoformat() == "2024-03-10T03:30:00-07:00"
    assert "does not exist" in result.notes[0]


def test_a_time_skipped_by_clocks_that_change_at_midnight_is_moved_too():
    # Havana springs forward at 00:00 (to 01:00): the skipped hour opens the day.
    result = TimeResolver(None, zone_from_text("America/Havana")).resolve(
        parse_time_cell("2024-03-10 00:30"), "2024-03-10 00:30")
    assert result.at.isoformat() == "2024-03-10T01:30:00-04:00"
    assert "does not exist" in result.notes[0]
    # On an ordinary day nothing is moved or noted.
    plain = TimeResolver(None, zone_from_text("America/Havana")).resolve(
        parse_time_cell("2024-03-12 00:30"), "2024-03-12 00:30")
    assert plain.at.isoformat() == "2024-03-12T00:30:00-04:00" and not plain.notes


def test_month_day_takes_the_year_nearest_the_current_date():
    resolver = TimeResolver(D(2023, 12, 30), None)
    late, early = resolve_all(resolver, ["Dec 31, 23:00 a", "Jan 1, 00:30 b"])
    assert late.at == dt.datetime(2023, 12, 31, 23, 0) and early.at == dt.datetime(2024, 1, 1, 0, 30)
    result = TimeResolver(None, None).resolve(leading_time("Jan 14, 10:18 AM x"), "Jan 14, 10:18 AM")
    assert result.at is None and "no year" in result.error


def test_day_headings_set_the_date():
    resolver = TimeResolver(D(2024, 2, 26), None)
    assert resolve_all(resolver, ["10:00 a"])[0].at.date() == D(2024, 2, 26)
    assert resolver.day(day_marker("Day 2")) is None
    assert resolve_all(resolver, ["08:00 b"])[0].at == dt.datetime(2024, 2, 27, 8, 0)
    resolver.day(day_marker("### 2024-03-01"))
    assert resolve_all(resolver, ["07:00 c"])[0].at == dt.datetime(2024, 3, 1, 7, 0)
    resolver.day(day_marker("Monday, 4 March"))
    assert resolve_all(resolver, ["07:00 d"])[0].at == dt.datetime(2024, 3, 4, 7, 0)


def test_day_zero_counts_from_zero():
    resolver = TimeResolver(D(2024, 2, 26), None)
    resolver.day(day_marker("Day 0"))
    resolver.day(day_marker("Day 1"))
    assert resolve_all(resolver, ["08:00 b"])[0].at == dt.datetime(2024, 2, 27, 8, 0)


def test_day_number_or_month_day_without_a_start_date_is_a_problem():
    resolver = TimeResolver(None, None)
    assert "set `date:`" in resolver.day(day_marker("Day 2"))
    assert resolve_all(resolver, ["08:00 x"])[0].error
    assert "'Feb 26' has no year" in resolver.day(day_marker("Monday, 26 February"))


def test_a_date_only_row_sets_the_day_without_a_moment():
    resolver = TimeResolver(None, None)
    result = resolver.resolve(parse_time_cell("2019-12-03"), "2019-12-03")
    assert (result.at, result.error, result.day) == (None, None, D(2019, 12, 3))
    assert resolve_all(resolver, ["04:30 x"])[0].at == dt.datetime(2019, 12, 3, 4, 30)


# -- the real corpus ------------------------------------------------------------------------------------


def _timeline_lines(path: Path):
    inside = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("## "):
            inside = "timeline" in line.lower()
        elif inside:
            yield number, line


@pytest.mark.skipif(not DFDS.is_dir(), reason="the DFDS corpus is not on this machine")
def test_every_timed_line_and_cell_of_the_dfds_corpus_reads_sanely():
    cells = readable = 0
    for path in sorted(DFDS.glob("*.md")):
        resolver = TimeResolver(None, None)
        for number, line in _timeline_lines(path):
            stamp = leading_time(line)
            if stamp is not None:
                resolver.resolve(stamp, line[:stamp.end])
                assert stamp.date is None or 2000 <= stamp.date.year <= 2100, (path.name, number)
            if not line.startswith("|") or re.fullmatch(r"[|:\- ]+", line):
                continue
            cell = line.split("|")[1]
            if cell.strip().lower() in ("time", "date and time in cet", ""):
                continue
            cells += 1
            stamp = parse_time_cell(cell)
            result = resolver.resolve(stamp, cell)
            if result.day is not None:
                assert 2000 <= result.day.year <= 2100, (path.name, number)
            if result.error is None:
                readable += 1
    assert cells > 50 and readable / cells > 0.9


# -- any text at all ------------------------------------------------------------------------------------

_TIMEISH = st.text(alphabet="0123456789:.-/ APMapm*_[]()~TZUC+JanFebMayDy,", max_size=30)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_TIMEISH, st.text(max_size=40)))
def test_any_text_reads_without_crashing_and_end_stays_inside(text):
    for read in (leading_time, parse_time_cell):
        stamp = read(text)
        if stamp is not None:
            assert 0 < stamp.end <= len(text) and stamp.raw and stamp.raw in text
            assert stamp.problem or stamp.clock or stamp.date or stamp.month_day
            TimeResolver(D(2024, 1, 1), zone_from_text("CET")).resolve(stamp, text)
    day_marker(text)


@pytest.mark.parametrize("line, event", [
    ("14:54 **OUTAGE BEGINS** — Search backends melt down", "**OUTAGE BEGINS** — Search backends melt down"),
    ("14:54 - **Deploy** of v2", "**Deploy** of v2"),
    ("14:54 `kubectl drain` ran", "`kubectl drain` ran"),
    ("**14:54** Outage begins", "Outage begins"),
    ("**14:54 UTC**: Outage begins", "Outage begins"),
    ("_14:54_ - Outage begins", "Outage begins"),
])
def test_emphasis_after_a_time_belongs_to_the_text_unless_it_closes_the_times_own(line, event):
    stamp = leading_time(line)
    assert stamp is not None and line[stamp.end:] == event

import datetime as dt
import random
import statistics
from pathlib import Path

import pytest

from postmortem_kb.metrics import (
    aggregate,
    by_quarter,
    by_severity,
    duration,
    format_duration,
    month_ends,
    overall,
    p90_seconds,
    quarter_key,
    rolling,
    summarise,
)
from postmortem_kb.model import Postmortem

UTC = dt.timezone.utc


def pm(name, date, severity="SEV2", **times):
    meta = {"date": date, **{k: dt.datetime.fromisoformat(v).replace(tzinfo=UTC) for k, v in times.items()}}
    meta["severity"] = severity
    return Postmortem(path=Path(f"{name}.md"), id=name, meta=meta)


def generated(count: int, seed: int) -> list[Postmortem]:
    """Postmortems over three years with random severities and times; some lack a time, some are undated."""
    rng = random.Random(seed)
    made = []
    for n in range(count):
        date = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(3 * 365))
        start = dt.datetime.combine(date, dt.time(rng.randrange(24), rng.randrange(60)), UTC)
        meta = {"date": date if rng.random() > 0.05 else None, "severity": rng.choice(["SEV1", "SEV2", "SEV3", ""]),
                "started_at": start}
        if rng.random() > 0.1:
            # Long tails, as real incidents have: mostly minutes, now and then days.
            meta["detected_at"] = start + dt.timedelta(seconds=int(rng.lognormvariate(6, 1.5)))
        if rng.random() > 0.2:
            meta["mitigated_at"] = start + dt.timedelta(seconds=int(rng.lognormvariate(8, 1.2)))
        if rng.random() > 0.15:
            meta["resolved_at"] = start + dt.timedelta(seconds=int(rng.lognormvariate(9, 1.3)))
        made.append(Postmortem(path=Path(f"p{n}.md"), id=f"2021-01-01-p{n:04d}", meta=meta))
    return made


def expected(members, name):
    """(n, median seconds, p90 seconds, ids) computed here, straight from `statistics`."""
    timed = [(p.id, duration(p, name).total_seconds()) for p in members if duration(p, name) is not None]
    seconds = [s for _, s in timed]
    if not seconds:
        return 0, None, None, ()
    p90 = statistics.quantiles(seconds, n=10, method="inclusive")[8] if len(seconds) > 1 else seconds[0]
    return len(seconds), statistics.median(seconds), p90, tuple(sorted(i for i, _ in timed))


def check(summary, members, name):
    n, median, p90, ids = expected(members, name)
    assert (summary.n, summary.ids) == (n, ids)
    if n == 0:
        assert summary.median is None and summary.p90 is None
        return
    assert summary.median.total_seconds() == pytest.approx(median, abs=1e-6)
    assert summary.p90.total_seconds() == pytest.approx(p90, abs=1e-6)
    assert summary.median <= summary.p90


def test_durations_need_both_ends_in_order():
    full = pm("a", dt.date(2024, 1, 1), started_at="2024-01-01T10:00", detected_at="2024-01-01T10:05",
              resolved_at="2024-01-01T12:00")
    assert duration(full, "time_to_detect") == dt.timedelta(minutes=5)
    assert duration(full, "time_to_resolve") == dt.timedelta(hours=2)
    assert duration(full, "time_to_mitigate") is None
    reversed_ = pm("b", dt.date(2024, 1, 1), started_at="2024-01-01T10:00", detected_at="2024-01-01T09:00")
    assert duration(reversed_, "time_to_detect") is None
    assert format_duration(dt.timedelta(days=1, hours=2, minutes=3)) == "1d 2h 3m"
    assert format_duration(None) == "—" and format_duration(dt.timedelta(0)) == "0m"


def test_median_and_p90_of_known_values():
    # 1..10 minutes: the median is between the 5th and 6th; p90 is 9 + 0.1 of the way to 10.
    made = [pm(f"m{n:02d}", dt.date(2024, 1, n), started_at=f"2024-01-{n:02d}T10:00",
               detected_at=f"2024-01-{n:02d}T10:{n:02d}") for n in range(1, 11)]
    summary = summarise(made, "time_to_detect")
    assert summary.n == 10 and summary.median == dt.timedelta(minutes=5, seconds=30)
    assert summary.p90 == dt.timedelta(minutes=9, seconds=6)
    # One long outage moves a mean by hours; the median not at all.
    made.append(pm("long", dt.date(2024, 1, 20), started_at="2024-01-20T10:00", detected_at="2024-01-22T10:00"))
    assert summarise(made, "time_to_detect").median == dt.timedelta(minutes=6)
    one = summarise(made[:1], "time_to_detect")
    assert (one.n, one.median, one.p90, one.ids) == (1, dt.timedelta(minutes=1), dt.timedelta(minutes=1), ("m01",))
    empty = summarise([pm("x", None)], "time_to_detect")
    assert (empty.n, empty.median, empty.p90, empty.ids) == (0, None, None, ())
    assert p90_seconds([]) is None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_medians_and_p90_match_statistics_on_generated_data(seed):
    made = generated(400, seed)
    for name in ("time_to_detect", "time_to_mitigate", "time_to_resolve"):
        check(overall(made).summary(name), made, name)
        for row in by_quarter(made):
            members = [p for p in made if (quarter_key(p) or "(none)") == row.key]
            assert row.count == len(members) and row.ids == tuple(sorted(p.id for p in members))
            check(row.summary(name), members, name)
        for row in by_severity(made, ["SEV1", "SEV2", "SEV3"]):
            members = [p for p in made if (p.severity or "(none)") == row.key]
            check(row.summary(name), members, name)


def test_severity_groups_follow_the_configured_order_with_none_last():
    made = [pm("a", None, "SEV3"), pm("b", None, "SEV1"), pm("c", None, ""), pm("d", None, "CUSTOM")]
    assert [row.key for row in by_severity(made, ["SEV1", "SEV2", "SEV3"])] == ["SEV1", "SEV3", "CUSTOM", "(none)"]


def test_rolling_90_days_matches_a_window_computed_here():
    made = generated(300, 7)
    dated = [p for p in made if p.date]
    points = rolling(made)
    first, last = min(p.date for p in dated), max(p.date for p in dated)
    assert [point.end for point in points] == month_ends(first, last)
    assert points[0].end.month == first.month and points[-1].end == month_ends(last, last)[0]
    for point in points:
        members = [p for p in dated if point.end - dt.timedelta(days=89) <= p.date <= point.end]
        assert point.start == point.end - dt.timedelta(days=89)
        assert point.count == len(members) and point.ids == tuple(sorted(p.id for p in members))
        check(point.time_to_resolve, members, "time_to_resolve")
        check(point.time_to_detect, members, "time_to_detect")


def test_rolling_window_edges_are_included():
    made = [pm("a", dt.date(2024, 1, 1), started_at="2024-01-01T10:00", resolved_at="2024-01-01T11:00"),
            pm("b", dt.date(2024, 3, 30), started_at="2024-03-30T10:00", resolved_at="2024-03-30T13:00")]
    [point] = rolling(made, ends=[dt.date(2024, 3, 30)])
    assert point.ids == ("a", "b") and point.time_to_resolve.median == dt.timedelta(hours=2)
    [later] = rolling(made, ends=[dt.date(2024, 3, 31)])
    assert later.ids == ("b",)
    assert rolling([pm("u", None)]) == []


def test_aggregate_by_quarter_and_by_each_tag_keeps_undated():
    a = pm("a", dt.date(2024, 1, 5), started_at="2024-01-05T10:00", detected_at="2024-01-05T10:10")
    b = pm("b", dt.date(2024, 2, 5), started_at="2024-02-05T10:00", detected_at="2024-02-05T10:30")
    c = pm("c", None)
    rows = {r.key: r for r in aggregate([a, b, c], quarter_key)}
    assert rows["2024-Q1"].count == 2 and rows["2024-Q1"].time_to_detect.median == dt.timedelta(minutes=20)
    assert rows["2024-Q1"].time_to_detect.n == 2 and rows["2024-Q1"].time_to_resolve.median is None
    assert rows["(none)"].count == 1 and rows["(none)"].ids == ("c",)
    a.meta["tags"] = ["x", "y"]
    b.meta["tags"] = ["y"]
    by_tag = {r.key: r.count for r in aggregate([a, b, c], lambda p: p.tags)}
    assert by_tag == {"x": 1, "y": 2, "(none)": 1}


def test_month_ends_and_rolling_windows_at_the_ends_of_the_calendar():
    import datetime as dt

    from postmortem_kb.metrics import month_ends, rolling

    assert month_ends(dt.date(9999, 11, 3), dt.date(9999, 12, 31)) == [dt.date(9999, 11, 30), dt.date(9999, 12, 31)]
    (point,) = rolling([], ends=[dt.date(1, 1, 31)])
    assert point.start == dt.date(1, 1, 1) and point.count == 0

import datetime as dt
from pathlib import Path

from postmortem_kb.metrics import aggregate, duration, format_duration, quarter_key
from postmortem_kb.model import Postmortem

UTC = dt.timezone.utc


def pm(name, date, **times):
    meta = {"date": date, **{k: dt.datetime.fromisoformat(v).replace(tzinfo=UTC) for k, v in times.items()}}
    meta["severity"] = "SEV2"
    return Postmortem(path=Path(f"{name}.md"), id=name, meta=meta)


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


def test_aggregate_by_quarter_and_by_each_tag_keeps_undated():
    a = pm("a", dt.date(2024, 1, 5), started_at="2024-01-05T10:00", detected_at="2024-01-05T10:10")
    b = pm("b", dt.date(2024, 2, 5), started_at="2024-02-05T10:00", detected_at="2024-02-05T10:30")
    c = pm("c", None)
    rows = {r.key: r for r in aggregate([a, b, c], quarter_key)}
    assert rows["2024-Q1"].count == 2 and rows["2024-Q1"].mean_time_to_detect == dt.timedelta(minutes=20)
    assert rows["2024-Q1"].detect_samples == 2 and rows["2024-Q1"].mean_time_to_resolve is None
    assert rows["(none)"].count == 1
    a.meta["tags"] = ["x", "y"]
    b.meta["tags"] = ["y"]
    by_tag = {r.key: r.count for r in aggregate([a, b, c], lambda p: p.tags)}
    assert by_tag == {"x": 1, "y": 2, "(none)": 1}

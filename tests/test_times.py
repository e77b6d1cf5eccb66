import datetime as dt

from postmortem_kb.times import TimeResolver, parse_timezone, postmortem_zone

UTC8 = dt.timezone(dt.timedelta(hours=8))


def test_full_datetime_then_time_of_day_continues_the_date():
    resolver = TimeResolver(None, UTC8)
    first, error = resolver.resolve("2017-12-10 03:00")
    assert error is None and first == dt.datetime(2017, 12, 10, 3, 0, tzinfo=UTC8)
    second, error = resolver.resolve("**03:05**")
    assert error is None and second == dt.datetime(2017, 12, 10, 3, 5, tzinfo=UTC8)


def test_explicit_offset_wins_over_the_default_zone():
    when, _ = TimeResolver(None, UTC8).resolve("2024-03-05T14:02:00Z")
    assert when.utcoffset() == dt.timedelta(0)


def test_time_of_day_without_any_date_is_an_error_that_says_what_to_do():
    when, error = TimeResolver(None, UTC8).resolve("03:05")
    assert when is None and "set `date:`" in error


def test_garbage_and_impossible_times_are_errors():
    resolver = TimeResolver(dt.date(2024, 1, 1), UTC8)
    assert resolver.resolve("yesterday")[1].startswith("'yesterday' is not a time")
    assert "not a valid time" in resolver.resolve("25:61")[1]
    assert "empty" in resolver.resolve("  ")[1]


def test_zone_sources_in_format_v1_order():
    started = dt.datetime(2024, 1, 1, tzinfo=UTC8)
    assert postmortem_zone({"timezone": "Europe/Copenhagen", "started_at": started}, "UTC").key == "Europe/Copenhagen"
    assert postmortem_zone({"started_at": started}, "UTC") == UTC8
    assert postmortem_zone({}, "+05:30").utcoffset(None) == dt.timedelta(hours=5, minutes=30)
    assert parse_timezone("Not/AZone") is None

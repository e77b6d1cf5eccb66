"""Time rules: incident order, timeline times, chronology and window."""

from __future__ import annotations

from lint_helpers import CLEAN, by_rule, line_of, lint_text


def test_incident_times_out_of_order(kb):
    text = CLEAN.replace("detected_at: 2024-01-09T10:04:00+01:00", "detected_at: 2024-01-09T09:04:00+01:00")
    found = by_rule(lint_text(kb, text)[1], "incident-time-order")
    assert [f["line"] for f in found] == [line_of(text, "detected_at:")]
    assert "before `started_at`" in found[0]["message"]


def test_times_compare_across_offsets(kb):
    # 10:04+01:00 == 09:04Z: detected after started, in order.
    text = CLEAN.replace("detected_at: 2024-01-09T10:04:00+01:00", "detected_at: 2024-01-09T09:04:00Z")
    assert not by_rule(lint_text(kb, text)[1], "incident-time-order")


def test_row_that_goes_back_in_time_is_the_one_reported(kb):
    text = CLEAN.replace("| 10:30 | Cache warmed", "| 10:02 | Cache warmed")
    found = by_rule(lint_text(kb, text)[1], "timeline-order")
    assert [f["line"] for f in found] == [line_of(text, "| 10:02 |")]
    assert f"line {line_of(text, '| 10:04 |')}" in found[0]["message"]


def test_rows_outside_the_incident_window_warn(kb):
    text = CLEAN.replace("| 2024-01-09 10:00 |", "| 2024-01-09 08:00 |").replace(
        "| 10:30 | Cache warmed; latency normal |", "| 10:30 | Cache warmed |\n| 13:00 | Postmortem meeting |")
    found = by_rule(lint_text(kb, text)[1], "timeline-window")
    assert [(f["line"], f["severity"]) for f in found] == [
        (line_of(text, "| 2024-01-09 08:00 |"), "warning"),
        (line_of(text, "| 13:00 |"), "warning"),
    ]


def test_timeline_with_no_times_and_missing_cells(kb):
    text = CLEAN.replace("| 2024-01-09 10:00 | Cache flushed |", "| | Cache flushed |").replace(
        "| 10:04 | Latency alert fires |", "| Latency alert fires |")
    code, findings = lint_text(kb, text)
    found = by_rule(findings, "timeline-time")
    assert code == 1 and [f["line"] for f in found] == [line_of(text, "| | Cache flushed |"), line_of(text, "| Latency alert")]


def test_bullet_timeline_rows_are_checked_too(kb):
    text = CLEAN.replace(
        "| Time | Event |\n|------|-------|\n| 2024-01-09 10:00 | Cache flushed |\n| 10:04 | Latency alert fires |\n"
        "| 10:30 | Cache warmed; latency normal |",
        "- 2024-01-09 10:00 Cache flushed\n- 10:30 Latency alert fires\n- 10:04 Cache warmed",
    )
    assert [f["line"] for f in by_rule(lint_text(kb, text)[1], "timeline-order")] == [line_of(text, "- 10:04")]

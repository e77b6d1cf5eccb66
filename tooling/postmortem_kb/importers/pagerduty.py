"""PagerDuty incident log entries -> timeline rows.

The input is the response of `GET /incidents/{id}/log_entries` (an object
with `log_entries`) or a bare list of entries. Entries are sorted by
`created_at` and each row says its type: trigger, acknowledge, resolve,
annotate (and escalate, assign, ...). Notification entries are left out:
they say who was texted at which number, not what happened.
"""

from __future__ import annotations

from pathlib import Path

from postmortem_kb.importers import (
    ImportFailure,
    TimelineExport,
    TimelineRow,
    load_json,
    parse_instant,
)

KINDS = {
    "trigger_log_entry": "trigger",
    "acknowledge_log_entry": "acknowledge",
    "unacknowledge_log_entry": "unacknowledge",
    "resolve_log_entry": "resolve",
    "annotate_log_entry": "annotate",
    "escalate_log_entry": "escalate",
    "assign_log_entry": "assign",
    "reassign_log_entry": "reassign",
    "snooze_log_entry": "snooze",
    "urgency_change_log_entry": "urgency change",
    "priority_change_log_entry": "priority change",
}


def _summary(value: object) -> str:
    return str(value.get("summary") or "") if isinstance(value, dict) else ""


def _entries(path: Path) -> list[dict]:
    data = load_json(path, "PagerDuty log entries")
    if isinstance(data, dict) and isinstance(data.get("log_entries"), list):
        data = data["log_entries"]
    if not isinstance(data, list) or not all(
        isinstance(e, dict) and str(e.get("type", "")).endswith("_log_entry") for e in data
    ):
        raise ImportFailure(
            f"{path}: this is not a PagerDuty log entries export: expected an object with `log_entries` "
            "(GET /incidents/ID/log_entries) whose entries have a `type` like trigger_log_entry"
        )
    return data


def read_pagerduty(path: Path) -> TimelineExport:
    entries = _entries(path)
    if not entries:
        raise ImportFailure(f"{path}: the export has no log entries")
    export = TimelineExport()
    passed: dict[str, int] = {}
    for n, entry in enumerate(entries):
        kind = KINDS.get(entry["type"])
        if kind is None:
            name = entry["type"].removesuffix("_log_entry")
            passed[name] = passed.get(name, 0) + 1
            continue
        when = parse_instant(entry.get("created_at"))
        if when is None:
            raise ImportFailure(f"{path}: log entry {n + 1} ({entry.get('id', 'no id')}) has no valid `created_at`")
        summary = str(entry.get("summary") or "").strip()
        channel = entry.get("channel") if isinstance(entry.get("channel"), dict) else {}
        details = entry.get("event_details") if isinstance(entry.get("event_details"), dict) else {}
        detail = str(channel.get("summary") or details.get("description") or "").strip()
        if kind == "annotate" and detail:
            # An annotation's own text is the note; its summary just says "Note added".
            agent = _summary(entry.get("agent"))
            text = detail + (f" ({agent})" if agent else "")
        elif detail and detail not in summary:
            text = f"{summary} {detail}".strip() if not summary else f"{summary} — {detail}"
        else:
            text = summary or detail or entry["type"]
        export.rows.append(TimelineRow(when, f"PagerDuty {kind}: {text}"))
    # A stable sort: entries created in the same second keep the export's order.
    export.rows.sort(key=lambda row: row.time)
    export.notes = [f"left out {count} {name} entr{'y' if count == 1 else 'ies'}" for name, count in sorted(passed.items())]
    return export

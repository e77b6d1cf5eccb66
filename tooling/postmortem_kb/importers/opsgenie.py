"""Opsgenie alert logs -> timeline rows.

The input is the response of `GET /v2/alerts/{id}/logs`: `{"data": [...]}`
with `log`, `owner` and `createdAt` on each entry.
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


def read_opsgenie(path: Path) -> TimelineExport:
    data = load_json(path, "Opsgenie alert logs")
    entries = data.get("data") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not all(isinstance(e, dict) and "log" in e and "createdAt" in e for e in entries):
        raise ImportFailure(
            f"{path}: this is not an Opsgenie alert log export: expected `data`, a list of entries "
            "with `log` and `createdAt` (GET /v2/alerts/ID/logs)"
        )
    if not entries:
        raise ImportFailure(f"{path}: the export has no log entries")
    export = TimelineExport()
    for n, entry in enumerate(entries):
        when = parse_instant(entry["createdAt"])
        if when is None:
            raise ImportFailure(f"{path}: log entry {n + 1} has no valid `createdAt`")
        owner = str(entry.get("owner") or "")
        by = f" ({owner})" if owner and owner.lower() != "system" else ""
        export.rows.append(TimelineRow(when, f"Opsgenie: {' '.join(str(entry['log']).split())}{by}"))
    export.rows.sort(key=lambda row: row.time)
    return export

"""Statuspage incidents -> timeline rows.

Accepts the API's `GET /pages/{id}/incidents` list, the public
`/api/v2/incidents.json` object (`{"incidents": [...]}`), one incident
(`{"incident": {...}}`), or a bare incident. Every incident update becomes
a row: what customers were told, when (`display_at`), in which state.
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


def _incidents(path: Path) -> list[dict]:
    data = load_json(path, "Statuspage incidents")
    if isinstance(data, dict):
        if isinstance(data.get("incidents"), list):
            data = data["incidents"]
        elif isinstance(data.get("incident"), dict):
            data = [data["incident"]]
        elif "incident_updates" in data:
            data = [data]
    if not isinstance(data, list) or not all(isinstance(i, dict) and isinstance(i.get("incident_updates"), list)
                                             for i in data):
        raise ImportFailure(
            f"{path}: this is not a Statuspage incidents export: expected `incidents`, each with "
            "`incident_updates` (GET /api/v2/incidents.json)"
        )
    return data


def _component_changes(update: dict) -> str:
    changes = []
    components = update.get("affected_components")
    for component in components if isinstance(components, list) else []:
        if isinstance(component, dict) and component.get("old_status") != component.get("new_status"):
            changes.append(f"{component.get('name', '?')}: {component.get('old_status')} → {component.get('new_status')}")
    return f" [{'; '.join(changes)}]" if changes else ""


def read_statuspage(path: Path) -> TimelineExport:
    incidents = _incidents(path)
    export = TimelineExport()
    for incident in incidents:
        # With several incidents in one file, say which one a row is about.
        prefix = f"{incident.get('name', 'incident')}, " if len(incidents) > 1 else ""
        for update in incident["incident_updates"]:
            if not isinstance(update, dict):
                continue
            when = parse_instant(update.get("display_at")) or parse_instant(update.get("created_at"))
            if when is None:
                raise ImportFailure(f"{path}: update {update.get('id', '?')} has no valid `display_at` or `created_at`")
            body = " ".join(str(update.get("body") or "").split())
            status = update.get("status") or "update"
            export.rows.append(TimelineRow(when, f"Status page ({prefix}{status}): {body}{_component_changes(update)}"))
    if not export.rows:
        raise ImportFailure(f"{path}: the export has no incident updates")
    export.rows.sort(key=lambda row: row.time)
    return export

"""Postmortems as plain data: the one serialiser behind `show`, `list`, the site's API and CSV.

Missing values are `None` (JSON null, an empty CSV cell) everywhere, never
an empty string in one output and null in another.
"""

from __future__ import annotations

from typing import Any

from postmortem_kb.model import Postmortem


def meta_record(pm: Postmortem) -> dict[str, Any]:
    """The front matter as JSON values (dates as ISO 8601); a value too complex to walk says so."""
    from postmortem_kb.schema import FrontMatterTooComplex, to_json_compatible

    try:
        return to_json_compatible(pm.meta)
    except FrontMatterTooComplex as exc:
        return {"(not shown)": str(exc)}


def model_record(pm: Postmortem) -> dict[str, Any]:
    """The model exactly as every face reads it (`postmortem show --format json`, /api/postmortems/<id>.json)."""
    return {
        "id": pm.id,
        "path": pm.relpath,
        "meta": meta_record(pm),
        "sections": [
            {
                "heading": section.heading,
                "canonical": section.canonical,
                "level": section.level,
                "line": section.line,
                "end_line": section.end_line,
                "mapped_by": section.mapped_by,
            }
            for section in pm.sections
        ],
        "timeline_zone": {"value": pm.timeline_zone.value, "source": pm.timeline_zone.source},
        "timeline": [
            {
                "at": event.time.isoformat() if event.time is not None else None,
                "text": event.text,
                "line": event.line,
                "shape": event.shape,
                **({"error": event.error} if event.error else {}),
            }
            for event in pm.timeline
        ],
        "action_items": [
            {
                "text": item.action,
                "owner": item.owner or None,
                "due": item.due or None,
                "status": item.status or None,
                "priority": item.priority or None,
                "ticket": item.ticket or None,
                "line": item.line,
            }
            for item in pm.actions
        ],
        "diagnostics": [diagnostic.as_dict() for diagnostic in pm.diagnostics],
    }

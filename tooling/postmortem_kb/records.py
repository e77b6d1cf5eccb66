"""Postmortems as plain data: the one serialiser behind `show`, `list`, the site's API and CSV.

Missing values are `None` (JSON null, an empty CSV cell) everywhere, never
an empty string in one output and null in another.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from postmortem_kb.model import Postmortem

if TYPE_CHECKING:
    from postmortem_kb.config import KBConfig

MOMENTS = ("started_at", "detected_at", "mitigated_at", "resolved_at")
DURATION_NAMES = ("time_to_detect", "time_to_mitigate", "time_to_resolve")
# The columns of `postmortem list --format json|csv`, in order; /api/postmortems.json has the whole record.
LIST_COLUMNS = ["id", "date", "severity", "status", "title", "tags", "services", "authors",
                "time_to_detect_seconds", "time_to_resolve_seconds", "lang", "translation_of", "path"]


def _text(value: str) -> str | None:
    return value if value.strip() else None


def relative_path(pm: Postmortem, root: Path | None) -> str:
    """The file's path relative to the knowledge base (`postmortems/<id>.md`)."""
    if root is not None:
        try:
            return pm.path.relative_to(root).as_posix()
        except ValueError:
            pass
        try:
            return pm.path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return pm.relpath


def postmortem_record(pm: Postmortem, root: Path | None = None, config: KBConfig | None = None) -> dict[str, Any]:
    """One postmortem as plain data, without its body: a row of `postmortem list` and of /api/postmortems.json.

    `lang` is the effective language when `config` is given (its default
    applies), else the language the file states (or None).
    """
    from postmortem_kb.languages import language_of, stated_language, translation_target
    from postmortem_kb.metrics import duration

    moments = {key: pm.moment(key) for key in MOMENTS}
    seconds = {}
    for name in DURATION_NAMES:
        value = duration(pm, name)
        seconds[f"{name}_seconds"] = int(value.total_seconds()) if value is not None else None
    return {
        "id": pm.id,
        "date": pm.date.isoformat() if pm.date else None,
        "severity": _text(pm.severity),
        "status": _text(pm.status),
        "title": pm.title,
        "summary": _text(pm.summary),
        "tags": pm.tags,
        "services": pm.services,
        "authors": pm.authors,
        "related": pm.list_field("related"),
        "lang": language_of(pm, config) if config is not None else stated_language(pm),
        "translation_of": translation_target(pm),
        **{key: moment.isoformat() if moment else None for key, moment in moments.items()},
        **seconds,
        "path": relative_path(pm, root if root is not None else (config.root if config is not None else None)),
    }


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

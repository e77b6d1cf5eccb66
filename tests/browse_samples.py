"""A knowledge base written for the browse page's tests: varied tags, services, severities, statuses and times.

Each postmortem is described by a `Spec`; the tests compute what they
expect from the specs, never from the site.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from site_samples import make_kb

TAGS = ["cache", "dns", "database", "deploy"]
SERVICES = ["checkout", "search", "billing"]
SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4"]
STATUSES = ["published", "draft", "in-review"]


@dataclass(frozen=True)
class Spec:
    n: int
    date: dt.date
    title: str
    tags: tuple[str, ...]
    services: tuple[str, ...]
    severity: str
    status: str
    resolve_minutes: int
    detect_minutes: int

    @property
    def id(self) -> str:
        return f"{self.date.isoformat()}-incident-{self.n:02d}"


def specs(count: int = 30) -> list[Spec]:
    """Newest first, like every listing of the site."""
    out = []
    for n in range(count):
        out.append(Spec(
            n=n, date=dt.date(2021, 1, 1) + dt.timedelta(days=37 * n),
            title=f"Incident {n:02d} in {SERVICES[n % 3]}",
            tags=tuple(sorted({TAGS[n % 4], TAGS[(n // 5) % 4]})), services=(SERVICES[n % 3],),
            severity=SEVERITIES[(n // 2) % 4], status=STATUSES[n % 3],
            resolve_minutes=30 + (n * 53) % 600, detect_minutes=1 + (n * 11) % 45,
        ))
    return sorted(out, key=lambda spec: spec.date, reverse=True)


def text(spec: Spec) -> str:
    start = dt.datetime.combine(spec.date, dt.time(9, 0), dt.timezone.utc)
    detected = start + dt.timedelta(minutes=spec.detect_minutes)
    resolved = start + dt.timedelta(minutes=spec.resolve_minutes)
    return (
        "---\n"
        f"title: {spec.title}\n"
        f"date: {spec.date.isoformat()}\n"
        f"severity: {spec.severity}\n"
        f"status: {spec.status}\n"
        "authors: [wei]\n"
        f"tags: [{', '.join(spec.tags)}]\n"
        f"services: [{', '.join(spec.services)}]\n"
        f"started_at: {start.isoformat()}\n"
        f"detected_at: {detected.isoformat()}\n"
        f"resolved_at: {resolved.isoformat()}\n"
        f"summary: What happened in incident {spec.n}.\n"
        "---\n\n## Summary\n\nIt broke.\n\n## Impact\n\nSome.\n\n## Timeline\n\n- 09:00 It started\n\n"
        "## Root cause\n\nA change.\n\n## Action items\n\n| Action | Owner | Priority | Due | Status |\n"
        "|---|---|---|---|---|\n| Fix it | wei | P2 | 2030-01-01 | open |\n"
    )


def make_browse_kb(root: Path, count: int = 30) -> tuple[Path, list[Spec]]:
    wanted = specs(count)
    return make_kb(root, {f"{spec.id}.md": text(spec) for spec in wanted}), wanted

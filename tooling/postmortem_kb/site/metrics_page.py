"""The metrics page at /metrics/: incidents over time, how fast we detect and resolve, what breaks most.

Every chart is an SVG drawn once per build (`charts`), shown with alt text,
and followed by a table of the same numbers, so screen readers, search and
copy-paste get them too. Durations come from the front matter times via
`metrics` and are summarised by their median and 90th percentile, never a
mean (one long outage moves a mean wherever it likes); a postmortem without
both times counts as an incident but not towards a time, and every time says
how many postmortems (*n*) it was computed from.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Sequence

from postmortem_kb.markdown_text import md_text
from postmortem_kb.metrics import (
    NONE_KEY,
    ROLLING_DAYS,
    Aggregate,
    DurationSummary,
    by_quarter,
    by_severity,
    format_duration,
    month_ends,
    month_key,
    overall,
    rolling,
)
from postmortem_kb.model import Postmortem
from postmortem_kb.site.blocks import MISSING, page_title, plural
from postmortem_kb.site.chart_figures import figure, with_narrow
from postmortem_kb.site.indexes import Group, by_count, service_groups, tag_groups
from postmortem_kb.site.urls import METRICS_PAGE, NONE_SLUG, link

TOP = 10
CHART_FILES = {
    "per_month": "metrics/incidents-per-month.svg",
    "by_quarter": "metrics/time-to-detect-resolve-by-quarter.svg",
    "by_severity": "metrics/time-to-detect-resolve-by-severity.svg",
    "top_tags": "metrics/top-tags.svg",
    "top_services": "metrics/top-services.svg",
}
NO_SEVERITY = "(no severity)"
ROLLING_SHOWN = 12
_DURATION_LABELS = (("Time to detect", "time_to_detect"), ("Time to mitigate", "time_to_mitigate"),
                    ("Time to resolve", "time_to_resolve"))
_CELL_NOTE = "\nEach time: median / p90, the time nine in ten stayed within (*n*: postmortems with both times).\n"


@dataclass
class MetricsPage:
    markdown: str
    # path -> a function drawing that chart's SVG. The page and the chart
    # paths are known from the numbers alone; drawing waits until a build
    # needs the files, so a build can start on the pages first.
    chart_drawings: dict[str, Callable[[], str]] = field(default_factory=dict)

    @functools.cached_property
    def charts(self) -> dict[str, str]:
        """path -> SVG text, every chart drawn."""
        return {path: draw() for path, draw in self.chart_drawings.items()}


def _months(first: dt.date, last: dt.date) -> list[str]:
    """Every month from first to last, so a quiet month shows as zero, not as nothing."""
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _severity_order(postmortems: list[Postmortem], configured: list[str]) -> list[str]:
    seen = Counter(pm.severity or NO_SEVERITY for pm in postmortems)
    extra = sorted((s for s in seen if s not in configured and s != NO_SEVERITY), key=str.lower)
    order = [s for s in configured if s in seen] + extra
    return order + ([NO_SEVERITY] if NO_SEVERITY in seen else [])


def _colour(severity: str, configured: list[str], extra_index: int) -> str:
    from postmortem_kb.site.charts import OTHER_COLOURS, SEVERITY_COLOURS

    if severity in configured and configured.index(severity) < len(SEVERITY_COLOURS):
        return SEVERITY_COLOURS[configured.index(severity)]
    return OTHER_COLOURS[extra_index % len(OTHER_COLOURS)]


def _hours_or_minutes(values: list[dt.timedelta | None]) -> tuple[str, float]:
    """The unit that keeps the bars readable: minutes for short incidents, hours otherwise."""
    longest = max((v.total_seconds() for v in values if v is not None), default=0)
    return ("minutes", 60.0) if longest < 2 * 3600 else ("hours", 3600.0)


def _chart(path: str, alt: str) -> str:
    return figure(METRICS_PAGE, path, alt)


@dataclass
class MetricsPart:
    """Some sections of the page (markdown) and the charts they show."""

    markdown: list[str]
    chart_drawings: dict[str, Callable[[], str]] = field(default_factory=dict)


def render_metrics_page(postmortems: list[Postmortem], configured: Sequence[str]) -> MetricsPage:
    return metrics_page(time_sections(postmortems, configured), top_sections(postmortems))


def metrics_page(times: MetricsPart, top: MetricsPart) -> MetricsPage:
    """The page from its two halves, which a live preview renders again only when their numbers change."""
    return MetricsPage("\n".join(times.markdown + top.markdown), times.chart_drawings | top.chart_drawings)


def time_sections(postmortems: list[Postmortem], configured: Sequence[str]) -> MetricsPart:
    """Counts and times: what each postmortem's date, severity and durations decide."""
    from postmortem_kb.site import charts

    out = [page_title("Metrics"), "# Metrics\n"]
    svgs: dict[str, Callable[[], str]] = {}
    dated = [pm for pm in postmortems if pm.date]
    undated = len(postmortems) - len(dated)
    undated_note = (f" {plural(undated, 'undated postmortem')} {'counts' if undated == 1 else 'count'} in the totals "
                    "but not on the time axes." if undated else "")
    out.append(
        f"Computed from {plural(len(postmortems), 'postmortem')}.{undated_note} "
        "Time to detect runs from `started_at` to `detected_at`, time to resolve from `started_at` to `resolved_at`; "
        "times are medians and p90s, the time nine in ten incidents stayed within (a mean would follow one long outage); a postmortem without both "
        "times does not count towards them, and *n* says how many did.\n"
    )

    # -- incidents per month by severity --------------------------------
    out.append("## Incidents per month by severity\n")
    severities = _severity_order(postmortems, configured)
    if dated:
        months = _months(min(pm.date for pm in dated), max(pm.date for pm in dated))
        counts = Counter((month_key(pm), pm.severity or NO_SEVERITY) for pm in dated)
        extras = [s for s in severities if s not in configured]
        series = [
            charts.Series(sev, [counts[(m, sev)] for m in months],
                          _colour(sev, configured, extras.index(sev) if sev in extras else 0))
            for sev in severities
        ]
        alt = (f"Stacked bar chart of incidents per month from {months[0]} to {months[-1]}, by severity; "
               f"{len(dated)} dated incidents in total. The table below has the same numbers.")
        svgs[CHART_FILES["per_month"]] = functools.partial(charts.stacked_bars, months, series, "incidents", alt)
        out.append(_chart(CHART_FILES["per_month"], alt))
        # The chart shows quiet months as gaps; the table lists only months
        # with incidents, so that years of zeros do not bury the numbers.
        header = "| Month | " + " | ".join(md_text(s) for s in severities) + " | Total |"
        rows = [header, "|---" * (len(severities) + 2) + "|"]
        for n, month in enumerate(months):
            total = sum(s.values[n] for s in series)
            if total:
                cells = [str(counts[(month, sev)]) for sev in severities]
                rows.append(f"| {month} | " + " | ".join(cells) + f" | {total} |")
        quiet = sum(1 for n in range(len(months)) if not any(s.values[n] for s in series))
        out.append("\n".join(rows) + "\n")
        if quiet:
            out.append(f"The {plural(quiet, 'month')} not listed had no incidents.\n")
    else:
        out.append("No dated postmortems yet, so there is nothing to chart.\n")

    # -- medians and 90th percentiles ------------------------------------
    out.append("## How long incidents take\n")
    out.append(_overall_table(overall(postmortems)))

    out.append("## Time to detect and to resolve by quarter\n")
    quarters = by_quarter(postmortems)
    out.append(_time_chart(charts, [row for row in quarters if row.key != NONE_KEY], "quarter",
                           CHART_FILES["by_quarter"], svgs, lambda k: k))
    out.append(_time_table("Quarter", quarters, lambda k: "Undated" if k == NONE_KEY else k))

    out.append("## Time to detect and to resolve by severity\n")
    by_key = {row.key: row for row in by_severity(postmortems, configured)}
    severity_rows = [by_key[NONE_KEY if sev == NO_SEVERITY else sev] for sev in severities]
    out.append(_time_chart(charts, severity_rows, "severity", CHART_FILES["by_severity"], svgs,
                           lambda k: NO_SEVERITY if k == NONE_KEY else k))
    out.append(_time_table("Severity", severity_rows, lambda k: NO_SEVERITY if k == NONE_KEY else k))

    out.append(f"## Rolling {ROLLING_DAYS} days\n")
    out.append(_rolling_table(postmortems))

    return MetricsPart(out, with_narrow(svgs))


def top_sections(postmortems: list[Postmortem]) -> MetricsPart:
    """The most frequent tags and services: what each postmortem's tags and services decide."""
    from postmortem_kb.site import charts

    out: list[str] = []
    svgs: dict[str, Callable[[], str]] = {}
    for kind, plural_kind, groups, key in (
        ("tag", "tags", tag_groups(postmortems), "top_tags"),
        ("service", "services", service_groups(postmortems), "top_services"),
    ):
        out.append(f"## Top {plural_kind}\n")
        ranked = [g for g in by_count(groups) if g.slug != NONE_SLUG]
        top = ranked[:TOP]
        if top:
            alt = (f"Horizontal bar chart of the {len(top)} {plural_kind} with the most postmortems, "
                   f"the most frequent on top. The table below has the same numbers.")
            svgs[CHART_FILES[key]] = functools.partial(
                charts.horizontal_bars, [g.label for g in top], [len(g.members) for g in top], "#37474f",
                "postmortems", alt)
            out.append(_chart(CHART_FILES[key], alt))
        out.append(_top_table(kind, top, groups.get(NONE_SLUG), len(ranked)))
    return MetricsPart(out, with_narrow(svgs))


def _cell(summary: DurationSummary) -> str:
    """`median / p90 (n=…)`: the figure people quote, the bad case, and how many postmortems gave them."""
    if not summary.n:
        return f"{MISSING} (n=0)"
    return f"{format_duration(summary.median, MISSING)} / {format_duration(summary.p90, MISSING)} (n={summary.n})"


def _overall_table(everything: Aggregate) -> str:
    lines = ["| Time | Median | p90 | n |", "|---|---|---|---|"]
    for label, name in _DURATION_LABELS:
        summary = everything.summary(name)
        lines.append(f"| {label} | {format_duration(summary.median, MISSING)} | "
                     f"{format_duration(summary.p90, MISSING)} | {summary.n} |")
    return "\n".join(lines) + "\n"


def _time_chart(charts, rows: list[Aggregate], axis: str, path: str, svgs: dict[str, Callable[[], str]],
                label) -> str:
    timed = [r for r in rows if r.time_to_detect.n or r.time_to_resolve.n]
    if not timed:
        return f"No postmortem has both `started_at` and `detected_at` or `resolved_at` yet, so there is nothing to chart by {axis}.\n"
    medians = {name: [r.summary(name).median for r in rows] for name in ("time_to_detect", "time_to_resolve")}
    unit, seconds = _hours_or_minutes(medians["time_to_detect"] + medians["time_to_resolve"])
    categories = [label(r.key) for r in rows]

    def amounts(values: list[dt.timedelta | None]) -> list[float]:
        return [round(v.total_seconds() / seconds, 2) if v is not None else 0.0 for v in values]

    series = [
        charts.Series("median time to detect", amounts(medians["time_to_detect"]), charts.DETECT_COLOUR),
        charts.Series("median time to resolve", amounts(medians["time_to_resolve"]), charts.RESOLVE_COLOUR),
    ]
    alt = (f"Bar chart of the median time to detect and the median time to resolve, in {unit}, by {axis}, "
           f"for {len(rows)} {axis} values. The table below has the same medians, the p90s "
           "and how many postmortems each uses.")
    svgs[path] = functools.partial(charts.grouped_bars, categories, series, unit, alt)
    return _chart(path, alt)


def _time_table(column: str, rows: list[Aggregate], label) -> str:
    lines = [f"| {column} | Incidents | Time to detect | Time to mitigate | Time to resolve |", "|---|---|---|---|---|"]
    for row in rows:
        cells = " | ".join(_cell(row.summary(name)) for _, name in _DURATION_LABELS)
        lines.append(f"| {md_text(label(row.key))} | {row.count} | {cells} |")
    if not rows:
        lines.append(f"| {MISSING} | 0 | {MISSING} | {MISSING} | {MISSING} |")
    return "\n".join(lines) + "\n" + _CELL_NOTE


def _rolling_table(postmortems: list[Postmortem]) -> str:
    dates = [pm.date for pm in postmortems if pm.date]
    if not dates:
        return "No dated postmortems yet.\n"
    # Only the month ends the table shows are computed.
    ends = month_ends(min(dates), max(dates))
    shown = rolling(postmortems, ends=ends[-ROLLING_SHOWN:])
    points = ends
    lines = [f"Each row: the incidents dated in the {ROLLING_DAYS} days up to and including its day.\n",
             "| 90 days to | Incidents | Time to detect | Time to mitigate | Time to resolve |", "|---|---|---|---|---|"]
    for point in shown:
        cells = " | ".join(_cell(point.summary(name)) for _, name in _DURATION_LABELS)
        lines.append(f"| {point.end.isoformat()} | {point.count} | {cells} |")
    note = (f"\nThe last {len(shown)} month ends, up to the month of the latest incident.\n"
            if len(points) > len(shown) else "")
    return "\n".join(lines) + "\n" + note + _CELL_NOTE


def _top_table(kind: str, top: list[Group], missing: Group | None, total: int) -> str:
    folder = "tags" if kind == "tag" else "services"
    lines = [f"| {kind.capitalize()} | Postmortems |", "|---|---|"]
    for group in top:
        lines.append(f"| [{group.markdown_label}]({link(METRICS_PAGE, f'{folder}/{group.slug}.md')}) | {len(group.members)} |")
    if missing is not None:
        lines.append(f"| [{md_text(missing.label)}]({link(METRICS_PAGE, f'{folder}/{NONE_SLUG}.md')}) | {len(missing.members)} |")
    if not top and missing is None:
        lines.append(f"| {MISSING} | 0 |")
    note = f"\nShowing the top {len(top)} of {total}; [all {folder}]({link(METRICS_PAGE, f'{folder}/index.md')}).\n"
    return "\n".join(lines) + "\n" + (note if total > len(top) else "")

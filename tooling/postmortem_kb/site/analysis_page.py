"""The analysis page at /analysis/: patterns across incidents, each figure opening to the incidents behind it.

Four views, all computed by `analysis.analyse` (which documents what is
counted): the share of incidents by trigger per year (a chart and a table),
the contributing factors named most over the last 12 months, services with
repeat incidents (two or more within 90 days), and how incidents were
detected against how long detection took (median and 90th percentile).
Every number is a `<details>` element listing the postmortems it counts,
linked, so no figure has to be taken on trust.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Callable, Iterable

from markupsafe import Markup

from postmortem_kb.analysis import (
    NONE,
    Analysis,
    analyse,
    detection_of,
    factors_of,
    trigger_of,
)
from postmortem_kb.config import KBConfig
from postmortem_kb.metrics import DurationSummary, format_duration
from postmortem_kb.model import Postmortem
from postmortem_kb.review import draft_status
from postmortem_kb.site.blocks import (
    MISSING,
    format_date,
    page_title,
    plural,
    status_chip,
)
from postmortem_kb.site.chart_figures import figure, with_narrow
from postmortem_kb.site.fragments import fragment
from postmortem_kb.site.parts import SECTION_END, Block, PageSource
from postmortem_kb.site.urls import ANALYSIS_PAGE, href, postmortem_page

TRIGGERS_CHART = "analysis/triggers-by-year.svg"
FACTORS_CHART = "analysis/top-contributing-factors.svg"
_PALETTE = ["#1565c0", "#c62828", "#2e7d32", "#f9a825", "#6a1b9a", "#00838f", "#e65100", "#546e7a",
            "#ad1457", "#8d6e63", "#9e9d24", "#4e342e"]
_NONE_COLOUR = "#bdbdbd"


@dataclass(frozen=True)
class Cell:
    """A table cell; with `ids`, a figure that opens to those postmortems (`key` names it for scripts)."""

    text: str
    key: str = ""
    count: int = 0
    links: tuple[Markup, ...] = ()  # analysis_link.html, one a postmortem


@dataclass
class AnalysisPage:
    page: PageSource
    # path -> a function drawing that chart's SVG (drawn when the build needs the file).
    chart_drawings: dict[str, Callable[[], str]]


def analysis_key(pm: Postmortem) -> tuple:
    """What the page shows of a postmortem: a live preview renders the page again only when one of these changes."""
    meta = pm.meta
    return (pm.id, pm.title, pm.status, pm.date, trigger_of(pm), tuple(factors_of(pm)), detection_of(pm),
            tuple(pm.services), repr(meta.get("started_at")), repr(meta.get("detected_at")))


class _Figures:
    """Cells that link to the postmortems they count, from this page."""

    def __init__(self, postmortems: Iterable[Postmortem], config: KBConfig, directory_urls: bool):
        self.by_id = {pm.id: pm for pm in postmortems}
        self.draft = draft_status(config)
        self.directory_urls = directory_urls
        # Each postmortem is listed under several figures: its entry is rendered once.
        self._links: dict[str, Markup] = {}

    def cell(self, text: str, key: str, ids: Iterable[str]) -> Cell:
        ids = list(ids)
        links = tuple(self._link(self.by_id[i]) for i in ids if i in self.by_id)
        return Cell(text, key, len(ids), links)

    def _link(self, pm: Postmortem) -> Markup:
        entry = self._links.get(pm.id)
        if entry is None:
            # A draft is counted like any incident, and marked as a draft wherever it is listed.
            entry = self._links[pm.id] = fragment(
                "analysis_link.html", href=href(ANALYSIS_PAGE, postmortem_page(pm.id), self.directory_urls),
                title=pm.title, date=format_date(pm), marker=status_chip(pm) if pm.status == self.draft else "")
        return entry


def _percent(count: int, total: int) -> str:
    return f"{round(100 * count / total)}%" if total else MISSING


def _table(headers: list[str], rows: list[list[Cell]]) -> Block:
    return Block(fragment("analysis_table.html", headers=headers, rows=rows), SECTION_END)


def _chart(path: str, alt: str) -> str:
    return figure(ANALYSIS_PAGE, path, alt)


def _time_cell(figures: _Figures, summary: DurationSummary, key: str) -> Cell:
    if not summary.n:
        return Cell(f"{MISSING} (n=0)")
    text = (f"{format_duration(summary.median, MISSING)} / {format_duration(summary.p90, MISSING)} "
            f"(n={summary.n})")
    return figures.cell(text, key, summary.ids)


def render_analysis_page(postmortems: list[Postmortem], config: KBConfig, today: dt.date,
                         directory_urls: bool = True) -> AnalysisPage:
    from postmortem_kb.site import charts

    found: Analysis = analyse(postmortems, config, today)
    figures = _Figures((pm for pm in postmortems if not pm.failed), config, directory_urls)
    svgs: dict[str, Callable[[], str]] = {}
    out = PageSource([page_title("Analysis", wide=True), "# Analysis\n"])
    undated = (f" {plural(len(found.undated), 'undated postmortem')} cannot be placed in a year or a window "
               "and counts only under detection." if found.undated else "")
    out.parts.append(
        f"Patterns across {plural(found.count, 'postmortem')}, from their `trigger:`, `contributing_factors:`, "
        f"`services:` and `detection:` as of {today.isoformat()}.{undated} Open a figure to see the "
        "postmortems it counts. A postmortem that names no value counts under *(none)*.\n"
    )

    # -- triggers by year ----------------------------------------------
    years, triggers = found.triggers.years, found.triggers.triggers
    parts = out.parts
    parts.append("## Share of incidents by trigger, per year\n")
    if years:
        labels = [str(y.year) for y in years]
        colours = iter(_PALETTE * (1 + len(triggers) // len(_PALETTE)))
        series = [charts.Series(t, [round(y.share(t).share * 100, 1) for y in years],
                                _NONE_COLOUR if t == NONE else next(colours)) for t in triggers]
        alt = (f"Stacked bar chart of the share of incidents by trigger, in percent of each year's incidents, "
               f"for {plural(len(years), 'year')} from {labels[0]} to {labels[-1]}. The table below has the same "
               "numbers and the incidents behind each.")
        svgs[TRIGGERS_CHART] = functools.partial(charts.stacked_bars, labels, series, "% of incidents", alt)
        parts.append(_chart(TRIGGERS_CHART, alt))
        rows = []
        for year in years:
            row = [Cell(str(year.year)), figures.cell(str(year.total), f"triggers:{year.year}:total", year.ids)]
            for trigger in triggers:
                share = year.share(trigger)
                text = f"{share.count} ({_percent(share.count, share.total)})" if share.count else "0"
                row.append(figures.cell(text, f"triggers:{year.year}:{trigger}", share.ids))
            rows.append(row)
        parts += [_table(["Year", "Incidents", *triggers], rows), ""]
    else:
        parts.append("No dated postmortems yet.\n")

    # -- top contributing factors ----------------------------------------
    factors = found.factors
    parts.append("## Top contributing factors, last 12 months\n")
    parts.append(f"Incidents dated {factors.since.isoformat()} to {factors.until.isoformat()}: "
                 f"{len(factors.incidents)}, of which {len(factors.without_factors)} "
                 f"{'names' if len(factors.without_factors) == 1 else 'name'} no contributing factor. "
                 "An incident with several factors counts under each.\n")
    if factors.factors:
        shown = factors.factors
        alt = (f"Horizontal bar chart of the {len(shown)} contributing factors named by the most incidents of the "
               "last 12 months, the most frequent on top. The table below has the same numbers and the incidents.")
        svgs[FACTORS_CHART] = functools.partial(charts.horizontal_bars, [f.factor for f in shown],
                                                [f.count for f in shown], "#37474f", "incidents", alt)
        parts.append(_chart(FACTORS_CHART, alt))
        rows = [[Cell(f.factor), Cell(f.description or MISSING),
                 figures.cell(f"{f.count} ({_percent(f.count, f.total)})", f"factors:{f.factor}", f.ids)]
                for f in shown]
        parts += [_table(["Factor", "Meaning", "Incidents"], rows), ""]
        if factors.more:
            parts.append(f"{plural(factors.more, 'more factor')} named less often; "
                         "`postmortem stats --by factor` lists every one.\n")
    else:
        parts.append("No incident of the last 12 months names a contributing factor.\n")

    # -- repeat incidents -------------------------------------------------
    parts.append("## Services with repeat incidents\n")
    parts.append("A service's incidents at most 90 days apart; each run is a chain of such incidents.\n")
    if found.repeats:
        rows = [[Cell(r.service), figures.cell(str(len(r.ids)), f"repeats:{r.service}", r.ids),
                 Cell(str(r.incidents)), Cell(plural(r.shortest_gap_days, "day"))] for r in found.repeats]
        parts += [_table(["Service", "Repeat incidents", "All its incidents", "Shortest gap"], rows), ""]
    else:
        parts.append("No service had two incidents within 90 days.\n")

    # -- detection ----------------------------------------------------------
    parts.append("## How incidents were detected, and how long it took\n")
    parts.append("Time to detect runs from `started_at` to `detected_at`: median / p90 "
                 "(*n*: incidents with both times).\n")
    if found.detection:
        rows = [[Cell(d.method), Cell(d.description or MISSING),
                 figures.cell(str(d.count), f"detection:{d.method}", d.ids),
                 _time_cell(figures, d.time_to_detect, f"detection:{d.method}:time_to_detect")]
                for d in found.detection]
        parts += [_table(["Detection", "Meaning", "Incidents", "Time to detect"], rows), ""]
    else:
        parts.append("No postmortems yet.\n")
    return AnalysisPage(out, with_narrow(svgs))

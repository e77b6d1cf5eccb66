"""Charts for the metrics page, drawn at build time as SVG with matplotlib.

Only matplotlib's object API is used (`Figure`, no pyplot), so no global
backend or figure state leaks between builds, and matplotlib is imported
only when a chart is drawn. The SVG is deterministic (fixed hash salt, no
date) so a rebuild of an unchanged knowledge base changes no file, and text
stays text (`svg.fonttype: none`): selectable, smaller, drawn with the
reader's own fonts, never fetched. Labels are tags and services typed by
people, so mathtext parsing is off (a `$` in a tag is just a dollar sign)
and matplotlib's SVG writer escapes them as XML text.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

SEVERITY_COLOURS = ["#b71c1c", "#e65100", "#f9a825", "#2e7d32", "#1565c0", "#6a1b9a"]
OTHER_COLOURS = ["#546e7a", "#8d6e63", "#00838f", "#ad1457", "#9e9d24", "#4e342e"]
DETECT_COLOUR, RESOLVE_COLOUR = "#1565c0", "#c62828"
MAX_LABEL = 28
MAX_TICKS = 16

_RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "postmortem-kb",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


@dataclass
class Series:
    label: str
    values: list[float]
    colour: str


def short_label(text: str) -> str:
    """Chart labels are cut to fit; the table beneath every chart has them whole."""
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _svg(figure, title: str) -> str:
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context(_RC):
        figure.savefig(buffer, format="svg", metadata={"Title": title, "Date": None, "Creator": None})
    return buffer.getvalue()


def _with_rc(draw):
    """Run a drawing function with our rc settings, so fonts and spines apply to it."""
    import matplotlib

    with matplotlib.rc_context(_RC):
        return draw()


def _thin_ticks(axis_labels: list[str]) -> tuple[list[int], list[str]]:
    step = max(1, -(-len(axis_labels) // MAX_TICKS))
    positions = list(range(0, len(axis_labels), step))
    return positions, [axis_labels[n] for n in positions]


def stacked_bars(categories: list[str], series: list[Series], ylabel: str, title: str) -> str:
    """Vertical bars, one per category, stacked by series (incidents per month by severity)."""

    def draw():
        figure = _figure(7.5, 3.4)
        axes = figure.add_subplot()
        bottoms = [0.0] * len(categories)
        positions = list(range(len(categories)))
        for one in series:
            axes.bar(positions, one.values, bottom=bottoms, color=one.colour, label=short_label(one.label), width=0.8)
            bottoms = [b + v for b, v in zip(bottoms, one.values)]
        ticks, labels = _thin_ticks(categories)
        axes.set_xticks(ticks, labels, rotation=45, ha="right", parse_math=False)
        axes.set_ylabel(ylabel)
        axes.yaxis.get_major_locator().set_params(integer=True)
        if series:
            legend = axes.legend(loc="lower left", bbox_to_anchor=(0, 1), frameon=False, ncols=min(len(series), 6))
            for text in legend.get_texts():
                text.set_parse_math(False)
        return _svg(figure, title)

    return _with_rc(draw)


def grouped_bars(categories: list[str], series: list[Series], ylabel: str, title: str) -> str:
    """Bars side by side per category (mean time to detect and to resolve)."""

    def draw():
        figure = _figure(7.5, 3.2)
        axes = figure.add_subplot()
        count = max(1, len(series))
        width = 0.8 / count
        for n, one in enumerate(series):
            offsets = [i - 0.4 + width * (n + 0.5) for i in range(len(categories))]
            axes.bar(offsets, one.values, width=width, color=one.colour, label=short_label(one.label))
        ticks, labels = _thin_ticks(categories)
        axes.set_xticks(ticks, [short_label(label) for label in labels], rotation=30 if len(categories) > 6 else 0,
                        ha="right" if len(categories) > 6 else "center", parse_math=False)
        axes.set_ylabel(ylabel)
        if series:
            legend = axes.legend(loc="lower left", bbox_to_anchor=(0, 1), frameon=False, ncols=len(series))
            for text in legend.get_texts():
                text.set_parse_math(False)
        return _svg(figure, title)

    return _with_rc(draw)


def horizontal_bars(labels: list[str], values: list[float], colour: str, xlabel: str, title: str) -> str:
    """Ranked bars, the largest on top (top tags, top services)."""

    def draw():
        figure = _figure(7.5, max(1.6, 0.3 * len(labels) + 0.8))
        axes = figure.add_subplot()
        positions = list(range(len(labels)))
        axes.barh(positions, values, color=colour, height=0.7)
        axes.set_yticks(positions, [short_label(label) for label in labels], parse_math=False)
        axes.invert_yaxis()
        axes.set_xlabel(xlabel)
        axes.xaxis.get_major_locator().set_params(integer=True)
        for position, amount in zip(positions, values):
            axes.annotate(f"{amount:g}", (amount, position), xytext=(3, 0), textcoords="offset points",
                          va="center", fontsize=9)
        return _svg(figure, title)

    return _with_rc(draw)

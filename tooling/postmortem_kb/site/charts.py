"""Charts for the metrics page, written at build time as SVG.

The charts are plain bar charts (stacked, grouped, horizontal), so they are
written directly as SVG elements with ElementTree rather than drawn through
a plotting library. matplotlib did this before; importing it and drawing
five charts took about 60 MB and a second on every build, which on a
1,000-postmortem site was two thirds of what the whole of MkDocs needs.

ElementTree escapes every label (tags and services are typed by people), so
text stays text: selectable, drawn with the reader's own fonts (a generic
family, nothing fetched), and a `$` is just a dollar sign. The output is
deterministic: the same numbers give the same bytes, and it carries no date,
so a rebuild of an unchanged knowledge base changes no file. Each chart has
a <title> for screen readers; the page shows alt text and a table too.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

SEVERITY_COLOURS = ["#b71c1c", "#e65100", "#f9a825", "#2e7d32", "#1565c0", "#6a1b9a"]
OTHER_COLOURS = ["#546e7a", "#8d6e63", "#00838f", "#ad1457", "#9e9d24", "#4e342e"]
DETECT_COLOUR, RESOLVE_COLOUR = "#1565c0", "#c62828"
MAX_LABEL = 28
MAX_TICKS = 16
# A phone's column is 358 CSS px wide at 390: a chart drawn this wide shows its
# 12px text at 11px or more there, where the 750-wide one would shrink it to 6.
NARROW_WIDTH = 360
NARROW_LABEL = 18
LEGEND_ROW = 16

SVG_NS = "http://www.w3.org/2000/svg"
WIDTH = 750
FONT = 12
AXIS_COLOUR, GRID_COLOUR, TEXT_COLOUR = "#555555", "#e0e0e0", "#212121"
# Characters XML 1.0 forbids (C0 controls but tab and newlines, surrogates,
# U+FFFE/U+FFFF) make the whole file unreadable to the browser; the C1
# controls are allowed but show as boxes. Labels are typed by people and
# imported from chat, so every string drops them before it reaches the tree.
_NOT_XML_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """`text` without the characters an SVG (XML 1.0) file cannot hold."""
    return _NOT_XML_TEXT.sub("", text)


@dataclass
class Series:
    label: str
    values: list[float]
    colour: str


def short_label(text: str, limit: int = MAX_LABEL) -> str:
    """Chart labels are cut to fit; the table beneath every chart has them whole."""
    text = xml_text(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text_width(text: str, size: float = FONT) -> float:
    # An estimate for layout (no font metrics without a font): wide enough
    # for the usual sans-serif faces.
    return 0.6 * size * len(text)


def _number(value: float) -> str:
    """A coordinate or amount, short and the same on every machine."""
    return f"{value:.2f}".rstrip("0").rstrip(".") or "0"


def _nice_ticks(largest: float, integer: bool, steps_wanted: int = 5) -> list[float]:
    """Round tick values from 0 up to at least `largest`, about `steps_wanted` steps of them."""
    if largest <= 0:
        return [0.0, 1.0]
    raw = largest / max(1, steps_wanted)
    magnitude = 10 ** math.floor(math.log10(raw))
    steps = (1, 2, 5, 10) if integer else (1, 2, 2.5, 5, 10)
    step = next(s * magnitude for s in steps if s * magnitude >= raw)
    if integer:
        step = max(1.0, float(round(step)))
    count = math.ceil(largest / step - 1e-9)
    return [step * n for n in range(count + 1)]


def _thin_ticks(axis_labels: list[str], most: int = MAX_TICKS) -> tuple[list[int], list[str]]:
    step = max(1, -(-len(axis_labels) // most))
    positions = list(range(0, len(axis_labels), step))
    return positions, [axis_labels[n] for n in positions]


class _Canvas:
    def __init__(self, width: float, height: float, title: str):
        # Plain tag names with the namespace declared as an attribute: the
        # default namespace, without touching ElementTree's global prefixes
        # (the Atom feed registers its own as the default).
        self.root = ET.Element("svg", {
            "xmlns": SVG_NS, "width": _number(width), "height": _number(height), "viewBox": f"0 0 {_number(width)} {_number(height)}",
            "role": "img", "font-family": "sans-serif", "font-size": str(FONT), "fill": TEXT_COLOUR,
        })
        ET.SubElement(self.root, "title").text = xml_text(title)

    def rect(self, x: float, y: float, width: float, height: float, colour: str) -> None:
        ET.SubElement(self.root, "rect", {
            "x": _number(x), "y": _number(y), "width": _number(max(width, 0)), "height": _number(max(height, 0)),
            "fill": colour,
        })

    def line(self, x1: float, y1: float, x2: float, y2: float, colour: str) -> None:
        ET.SubElement(self.root, "line", {
            "x1": _number(x1), "y1": _number(y1), "x2": _number(x2), "y2": _number(y2), "stroke": colour,
        })

    def text(self, x: float, y: float, text: str, anchor: str = "start", rotate: float = 0, size: int = FONT) -> None:
        attributes = {"x": _number(x), "y": _number(y), "text-anchor": anchor}
        if size != FONT:
            attributes["font-size"] = str(size)
        if rotate:
            attributes["transform"] = f"rotate({_number(rotate)} {_number(x)} {_number(y)})"
        ET.SubElement(self.root, "text", attributes).text = xml_text(text)

    def svg(self) -> str:
        ET.indent(self.root)
        return ET.tostring(self.root, encoding="unicode", xml_declaration=True) + "\n"


def _legend_rows(series: list[Series], left: float, right_edge: float, limit: int) -> list[list[tuple[float, str, str]]]:
    """(x, label, colour) of each legend entry, in rows that fit between `left` and `right_edge`."""
    rows: list[list[tuple[float, str, str]]] = [[]]
    x = left
    for one in series:
        label = short_label(one.label, limit)
        step = 14 + _text_width(label) + 16
        if rows[-1] and x + step - 16 > right_edge:
            rows.append([])
            x = left
        rows[-1].append((x, label, one.colour))
        x += step
    return rows


def _legend(canvas: _Canvas, rows: list[list[tuple[float, str, str]]], top: float) -> None:
    for n, row in enumerate(rows):
        y = top + LEGEND_ROW * n
        for x, label, colour in row:
            canvas.rect(x, y - 9, 10, 10, colour)
            canvas.text(x + 14, y, label)


def _vertical_bars(categories: list[str], series: list[Series], ylabel: str, title: str, stacked: bool,
                   width: float = WIDTH) -> str:
    limit = _label_limit(width)
    left, right = 64, 16
    plot_width = width - left - right
    slot = plot_width / max(1, len(categories))
    tick_positions, tick_labels = _thin_ticks(categories, max(4, round(MAX_TICKS * width / WIDTH)))
    shown = [short_label(label, limit) for label in tick_labels]
    longest = max((_text_width(label) for label in shown), default=0)
    spacing = slot * (tick_positions[1] - tick_positions[0]) if len(tick_positions) > 1 else plot_width
    # Upright labels while they fit side by side; slanted when they would touch.
    many = len(categories) > 6 or longest + 6 > spacing
    bottom_margin = (longest * 0.72 + 16) if many else 24
    # The legend wraps instead of cutting its labels short.
    legend = _legend_rows(series, left, width - right, MAX_LABEL) if series else []
    top = 34 + LEGEND_ROW * max(0, len(legend) - 1)
    plot_height = 300 - 34
    height = top + plot_height + bottom_margin
    if stacked:
        largest = max((sum(one.values[n] for one in series) for n in range(len(categories))), default=0)
    else:
        largest = max((value for one in series for value in one.values), default=0)
    ticks = _nice_ticks(largest, integer=stacked)
    scale = plot_height / ticks[-1]
    base = top + plot_height

    canvas = _Canvas(width, height, title)
    for tick in ticks:
        y = base - tick * scale
        canvas.line(left, y, left + plot_width, y, GRID_COLOUR)
        canvas.text(left - 6, y + 4, _number(tick), anchor="end")
    canvas.text(16, top + plot_height / 2, ylabel, anchor="middle", rotate=-90)
    bar = slot * 0.8
    for n in range(len(categories)):
        x0 = left + slot * n + slot * 0.1
        if stacked:
            y = base
            for one in series:
                amount = one.values[n] * scale
                canvas.rect(x0, y - amount, bar, amount, one.colour)
                y -= amount
        else:
            each = bar / max(1, len(series))
            for k, one in enumerate(series):
                amount = one.values[n] * scale
                canvas.rect(x0 + each * k, base - amount, each, amount, one.colour)
    canvas.line(left, base, left + plot_width, base, AXIS_COLOUR)
    canvas.line(left, top, left, base, AXIS_COLOUR)
    for position, label in zip(tick_positions, shown):
        x = left + slot * (position + 0.5)
        if many:
            canvas.text(x, base + 14, label, anchor="end", rotate=-45)
        else:
            canvas.text(x, base + 16, label, anchor="middle")
    _legend(canvas, legend, 18)
    return canvas.svg()


def _label_limit(width: float) -> int:
    return MAX_LABEL if width >= WIDTH else NARROW_LABEL


def stacked_bars(categories: list[str], series: list[Series], ylabel: str, title: str, width: float = WIDTH) -> str:
    """Vertical bars, one per category, stacked by series (incidents per month by severity).

    `width`: the drawing's width; NARROW_WIDTH draws it for a phone's column.
    """
    return _vertical_bars(categories, series, ylabel, title, stacked=True, width=width)


def grouped_bars(categories: list[str], series: list[Series], ylabel: str, title: str, width: float = WIDTH) -> str:
    """Bars side by side per category (mean time to detect and to resolve); `width` as for stacked_bars."""
    return _vertical_bars(categories, series, ylabel, title, stacked=False, width=width)


def horizontal_bars(labels: list[str], values: list[float], colour: str, xlabel: str, title: str,
                    width: float = WIDTH) -> str:
    """Ranked bars, the largest on top (top tags, top services), each with its amount; `width` as above."""
    shown = [short_label(label, _label_limit(width)) for label in labels]
    left = max((_text_width(label) for label in shown), default=0) + 16
    right, top, row = 48, 12, 24
    plot_width = width - left - right
    height = top + row * max(1, len(labels)) + 40
    largest = max(values, default=0)
    ticks = _nice_ticks(largest, integer=True)
    # Fewer grid labels where they would run into each other (a narrow drawing).
    room = int(plot_width // (_text_width(_number(ticks[-1])) + 12))
    if room < len(ticks) - 1:
        ticks = _nice_ticks(largest, integer=True, steps_wanted=max(1, room))
    scale = plot_width / ticks[-1]
    base = top + row * max(1, len(labels))

    canvas = _Canvas(width, height, title)
    for tick in ticks:
        x = left + tick * scale
        canvas.line(x, top, x, base, GRID_COLOUR)
        canvas.text(x, base + 16, _number(tick), anchor="middle")
    for n, (label, amount) in enumerate(zip(shown, values)):
        y = top + row * n
        canvas.rect(left, y + row * 0.15, amount * scale, row * 0.7, colour)
        canvas.text(left - 6, y + row * 0.5 + 4, label, anchor="end")
        canvas.text(left + amount * scale + 4, y + row * 0.5 + 4, _number(amount))
    canvas.line(left, top, left, base, AXIS_COLOUR)
    canvas.text(left + plot_width / 2, base + 34, xlabel, anchor="middle")
    return canvas.svg()

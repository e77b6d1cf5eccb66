"""The SVG charts: deterministic, well-formed, labels kept as escaped text."""

import subprocess
import sys
import xml.etree.ElementTree as ET

from postmortem_kb.site.charts import Series, grouped_bars, horizontal_bars, short_label, stacked_bars

SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: str) -> list[str]:
    return [el.text or "" for el in ET.fromstring(svg.encode("utf-8")).iter(f"{SVG}text")]


def test_hostile_labels_stay_text_and_dollar_signs_are_not_maths():
    labels = ["<script>alert(1)</script>", "$\\notacommand$", "a & b"]
    svg = horizontal_bars(labels, [3, 2, 1], "#333333", "postmortems", "Top tags")
    assert "<script" not in svg
    assert {"<script>alert(1)</script>", "$\\notacommand$", "a & b"} <= set(texts(svg))
    assert ET.fromstring(svg.encode()).find(f"{SVG}title").text == "Top tags"


def test_charts_are_deterministic_and_carry_no_date():
    series = [Series("SEV1", [1, 0, 2], "#b71c1c"), Series("SEV2", [0, 3, 1], "#e65100")]
    first = stacked_bars(["2024-01", "2024-02", "2024-03"], series, "incidents", "Per month")
    assert first == stacked_bars(["2024-01", "2024-02", "2024-03"], series, "incidents", "Per month")
    assert "<dc:date>" not in first
    assert grouped_bars(["Q1", "Q2", "Q3"], series, "hours", "t") == grouped_bars(["Q1", "Q2", "Q3"], series, "hours", "t")


def test_long_labels_are_shortened_only_in_the_chart():
    assert short_label("x" * 40) == "x" * 27 + "…" and short_label("short") == "short"


def test_drawing_does_not_touch_pyplot_state():
    code = ("import sys; from postmortem_kb.site.charts import horizontal_bars; "
            "horizontal_bars(['a'], [1], '#000000', 'n', 't'); print('matplotlib.pyplot' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"

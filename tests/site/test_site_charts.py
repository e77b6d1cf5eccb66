"""The SVG charts: deterministic, well-formed, labels kept as escaped text."""

import subprocess
import sys
import xml.etree.ElementTree as ET

from postmortem_kb.site.charts import (
    Series,
    grouped_bars,
    horizontal_bars,
    short_label,
    stacked_bars,
)

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


def test_control_characters_in_labels_leave_a_well_formed_svg():
    # A tag with a BEL made metrics/top-tags.svg unreadable (issue 13).
    labels = ["bell\x07tag", "nul\x00and\x1bescape", "c1\x85control", "tab\tkept"]
    svgs = [
        horizontal_bars(labels, [4, 3, 2, 1], "#333333", "post\x0cmortems", "Top\x01 tags"),
        stacked_bars(labels, [Series("SEV\x021", [1, 2, 3, 4], "#b71c1c")], "inci\x08dents", "Per\x1f month"),
        grouped_bars(labels[:2], [Series("mean\x0b", [1.5, 2], "#1565c0")], "hours", "t\ufffe"),
    ]
    for svg in svgs:
        root = ET.fromstring(svg.encode("utf-8"))  # raises on a character XML 1.0 forbids
        every = "".join(texts(svg)) + (root.find(f"{SVG}title").text or "")
        assert not any(ord(c) < 0x20 and c not in "\t\n\r" for c in every)
        assert not any(0x7F <= ord(c) <= 0x9F for c in every)
    assert {"belltag", "nulandescape", "c1control", "tab\tkept"} <= set(texts(svgs[0]))
    assert "SEV1" in texts(svgs[1]) and "incidents" in texts(svgs[1])


def test_a_tag_with_a_bell_character_leaves_every_chart_of_a_rendered_site_well_formed(tmp_path):
    # The reproduction of issue 13: front matter can spell a control character as a YAML escape.
    from conftest import VALID_POSTMORTEM
    from postmortem_kb.site.metrics_page import CHART_FILES
    from postmortem_kb.site.site_render import render_site
    from site_samples import loaded, make_kb

    bell = VALID_POSTMORTEM.replace("tags: [server-infra, cache]", 'tags: ["bell\\atag", "esc\\etag"]').replace(
        "severity: SEV2", 'severity: "SEV\\x012"').replace("services: [sessions]", 'services: ["nul\\x00svc"]')
    root = make_kb(tmp_path / "kb", {"2024-01-09-bell.md": bell})
    pages = render_site(loaded(root))
    for path in CHART_FILES.values():
        svg = pages[path]
        ET.fromstring(svg.encode("utf-8") if isinstance(svg, str) else svg)
    assert "belltag" in texts(pages[CHART_FILES["top_tags"]])
    assert "nulsvc" in texts(pages[CHART_FILES["top_services"]])


def _text_extent(el) -> tuple[float, float]:
    """Where a text element's label starts and ends, estimated as the charts lay it out (0.6 em a character)."""
    x, size = float(el.get("x")), float(el.get("font-size", 12))
    length = 0.6 * size * len(el.text or "")
    anchor = el.get("text-anchor", "start")
    start = {"start": x, "middle": x - length / 2, "end": x - length}[anchor]
    return start, start + length


def test_narrow_drawings_fit_a_phone_column_with_full_size_text():
    from postmortem_kb.site.charts import NARROW_WIDTH

    months = [f"2024-{m:02d}" for m in range(1, 13)] + [f"2025-{m:02d}" for m in range(1, 13)]
    series = [Series(name, [n % 3 for n in range(24)], "#b71c1c")
              for name in ("SEV1", "SEV2", "SEV3", "SEV4", "(no severity)", "mean time to resolve")]
    svgs = [
        stacked_bars(months, series, "incidents", "Per month", width=NARROW_WIDTH),
        grouped_bars(["SEV1", "SEV2", "catastrophic"], series[:2], "hours", "By severity", width=NARROW_WIDTH),
        horizontal_bars(["server-infra", "x" * 40, "cache"], [120, 30, 1], "#37474f", "postmortems", "Top",
                        width=NARROW_WIDTH),
    ]
    for svg in svgs:
        root = ET.fromstring(svg.encode("utf-8"))
        assert root.get("width") == str(NARROW_WIDTH) and root.get("viewBox").startswith(f"0 0 {NARROW_WIDTH} ")
        for el in root.iter(f"{SVG}text"):
            assert float(el.get("font-size", root.get("font-size"))) >= 12
            if el.get("transform"):
                continue  # slanted tick labels hang below the axis
            start, end = _text_extent(el)
            assert -1 <= start and end <= NARROW_WIDTH + 1, (el.text, start, end)
    month_labels = [t for t in texts(svgs[0]) if t.startswith("202")]
    assert 4 <= len(month_labels) <= 8
    # The six-entry legend wraps onto a second row instead of running off the drawing.
    legend_rows = {el.get("y") for el in ET.fromstring(svgs[0].encode()).iter(f"{SVG}text") if el.text in
                   ("SEV1", "mean time to resolve")}
    assert len(legend_rows) == 2


def test_the_wide_drawing_is_the_default_and_unchanged_by_the_narrow_option():
    from postmortem_kb.site.charts import WIDTH

    series = [Series("SEV1", [1, 2], "#b71c1c")]
    assert stacked_bars(["a", "b"], series, "n", "t") == stacked_bars(["a", "b"], series, "n", "t", width=WIDTH)
    assert ET.fromstring(stacked_bars(["a", "b"], series, "n", "t").encode()).get("width") == str(WIDTH)

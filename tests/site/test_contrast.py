"""The chips' colours in the stylesheet pass WCAG AA text contrast (4.5:1) in the light and the dark palette."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

tinycss2 = pytest.importorskip("tinycss2")

STYLESHEET = Path(__file__).resolve().parents[2] / "tooling/postmortem_kb/site/assets/postmortem-kb.css"
LIGHT, DARK = ":root", '[data-md-color-scheme="slate"]'
AA_TEXT = 4.5
HEX = re.compile(r"#[0-9a-fA-F]{3,8}\b")


def rules() -> list[tuple[str, list]]:
    parsed = tinycss2.parse_stylesheet(STYLESHEET.read_text(encoding="utf-8"), skip_comments=True,
                                       skip_whitespace=True)
    return [(tinycss2.serialize(rule.prelude).strip(), rule.content) for rule in parsed
            if rule.type == "qualified-rule"]


def declarations(content) -> dict[str, str]:
    found = {}
    for item in tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True):
        if item.type == "declaration":
            found[item.name] = tinycss2.serialize(item.value).strip()
    return found


def palette(selector: str) -> dict[str, str]:
    values = {}
    for prelude, content in rules():
        if prelude == selector:
            values.update(declarations(content))
    return values


def luminance(colour: str) -> float:
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[n:n + 2], 16) / 255 for n in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def chip_pairs(values: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Each chip's (text, background), a transparent background read as the page's."""
    pairs = {}
    for name, fg in values.items():
        if not name.endswith("-fg"):
            continue
        chip = name[: -len("-fg")]
        bg = values[chip + "-bg"]
        pairs[chip] = (fg, values["--pm-page-bg"] if bg == "transparent" else bg)
    return pairs


def test_the_formula_matches_known_ratios():
    assert contrast("#ffffff", "#000000") == pytest.approx(21.0)
    # The SEV2 colour of old, white on #e65100: 3.79:1, which failed AA (issue 16).
    assert contrast("#ffffff", "#e65100") == pytest.approx(3.79, abs=0.01)


@pytest.mark.parametrize("name", ["light", "dark"])
def test_every_chip_passes_aa_in_both_palettes(name):
    light = palette(LIGHT)
    values = light if name == "light" else {**light, **palette(DARK)}
    pairs = chip_pairs(values)
    assert {"--pm-sev-rank-1", "--pm-sev-rank-2", "--pm-status-draft", "--pm-action-open"} <= set(pairs)
    ratios = {chip: round(contrast(fg, bg), 2) for chip, (fg, bg) in pairs.items()}
    failing = {chip: ratio for chip, ratio in ratios.items() if ratio < AA_TEXT}
    assert failing == {}, ratios


def test_the_dark_palette_changes_the_page_and_the_pale_chips():
    dark = palette(DARK)
    assert luminance(dark["--pm-page-bg"]) < 0.05
    assert {"--pm-status-draft-bg", "--pm-action-done-bg"} <= set(dark)


def test_chip_rules_take_their_colours_from_the_palette_properties():
    chip = re.compile(r"\.pm-(sev-rank|sev-unknown|status-(draft|in-review|published)|action-|overdue)")
    literal = {prelude: text for prelude, content in rules() if chip.search(prelude)
               for text in [tinycss2.serialize(content)] if HEX.search(text)}
    assert literal == {}


def test_the_repository_and_init_sites_offer_light_and_dark_with_a_toggle():
    import yaml
    from postmortem_kb.init_kb import MKDOCS_YML

    repository = (STYLESHEET.parents[4] / "mkdocs.yml").read_text(encoding="utf-8")
    for text in (repository, MKDOCS_YML.format(site_name="Postmortems")):
        palettes = yaml.safe_load(text)["theme"]["palette"]
        assert [p["scheme"] for p in palettes] == ["default", "slate"]
        assert all(p["toggle"]["icon"].startswith("material/") and p["toggle"]["name"] for p in palettes)
        # The reader's system setting picks the first palette; the toggle the other.
        assert [p["media"] for p in palettes] == ["(prefers-color-scheme: light)", "(prefers-color-scheme: dark)"]

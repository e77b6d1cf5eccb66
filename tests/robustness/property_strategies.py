"""Hypothesis strategies shared by the property tests: hostile front matter and markdown."""

from __future__ import annotations

import datetime as dt

import yaml
from hypothesis import strategies as st

KEYS = ["title", "date", "severity", "status", "authors", "tags", "services", "started_at", "detected_at",
        "mitigated_at", "resolved_at", "summary", "related", "timezone", "template", "imported"]

huge_text = st.integers(min_value=1, max_value=200_000).map(lambda n: "x" * n)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10**30, max_value=10**60),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=40), huge_text,
    st.dates(), st.datetimes(timezones=st.sampled_from([None, dt.timezone.utc, dt.timezone(dt.timedelta(hours=-11))])),
    st.sampled_from(["2024-01-09", "2024-13-45", "10:00", "SEV1", "draft", "UTC", "Mars/Olympus", "+25:00",
                     "<script>alert(1)</script>", "TODO", "default", "../../etc/passwd"]),
)


def _nest(inner):
    return st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)


values = st.recursive(scalars, _nest, max_leaves=30)


def _deep_value(depth: int):
    value: object = "bottom"
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


# Deeper nesting than any real file has: lists and maps up to 150 levels down.
deep = st.integers(min_value=20, max_value=150).map(_deep_value)


front_matter = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=10), values | deep, max_size=10)


def dump_front_matter(meta: dict) -> str | None:
    """The YAML of `meta`, or None when PyYAML cannot write it."""
    try:
        return yaml.safe_dump(meta, allow_unicode=True)
    except (yaml.YAMLError, RecursionError, ValueError):
        return None


cell = st.text(alphabet=st.characters(blacklist_characters="|\n\r"), max_size=20) | st.sampled_from(
    ["03:00", "2024-01-01 10:00", "25:99", "", "**10:05**", "2024-13-45 10:00", "10:00+05:00", "lee", "open",
     "done", "P1", "2024-02-30", "OPS-1", "<img src=x onerror=alert(1)>", "\\", "`"])
table = st.tuples(st.lists(cell, min_size=1, max_size=7), st.lists(st.lists(cell, max_size=8), max_size=6)).map(
    lambda t: "| " + " | ".join(t[0]) + " |\n|" + "---|" * len(t[0]) + "\n"
    + "\n".join("| " + " | ".join(r) + " |" for r in t[1]))
bullets = st.lists(cell, max_size=5).map(lambda items: "\n".join(f"- {i} event" for i in items))
checkboxes = st.lists(cell, max_size=4).map(lambda items: "\n".join(f"- [ ] {i}" for i in items))
headings = st.sampled_from([
    "## Timeline", "## Action items", "## Summary", "# Title", "### Sub", "## Root causes:", "##", "## Impact",
    "Setext heading\n==============", "Another\n-------", "## Follow-ups", "# What happened", "## Lessons learnt",
])
other_blocks = st.sampled_from([
    "> quoted\n> ## Timeline in a quote", "```\n## not a heading\n| a | b |\n```", "<!-- postmortem-lint disable -->",
    "<!-- hint: unclosed", "---", "+++", "    indented code", "1. first\n2. second", "<div>raw html</div>",
    "[link](other.md) ![img](x.png)", "All times in UTC.", "TODO: fill in", "\t\t", "- nested\n  - deeper\n    - deepest",
])
body = st.lists(st.one_of(headings, table, bullets, checkboxes, other_blocks, st.text(max_size=80)),
                max_size=10).map("\n\n".join)

"""Property-based tests: no input makes loading or lint raise.

`make test` runs a bounded number of examples; for a long run see profiles.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from hypothesis import given
from hypothesis import strategies as st
from robustness.profiles import bounded

from postmortem_kb.config import KBConfig
from postmortem_kb.loader import load_postmortem, parse_postmortem

CONFIG = KBConfig(root=Path("."))
PATH = Path("postmortems/2024-01-01-prop.md")

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=50),
    st.dates(), st.datetimes(timezones=st.sampled_from([None, dt.timezone.utc])),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=20)
KEYS = ["title", "date", "severity", "status", "authors", "tags", "services", "started_at", "detected_at",
        "mitigated_at", "resolved_at", "summary", "related", "timezone", "template"]
front_matter = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=10), values, max_size=10)

cell = st.text(alphabet=st.characters(blacklist_characters="|\n\r"), max_size=20) | st.sampled_from(
    ["03:00", "2024-01-01 10:00", "25:99", "", "**10:05**", "2024-13-45 10:00", "10:00+05:00"])
table = st.lists(st.lists(cell, min_size=0, max_size=5), max_size=6).map(
    lambda rows: "| Time | Event |\n|---|---|\n" + "\n".join("| " + " | ".join(r) + " |" for r in rows))
bullets = st.lists(cell, max_size=5).map(lambda items: "\n".join(f"- {i} event" for i in items))
headings = st.sampled_from(["## Timeline", "## Action items", "## Summary", "# Title", "### Sub", "## Root causes:", "##"])
body = st.lists(st.one_of(headings, table, bullets, st.text(max_size=80)), max_size=8).map("\n\n".join)


def check(pm) -> None:
    for diag in pm.diagnostics:
        assert diag.path and diag.line >= 1 and diag.rule and diag.message


@bounded(60)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("bytes") / "2024-01-01-x.md"
    path.write_bytes(data)
    check(load_postmortem(path, CONFIG))


@bounded(60)
@given(st.text(max_size=2000))
def test_arbitrary_text_never_raises(text):
    check(parse_postmortem(text, PATH, CONFIG))


@bounded(60)
@given(front_matter, body)
def test_random_front_matter_and_markdown_never_raise(meta, markdown):
    try:
        dumped = yaml.safe_dump(meta, allow_unicode=True)
    except yaml.YAMLError:
        return
    pm = parse_postmortem(f"---\n{dumped}---\n{markdown}\n", PATH, CONFIG)
    check(pm)
    # The tolerant views never raise either, whatever the types.
    _ = (pm.title, pm.tags, pm.services, pm.authors, pm.date, pm.severity, pm.summary)
    for event in pm.timeline:
        assert (event.time is None) != (event.error is None)
        if event.time is not None and pm.timeline_zone.value is not None:
            # A zone is known: every time has an offset (without one, times
            # stay wall-clock times, never a guessed UTC).
            assert event.time.tzinfo is not None

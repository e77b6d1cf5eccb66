"""Timeline row marks: anchors from the row's time, kinds from a column, an emoji or words, T+ from started_at."""

import datetime as dt
import html
import json
import re
from pathlib import Path

from postmortem_kb.config import KBConfig
from postmortem_kb.loader import parse_postmortem
from postmortem_kb.site.pages_postmortem import PostmortemPageContext, render_postmortem
from postmortem_kb.site.timeline_marks import (
    OTHER,
    kind_from_text,
    kind_from_value,
    offset_text,
    timeline_block,
    timeline_marks,
)

CONFIG = KBConfig(root=Path("."))
HEAD = """---
title: T
date: 2024-01-09
started_at: 2024-01-09T10:00:00+01:00
detected_at: 2024-01-09T10:04:00+01:00
resolved_at: 2024-01-10T01:15:00+01:00
---
"""


def parse(body: str):
    return parse_postmortem(HEAD + body, Path("postmortems/2024-01-09-x.md"), CONFIG)


def test_a_table_with_a_kind_column_gives_anchors_kinds_and_offsets():
    pm = parse("## Timeline\n\n| Time | Kind | Event |\n|---|---|---|\n"
               "| 10:00 | Deploy | v2 goes out |\n| 10:04 | | Latency alert fires |\n"
               "| 10:04 | comms | Status page updated |\n| 23:50 | Vendor call | Talked to the vendor |\n"
               "| 01:15 | | Nothing to see |\n\n## Root cause\n\nX.\n")
    marks = timeline_marks(pm)
    assert [m.anchor for m in marks] == ["t-20240109-1000", "t-20240109-1004", "t-20240109-1004-2",
                                         "t-20240109-2350", "t-20240110-0115"]
    assert [m.kind for m in marks] == ["deploy", "alert", "comms", OTHER, "resolution"]
    assert [m.label for m in marks] == ["Deploy", "Alert", "Comms", "Vendor call", "Resolution"]
    assert [m.offset for m in marks] == ["T+0m", "T+4m", "T+4m", "T+13h 50m", "T+15h 15m"]
    assert {m.shape for m in marks} == {"table"} and marks[1].time == "10:04"


def test_a_list_timeline_with_emoji_and_words():
    pm = parse("## Timeline\n\n- **09:55** 🚀 Deploy of the cache config\n- 10:10 On-call paged by the alert\n"
               "- 10:20 Rolled back the config\n- 10:40 📣 Customers notified\n- 11:00 Coffee\n")
    marks = timeline_marks(pm)
    assert [m.kind for m in marks] == ["deploy", "page", "mitigation", "comms", None]
    assert marks[0].offset == "T-5m" and marks[0].time == "09:55"
    assert {m.shape for m in marks} == {"list"} and marks[-1].label is None


def test_kinds_from_words_pick_the_earliest_and_values_of_the_authors_own_are_kept():
    assert kind_from_text("Latency alert fires, on-call paged") == "alert"
    assert kind_from_text("Paged the on-call about the alert") == "page"
    assert kind_from_text("✅ all good") == "resolution"
    assert kind_from_text("Cache flushed") is None
    assert kind_from_value("Mitigation step") == ("mitigation", "Mitigation")
    assert kind_from_value("x" * 40) == (OTHER, "x" * 23 + "…")
    assert kind_from_value("  ") is None


def test_offsets_need_two_comparable_times():
    start = dt.datetime(2024, 1, 9, 10, 0, tzinfo=dt.UTC)
    assert offset_text(start, start + dt.timedelta(days=1, hours=2, minutes=3)) == "T+1d 2h 3m"
    assert offset_text(start, dt.datetime(2024, 1, 9, 11, 0)) is None
    assert offset_text(None, start) is None


def test_rows_outside_the_timeline_section_and_other_shapes_get_no_marks():
    pm = parse("## Timeline\n\n### 10:00\n\nA heading row.\n\n## What happened\n\n- 10:05 one\n- 10:06 two\n")
    assert timeline_marks(pm) == []
    assert timeline_block(pm) == ""


def test_the_page_carries_the_marks_escaped_and_the_script_relative_to_it():
    pm = parse('## Timeline\n\n| Time | Event |\n|---|---|\n| 10:00 | <img src=x onerror=go(1)> "q" |\n')
    context = PostmortemPageContext("postmortems/2024-01-09-x.md", ["SEV1"], None, [])
    page = render_postmortem(pm, context).as_markdown()
    found = re.search(r'<div id="pm-timeline-marks" hidden [^>]*data-marks="([^"]*)"></div>\n'
                      r'<script src="\.\./\.\./assets/timeline\.js" defer></script>', page)
    assert found, page[-600:]
    assert "<img" not in found.group(1)
    data = json.loads(html.unescape(found.group(1)))
    assert data == [{"anchor": "t-20240109-1000", "time": "10:00", "shape": "table", "offset": "T+0m"}]
    flat = PostmortemPageContext("postmortems/2024-01-09-x.md", ["SEV1"], None, [], directory_urls=False)
    assert 'src="../assets/timeline.js"' in render_postmortem(pm, flat).as_markdown()

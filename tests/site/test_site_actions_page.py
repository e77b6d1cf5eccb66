"""The action-item ledger page."""

import datetime as dt
from pathlib import Path

from site_samples import loaded, make_kb

from postmortem_kb.config import KBConfig
from postmortem_kb.site.actions_page import render_actions_page
from postmortem_kb.site.site_render import render_site


def test_open_items_first_overdue_flagged_as_of_the_given_day(tmp_path):
    kb = loaded(make_kb(tmp_path / "kb"))
    before = render_actions_page(kb.loaded, kb.config, dt.date(2024, 1, 15)).as_markdown()
    after = render_actions_page(kb.loaded, kb.config, dt.date(2024, 3, 1)).as_markdown()
    assert "overdue" not in before.split("## Closed")[0].replace("of which **0 overdue**", "")
    open_part = after[after.index("## Open"): after.index("## Closed")]
    assert "Guard the flush command" in open_part and 'class="pm-overdue"' in open_part
    assert '<a href="../postmortems/2024-01-09-cache-stampede/">Cache stampede on the session store</a>' in open_part
    assert "Rotate build logs" in after[after.index("## Closed"):]
    assert "2024-03-01" in after and "**" in after


def test_an_empty_knowledge_base_still_renders_every_page(tmp_path):
    from postmortem_kb.kb import KnowledgeBase

    kb = KnowledgeBase(config=KBConfig(root=Path(tmp_path)))
    pages = render_site(kb, today=dt.date(2025, 1, 1))
    assert "Nothing open." in pages["actions/index.md"]
    assert "No dated postmortems yet" in pages["metrics/index.md"]
    assert not any(path.endswith(".svg") for path in pages), "no empty charts"
    assert "| — | 0 | — |" in pages["tags/index.md"]

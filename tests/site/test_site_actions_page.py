"""The action-item ledger page."""

import datetime as dt
from pathlib import Path

from postmortem_kb.config import KBConfig
from postmortem_kb.site.actions_page import render_actions_page
from postmortem_kb.site.site_render import render_site
from site_samples import loaded, make_kb


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


TICKETS_CONFIG = """\
tickets:
  '^OPS-\\d+$': 'https://jira.example.com/browse/{ticket}'
  '^#(\\d+)$': 'https://github.com/org/repo/issues/{1}'
"""


def test_tickets_link_to_the_tracker_and_items_show_age_slo_and_the_postmortems_status(tmp_path):
    from conftest import write
    from postmortem_kb.site.site_render import render_site

    root = make_kb(tmp_path / "kb")
    write(root / "postmortem-kb.yml", TICKETS_CONFIG)
    # No due date: due by the SLO of P1 (28 days); a second ticket that matches no pattern stays text.
    text = (root / "postmortems/2024-01-09-cache-stampede.md").read_text(encoding="utf-8")
    write(root / "postmortems/2024-01-09-cache-stampede.md", text + "| Page on flush | kim | P1 | | open | #42, LEGACY-7 |\n")
    page = render_site(loaded(root), today=dt.date(2024, 3, 1))["actions/index.md"]
    guard = page[page.index("Guard the flush command"):]
    guard = guard[:guard.index("</tr>")]
    assert '<a class="pm-ticket" href="https://jira.example.com/browse/OPS-1">OPS-1</a>' in guard
    assert '<span class="pm-age">52d</span>' in guard and 'class="pm-overdue"' in guard
    assert '<span class="pm-status pm-status-published">published</span>' in guard
    paging = page[page.index("Page on flush"):]
    paging = paging[:paging.index("</tr>")]
    assert '<a class="pm-ticket" href="https://github.com/org/repo/issues/42">#42</a>, LEGACY-7' in paging
    assert ">2024-02-06*</span>" in paging, "due at the incident's date + 28 days, marked"
    # An item due later than its SLO is not overdue, but breaches the SLO.
    write(root / "postmortems/2024-01-09-cache-stampede.md",
          text + "| Page on flush | kim | P1 | 2024-12-01 | open | #42 |\n")
    page = render_site(loaded(root), today=dt.date(2024, 3, 1))["actions/index.md"]
    paging = page[page.index("Page on flush"):]
    paging = paging[:paging.index("</tr>")]
    assert 'class="pm-slo-breach"' in paging and "pm-overdue" not in paging
    assert "1 more open longer than the SLO of their priority" in page

"""One postmortem's page, rendered from the model: card placement, timeline block, related, source."""

import re
from pathlib import Path

from postmortem_kb.config import KBConfig
from postmortem_kb.loader import parse_postmortem
from postmortem_kb.site.pages_postmortem import PostmortemPageContext, render_postmortem
from postmortem_kb.site.related import Related

CONFIG = KBConfig(root=Path("."))


def render(text: str, template: str | None = None, related=()) -> str:
    pm = parse_postmortem(text, Path("postmortems/2024-01-09-x.md"), CONFIG)
    context = PostmortemPageContext("postmortems/2024-01-09-x.md", ["SEV1"], template, list(related))
    return render_postmortem(pm, context).as_markdown()


def block(page: str) -> str:
    return page[page.index('<div class="pm-timeline" markdown>'): page.index("</div>", page.index("pm-timeline"))]


def test_the_bodys_own_title_stays_first_and_the_card_follows_it():
    page = render("---\ntitle: T\n---\n# My own title\n\n## Summary\n\nText.\n")
    assert page.index("# My own title") < page.index('class="pm-card"') < page.index("## Summary")
    assert page.count("\n# ") == 1, "no second H1"


def test_a_table_timeline_is_wrapped_whole_and_what_follows_stays_outside():
    page = render(
        "---\ntitle: T\ndate: 2024-01-09\n---\n## Timeline\n\nAll times UTC.\n\n| Time | Event |\n|---|---|\n"
        "| 10:00 | one |\n| 10:05 | two |\n\n### Day two\n\n- 09:00 three\n\n## Root cause\n\nBecause.\n"
    )
    inside = block(page)
    for text in ("All times UTC.", "| 10:00 | one |", "| 10:05 | two |", "### Day two", "- 09:00 three"):
        assert text in inside
    assert "## Root cause" not in inside and page.index("</div>", page.index("pm-timeline")) < page.index("## Root cause")


def test_a_setext_timeline_heading_keeps_its_underline():
    page = render("---\ntitle: T\n---\nTimeline\n--------\n\n- 10:00 one\n\nRoot cause\n----------\n\nX\n")
    assert re.search(r"Timeline\n--------\n\n<div class=\"pm-timeline\" markdown>", page)
    assert "- 10:00 one" in block(page)


def test_no_timeline_section_means_no_block():
    assert "pm-timeline" not in render("---\ntitle: T\n---\n## Summary\n\nOnly this.\n")


def test_related_lists_named_and_shared_with_their_reasons():
    other = parse_postmortem("---\ntitle: Other one\ndate: 2023-01-01\n---\n", Path("postmortems/2023-01-01-o.md"), CONFIG)
    page = render("---\ntitle: T\n---\n", related=[
        Related("2023-01-01-o", other, ["cache"], True), Related("nope", None, [], True),
    ])
    assert ('<li>2023-01-01 · <a href="../2023-01-01-o/">Other one</a> · named in <code>related:</code>; '
            "shares cache</li>") in page
    assert "<li>nope — not in the knowledge base" in page


def test_edit_link_is_escaped_and_percent_encoded():
    page = render("---\ntitle: T\n---\n", template='https://git.example.com/kb/blob/main/{path}?x="y"')
    assert 'href="https://git.example.com/kb/blob/main/postmortems/2024-01-09-x.md?x=&quot;y&quot;"' in page

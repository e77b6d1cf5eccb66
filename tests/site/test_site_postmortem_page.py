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


def test_tickets_become_links_in_the_card_and_the_authors_table_stays_as_written(tmp_path):
    import datetime as dt

    from conftest import VALID_POSTMORTEM, write
    from postmortem_kb.site.site_render import render_site
    from site_samples import loaded, make_kb

    root = make_kb(tmp_path / "kb", {"2024-01-09-cache-stampede.md": VALID_POSTMORTEM.replace(
        "| open | OPS-1 |", "| open | OPS-1, https://tracker.example.com/t/9 |")})
    write(root / "postmortem-kb.yml", "tickets:\n  '^OPS-(\\d+)$': 'https://jira.example.com/browse/OPS-{1}'\n")
    page = render_site(loaded(root), today=dt.date(2025, 1, 1))["postmortems/2024-01-09-cache-stampede.md"]
    card = page[page.index('class="pm-card"'):page.index("</section>")]
    assert ('<a class="pm-ticket" href="https://jira.example.com/browse/OPS-1" title="Guard the flush command">'
            "OPS-1</a>") in card
    assert 'href="https://tracker.example.com/t/9"' in card
    assert "| Guard the flush command | lee | P2 | 2024-02-01 | open | OPS-1, https://tracker.example.com/t/9 |" in page


def test_a_translation_and_its_original_link_to_each_other(tmp_path):
    import datetime as dt

    from conftest import VALID_POSTMORTEM
    from postmortem_kb.site.site_render import render_site
    from site_samples import loaded, make_kb

    german = VALID_POSTMORTEM.replace("title: Cache stampede on the session store",
                                      "title: Cache-Ansturm\nlang: de\ntranslation_of: 2024-01-09-cache-stampede")
    root = make_kb(tmp_path / "kb", {"2024-01-09-cache-stampede.md": VALID_POSTMORTEM,
                                     "2024-01-09-cache-stampede-de.md": german,
                                     "2023-05-01-alone.md": VALID_POSTMORTEM.replace("2024-01-09", "2023-05-01")})
    pages = render_site(loaded(root), today=dt.date(2025, 1, 1))
    original = pages["postmortems/2024-01-09-cache-stampede.md"]
    translation = pages["postmortems/2024-01-09-cache-stampede-de.md"]
    assert ('<a href="../2024-01-09-cache-stampede-de/" hreflang="de" title="Cache-Ansturm">de</a>') in original
    assert '<span aria-current="page">en (original)</span>' in original
    assert ('<a href="../2024-01-09-cache-stampede/" hreflang="en" title="Cache stampede on the session store">'
            "en (original)</a>") in translation
    assert '<span aria-current="page">de</span>' in translation
    assert 'data-pagefind-filter="language:de"' in translation
    assert "pm-languages" not in pages["postmortems/2023-05-01-alone.md"], "one version: no switcher"


def test_a_related_draft_is_marked_as_a_draft(tmp_path):
    import datetime as dt

    from conftest import VALID_POSTMORTEM
    from postmortem_kb.site.site_render import render_site
    from site_samples import loaded, make_kb

    draft = VALID_POSTMORTEM.replace("2024-01-09", "2024-01-02").replace("status: published", "status: draft").replace(
        "title: Cache stampede on the session store", "title: A draft neighbour")
    root = make_kb(tmp_path / "kb", {"2024-01-09-cache-stampede.md": VALID_POSTMORTEM, "2024-01-02-draft.md": draft})
    pages = render_site(loaded(root), today=dt.date(2025, 1, 1))
    assert ('<a href="../2024-01-02-draft/">A draft neighbour</a> <span class="pm-status pm-status-draft">draft</span>'
            in pages["postmortems/2024-01-09-cache-stampede.md"])
    assert "pm-status-published\">published</span> ·" not in pages["postmortems/2024-01-02-draft.md"], "drafts only"

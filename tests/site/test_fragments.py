"""The HTML the site writes itself comes from templates that escape every value unless it is visibly marked safe."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import markdown
from conftest import REPO
from markupsafe import Markup
from postmortem_kb.config import KBConfig
from postmortem_kb.loader import parse_postmortem
from postmortem_kb.site.actions_page import render_actions_page
from postmortem_kb.site.blocks import Listing
from postmortem_kb.site.fragments import fragment
from postmortem_kb.site.pages import render_failed_postmortem
from postmortem_kb.site.pages_postmortem import (
    PostmortemPageContext,
    header_card,
    related_list,
    source_line,
)
from postmortem_kb.site.related import Related

SITE = REPO / "tooling" / "postmortem_kb" / "site"
TEMPLATES = SITE / "templates"
CONFIG = KBConfig(root=Path("."))
HOSTILE = """\
---
title: "<script>alert(1)</script>"
date: 2024-01-09
severity: "<b>SEV1</b>"
status: "\\" onmouseover=\\"alert(2)"
authors: ["<i>mallory</i>", "o'neil & co"]
tags: ["<img src=x onerror=alert(3)>"]
services: ["a\\"><svg onload=alert(4)>"]
summary: "line one\\n\\n[link](javascript:alert(5))\\n\\n<b>bold</b>"
---

## Action items

| Action | Owner | Priority | Due | Status | Ticket |
|---|---|---|---|---|---|
| <img src=y onerror=alert(6)> | <u>eve</u> | P1 | 2024-02-01 | <b>open</b> | OPS-1 |
"""
RAW = re.compile(r"<(script|img|svg|i|u)\b|<b>|\son\w+=[\"']")


def hostile():
    return parse_postmortem(HOSTILE, Path("postmortems/2024-01-09-x.md"), CONFIG)


def test_every_template_escapes_by_default_and_marks_nothing_safe():
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert "|safe" not in text.replace(" ", "") and "autoescape" not in text, template.name
    assert str(fragment("chip.html", classes="c", label="<b>x</b>", hint="")) == '<span class="c">&lt;b&gt;x&lt;/b&gt;</span>'
    assert "<b>x</b>" in fragment("chip.html", classes="c", label=Markup("<b>x</b>"), hint=""), "Markup is the visible way"


def test_hostile_front_matter_and_action_cells_stay_text_in_every_fragment():
    pm = hostile()
    context = PostmortemPageContext("postmortems/2024-01-09-x.md", ["SEV1"], None, [])
    other = Related(pm.id, pm, ["<img src=z>"], True)
    fragments = {
        "card": header_card(pm, context),
        "related": related_list("postmortems/y.md", [other, Related("<script>", None, [], True)]),
        "source": source_line(PostmortemPageContext('postmortems/"><x>.md', [], "https://h.example/{path}", [])),
        "listing": Listing(["SEV1"]).table("tags/x.md", [pm]).html,
        "ledger": render_actions_page([pm], CONFIG, dt.date(2025, 1, 1)).as_markdown(),
        "error page": render_failed_postmortem(pm, "<x>.md").as_markdown(),
    }
    for name, html in fragments.items():
        assert not RAW.search(html.split("\n---\n", 1)[-1]), (name, RAW.search(html))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in fragments["listing"]
    assert "o&#x27;neil &amp; co" in fragments["card"] and "&lt;i&gt;mallory&lt;/i&gt;" in fragments["card"]
    # Pagefind decodes entities in filter values: markup characters become look-alikes there.
    assert 'data-pagefind-filter="tag:＜img src=x onerror=alert(3)＞"' in fragments["card"]
    assert "&lt;img src=y onerror=alert(6)&gt;" in fragments["ledger"] and "&lt;u&gt;eve&lt;/u&gt;" in fragments["ledger"]


def test_a_value_spanning_lines_cannot_end_its_html_block_in_markdown():
    # Written inline (`postmortem generate`), a blank line would end the raw HTML
    # block and let the rest of the summary be read as markdown: a link.
    card = header_card(hostile(), PostmortemPageContext("p.md", ["SEV1"], None, []))
    summary = re.search(r'<p class="pm-summary">(.*)</p>', card).group(1)
    assert summary == "line one [link](javascript:alert(5)) &lt;b&gt;bold&lt;/b&gt;"
    rendered = markdown.Markdown(extensions=["md_in_html"]).convert(card)
    assert 'href="javascript' not in rendered and "<b>bold" not in rendered


def test_no_hand_placed_html_escaping_is_left_in_the_site():
    # One escaper for fragments (fragments.py), and the page's meta title (blocks.page_title,
    # which MkDocs writes into <title> as it is); markdown goes through markdown_text.md_text.
    allowed = {"fragments.py": 1, "blocks.py": 1}
    for path in SITE.glob("*.py"):
        calls = len(re.findall(r"\bhtml\.escape\(|\bhtml_text\(|\bescape\(", path.read_text(encoding="utf-8")))
        assert calls <= allowed.get(path.name, 0), (path.name, calls)


def test_the_site_has_one_markdown_escaper_and_one_slug():
    from postmortem_kb import markdown_text, scaffold
    from postmortem_kb.site import escape

    assert not hasattr(escape, "md_text") and not hasattr(escape, "url_slug")
    assert scaffold.url_slug("Café: déjà vu") == scaffold.slugify("Café: déjà vu", limit=None)
    assert markdown_text.md_text("*x*") != "*x*"
    for path in SITE.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "def md_text" not in text and "unicodedata" not in text, path.name

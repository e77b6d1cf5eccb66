"""The one markdown escaper holds against every extension the site turns on.

Hypothesis writes extension syntax (attr_list's `{: ...}` and `{#id .class
key=val}`, md_in_html's `<div markdown>`, admonitions, `[TOC]`, footnotes,
abbreviations, tables, emphasis, links, raw HTML) around and inside random
text; the escaped text is rendered by Python-Markdown with the site's
extensions (the plugin's required ones plus mkdocs.yml's), in the places the
site puts such text: a paragraph, a table cell, a list item. The result must
be the text and nothing else: no element, no attribute the payload made.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem_kb.markdown_text import md_text
from robustness.reliability_cases import covers

EXTENSIONS = ["tables", "admonition", "attr_list", "md_in_html", "toc", "abbr", "footnotes", "def_list"]

SYNTAX = [
    "{: onfocus=alert(1) autofocus tabindex=0 }", "{#pwn .evil data-x=1}", "{: .x }", "{", "}",
    '<div markdown="1">', "</div>", "<img src=x onerror=alert(1)>", "<script>alert(1)</script>",
    "!!! note", "!!! danger \"Title\"", "[TOC]", "[^1]", "[^1]: note", "*[HTML]: Hyper", ": definition",
    "*", "**", "_", "`", "```", "~~", "==", "^^", "++ctrl++", "|", "\\", "#", "- ", "1. ", "> ",
    "[x](javascript:alert(1))", "![i](x.png)", "<https://evil.example>", "https://bare.example", "user@host.example",
    ":fire:", "&amp;", "&#60;", "&lt;b&gt;", "\n", "\t", "    ", "---",
]

payloads = st.lists(st.one_of(st.sampled_from(SYNTAX), st.text(max_size=12)), max_size=12).map("".join)


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)


def _render(markdown_text: str) -> _Elements:
    parser = _Elements()
    parser.feed(markdown.markdown(markdown_text, extensions=EXTENSIONS))
    return parser


def _visible(text: str) -> str:
    # Control characters carry nothing a reader could see: the escaper drops them.
    return " ".join(re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]", " ", text).split())


@settings(max_examples=300, deadline=None)
@given(payloads)
def test_in_a_paragraph_the_text_shows_and_nothing_else(payload):
    escaped = md_text(payload)
    rendered = _render(f"Before {escaped} after")
    assert [tag for tag, _ in rendered.tags] == ["p"], (payload, rendered.tags)
    assert rendered.tags[0][1] == []
    assert _visible("".join(rendered.text)) == _visible(f"Before {payload} after")


@settings(max_examples=300, deadline=None)
@given(payloads)
def test_in_a_table_cell_the_text_shows_and_nothing_else(payload):
    escaped = md_text(payload)
    rendered = _render(f"| Time | Event |\n|---|---|\n| 09:00 | {escaped} |\n")
    assert [tag for tag, _ in rendered.tags] == ["table", "thead", "tr", "th", "th", "tbody", "tr", "td", "td"], \
        (payload, rendered.tags)
    assert all(attrs == [] for _, attrs in rendered.tags)
    cells = "".join(rendered.text)
    assert _visible(payload) in _visible(cells)


@settings(max_examples=300, deadline=None)
@given(payloads)
def test_in_a_list_item_the_text_shows_and_nothing_else(payload):
    escaped = md_text(payload)
    rendered = _render(f"- 2024-03-05 09:00 {escaped}\n")
    assert [tag for tag, _ in rendered.tags] == ["ul", "li"], (payload, rendered.tags)
    assert all(attrs == [] for _, attrs in rendered.tags)
    assert _visible(f"2024-03-05 09:00 {payload}") == _visible("".join(rendered.text))


@covers("escaper-extensions")
def test_the_issue_payloads_in_particular():
    for payload in ("x {: tabindex=0 autofocus onfocus=alert(document.domain) }",
                    "*bold*{: autofocus tabindex=1 onfocus=alert(1) }"):
        out = markdown.markdown(f"| a | b |\n|---|---|\n| 1 | {md_text(payload)} |\n- {md_text(payload)}\n",
                                extensions=EXTENSIONS)
        assert "onfocus" not in re.sub(r">[^<]*<", "><", out), out
        assert html.unescape(payload) in html.unescape(re.sub(r"<[^>]+>", "", out))

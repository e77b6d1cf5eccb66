"""A page's HTML blocks put in after MkDocs renders its markdown give the HTML of the inline markdown."""

import posixpath

import markdown
import pytest
from hypothesis import given
from hypothesis import strategies as st
from mkdocs.utils import meta
from postmortem_kb.site.parts import (
    END,
    SECTION_END,
    TOP,
    Block,
    PageShapeError,
    PageSource,
)
from postmortem_kb.site.urls import href, page_url

EXTENSIONS = ["toc", "tables", "admonition", "attr_list", "md_in_html"]


def render(text: str) -> str:
    """As MkDocs renders a page: its meta block read off first."""
    body, _ = meta.get_data(text)
    return markdown.Markdown(extensions=EXTENSIONS, extension_configs={"toc": {"permalink": True}}).convert(body)


def both_ways(page: PageSource) -> tuple[str, str]:
    """(the inline markdown rendered, the markdown without blocks rendered and finished)."""
    split = page.for_mkdocs()
    assert "<section" not in split.markdown and "<ul" not in split.markdown and "<table" not in split.markdown
    return render(page.as_markdown()), split.finish(render(split.markdown))


CARD = Block('<section class="card" data-search-exclude>\n<p>A &amp; B</p>\n</section>', TOP)
LIST = Block('<ul class="long">\n<li>row</li>\n</ul>')
SOURCE = Block('<p class="source">x.md</p>')


def postmortem(title_lines: list[str]) -> PageSource:
    return PageSource([
        "---\ntitle: T\n---\n", *title_lines, "", CARD, "",
        "## Timeline", "", '<div class="pm-timeline" markdown>', "", "| Time | Event |", "|---|---|", "| 10:00 | one |",
        "", "</div>", "", "Text after.", "", "## Related incidents", "", LIST, "", SOURCE, "",
    ], after_h1=bool(title_lines))


@pytest.mark.parametrize("title_lines", [[], ["# Own title"], ["Own title", "========="]], ids=["no-h1", "atx", "setext"])
def test_a_postmortem_page_comes_out_as_if_its_blocks_were_inline(title_lines):
    inline, finished = both_ways(postmortem(title_lines))
    assert finished == inline
    assert finished.index("card") < finished.index('id="timeline"') < finished.index('class="long"') < finished.index("source")
    if title_lines:
        assert finished.index("</h1>") < finished.index("card")


def test_blocks_at_the_end_of_sections_and_pages_whose_last_section_is_empty():
    months = PageSource(["# 2024\n", "3 postmortems.\n", "## March\n", Block("<table>m</table>", SECTION_END), "",
                         "## January\n", Block("<table>j</table>", SECTION_END), ""])
    inline, finished = both_ways(months)
    assert finished == inline and finished.index("m</table>") < finished.index("January") < finished.index("j</table>")
    ledger = PageSource(["# Ledger\n", "## Open (1)\n", Block("<table>o</table>", SECTION_END), "", "## Closed (0)\n",
                         "Nothing.\n", "## Without (2)\n", Block("<table>w</table>", SECTION_END), ""])
    assert both_ways(ledger)[0] == both_ways(ledger)[1]
    tag = PageSource(["# Tag: x\n", "2 postmortems.\n", Block("<table>t</table>", END), ""])
    assert both_ways(tag)[0] == both_ways(tag)[1]


def test_a_page_without_blocks_is_left_alone():
    page = PageSource(["# Plain\n", "Text.\n"])
    assert not page.for_mkdocs().has_blocks and both_ways(page)[0] == both_ways(page)[1]


def test_a_page_whose_headings_were_changed_is_an_error_never_a_misplaced_block():
    split = PageSource(["# Y\n", "## A\n", Block("<table>a</table>", SECTION_END), "", "## B\n", Block("<p>b</p>", SECTION_END), ""]).for_mkdocs()
    html = render(split.markdown)
    with pytest.raises(PageShapeError):
        split.finish(html.replace("<h2", "<h3").replace("</h2>", "</h3>"))
    titled = PageSource(["# T", "", Block("<p>card</p>", TOP), ""], after_h1=True).for_mkdocs()
    with pytest.raises(PageShapeError):
        titled.finish("<p>no heading any more</p>")


segment = st.text(alphabet="abc-", min_size=1, max_size=3)
docs_path = st.lists(segment, min_size=1, max_size=3).map(lambda parts: "/".join(parts) + ".md")


@given(docs_path, st.one_of(docs_path, st.just("index.md"), st.just("tags/index.md")), st.booleans())
def test_href_resolves_to_the_target_page_from_where_the_page_is_served(from_page, to_page, directory_urls):
    served = page_url(from_page, directory_urls)
    folder = served.rsplit("/", 1)[0] if "/" in served else ""
    resolved = posixpath.normpath(posixpath.join(folder, href(from_page, to_page, directory_urls)))
    target = page_url(to_page, directory_urls).rstrip("/")
    assert resolved == (target or "."), (from_page, to_page, directory_urls)

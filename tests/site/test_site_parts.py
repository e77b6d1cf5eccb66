"""Page parts: HTML blocks inline in markdown, or behind placeholders the plugin fills after rendering."""

import posixpath

import markdown
import pytest
from hypothesis import given
from hypothesis import strategies as st

from postmortem_kb.site.parts import CONTENT, OUTPUT, HtmlBlock, MissingPlaceholder, PageSource, new_token
from postmortem_kb.site.urls import href, page_url

EXTENSIONS = ["toc", "tables", "admonition", "attr_list", "md_in_html"]


def render(text: str) -> str:
    return markdown.Markdown(extensions=EXTENSIONS).convert(text)


def sample() -> PageSource:
    return PageSource([
        "# Title", "", HtmlBlock('<section class="card">A &amp; B</section>'), "",
        "## Timeline", "", HtmlBlock('<div class="tl">', markdown='<div class="tl" markdown>', raw_block=False), "",
        "| Time | Event |", "|---|---|", "| 10:00 | one |", "", HtmlBlock("</div>", raw_block=False), "",
        "Text after.", "", HtmlBlock('<ul class="long"><li>row</li></ul>', stage=OUTPUT), "",
    ])


def test_deferred_blocks_give_the_same_html_as_inline_blocks():
    page = sample()
    inline = render(page.as_markdown())
    deferred = page.deferred(new_token())
    assert "<section" not in deferred.markdown and "<ul" not in deferred.markdown
    content = deferred.restore_content(render(deferred.markdown))
    assert '<section class="card">' in content and '<ul class="long">' not in content, "OUTPUT waits"
    assert deferred.restore_output(content) == inline


def test_an_authors_look_alike_placeholder_is_left_alone():
    token = new_token()
    page = PageSource(["pmblockn0 and <!--pmblockn0-->", "", HtmlBlock("<p>mine</p>", stage=OUTPUT), ""])
    deferred = page.deferred(token)
    html = deferred.restore_output(deferred.restore_content(render(deferred.markdown)))
    assert "pmblockn0 and" in html and html.count("<p>mine</p>") == 1


def test_a_lost_placeholder_is_an_error_never_a_silent_drop():
    deferred = PageSource(["", HtmlBlock("<p>x</p>"), ""]).deferred(new_token())
    with pytest.raises(MissingPlaceholder):
        deferred.restore_content("<p>someone rewrote the page</p>")
    hidden = PageSource(["", HtmlBlock("<p>x</p>", stage=OUTPUT), ""]).deferred(new_token())
    content = hidden.restore_content(render(hidden.markdown))
    with pytest.raises(MissingPlaceholder):
        hidden.restore_output(content.replace("<!--", "<!-- minified away "))


def test_stages_are_named():
    assert HtmlBlock("x").stage == CONTENT and HtmlBlock("x", stage=OUTPUT).stage == OUTPUT


segment = st.text(alphabet="abc-", min_size=1, max_size=3)
docs_path = st.lists(segment, min_size=1, max_size=3).map(lambda parts: "/".join(parts) + ".md")


@given(docs_path, st.one_of(docs_path, st.just("index.md"), st.just("tags/index.md")), st.booleans())
def test_href_resolves_to_the_target_page_from_where_the_page_is_served(from_page, to_page, directory_urls):
    served = page_url(from_page, directory_urls)
    folder = served.rsplit("/", 1)[0] if "/" in served else ""
    resolved = posixpath.normpath(posixpath.join(folder, href(from_page, to_page, directory_urls)))
    target = page_url(to_page, directory_urls).rstrip("/")
    assert resolved == (target or "."), (from_page, to_page, directory_urls)

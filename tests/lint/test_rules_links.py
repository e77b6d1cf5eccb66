"""Link rule: `broken-link` fails lint on the relative links `mkdocs build --strict` fails on."""

from __future__ import annotations

import re

from conftest import write
from lint_helpers import CLEAN, by_rule, line_of, lint_json, lint_text
from postmortem_kb.lint import rules_links  # noqa: F401  (registers broken-link wherever the engine does not yet)
from postmortem_kb.lint.rules_links import find_local_links
from postmortem_kb.published import is_site_asset

OTHER = "2023-11-02-kv-crash.md"


def with_body(extra: str) -> str:
    return CLEAN.replace("## Impact\n", f"{extra}\n\n## Impact\n", 1)


def broken(findings: list[dict]) -> list[tuple[int, int, str]]:
    return [(f["line"], f["column"], f["message"]) for f in by_rule(findings, "broken-link")]


def test_link_to_another_postmortem_and_to_a_missing_one(kb):
    write(kb / "postmortems" / OTHER, CLEAN)
    text = with_body("See [the crash](2023-11-02-kv-crash.md#timeline) and [a typo](2023-11-02-kv-crsh.md).")
    code, findings = lint_text(kb, text)
    [(line, column, message)] = broken(findings)
    assert code == 1 and line == line_of(text, "a typo")
    assert column == text.split("\n")[line - 1].index("2023-11-02-kv-crsh.md") + 1
    assert "`2023-11-02-kv-crsh.md`" in message


def test_image_under_the_postmortems_folder_present_and_missing(kb):
    (kb / "postmortems/assets/2024-01-09-cache-stampede").mkdir(parents=True)
    (kb / "postmortems/assets/2024-01-09-cache-stampede/p99.png").write_bytes(b"\x89PNG")
    text = with_body("![p99](assets/2024-01-09-cache-stampede/p99.png)\n\n"
                     "![p50](assets/2024-01-09-cache-stampede/p50%20graph.png)")
    [(line, _, message)] = broken(lint_text(kb, text)[1])
    assert line == line_of(text, "p50") and "image to `assets/2024-01-09-cache-stampede/p50 graph.png`" in message
    assert "postmortems/assets/2024-01-09-cache-stampede/p50 graph.png" in message


def test_what_is_not_a_local_link_or_not_ours_to_judge(kb):
    text = with_body(
        "`[inline code](missing-1.md)` and [mail](mailto:x@example.com), [web](https://example.com/a.png),\n"
        "[site root](/tags/x.md), [anchor](#timeline), [query](?x=1), [folder](somewhere/), "
        "[docs page](../writing.md)\n\n"
        "```\n![fenced](missing-2.png)\n```\n\n"
        "    ![indented code](missing-3.png)\n\n"
        "<img src=\"raw-html.png\">")
    assert broken(lint_text(kb, text)[1]) == []


def test_reference_links_are_found_where_they_are_used(kb):
    text = with_body("First [the graph][g], unused [other]: nothing.\n\nSecond line [again][g].\n\n[g]: <graphs/p 99.png>\n"
                     "[unused]: missing.pdf")
    found = broken(lint_text(kb, text)[1])
    assert [line for line, _, _ in found] == [line_of(text, "First [the graph]"), line_of(text, "Second line")]


def test_line_of_a_link_in_a_wrapped_paragraph_and_a_table(kb):
    text = with_body("A paragraph\nthat wraps\nbefore [the link](nope.md).").replace(
        "| 10:04 | Latency alert fires |", "| 10:04 | Latency alert fires ![g](gone.png) |")
    found = broken(lint_text(kb, text)[1])
    assert [line for line, _, _ in found] == sorted([line_of(text, "before [the link]"), line_of(text, "gone.png")])


def test_hidden_and_underscore_folders_are_not_published(kb):
    (kb / "postmortems/_drafts").mkdir(parents=True)
    (kb / "postmortems/_drafts/a.png").write_bytes(b"x")
    [(_, _, message)] = broken(lint_text(kb, with_body("![a](_drafts/a.png)"))[1])
    assert "hidden or `_` folders" in message


def test_a_postmortem_in_a_subfolder_links_from_the_site_folder(kb):
    """Its page is postmortems/<id>.md on the site, so `img.png` beside the file on disk is not found there."""
    write(kb / "postmortems/2024/img.png", "x")
    text = with_body("![beside me on disk](img.png) ![from the site folder](2024/img.png)")
    write(kb / "postmortems/2024" / "2024-01-09-cache-stampede.md", text)
    found = broken(lint_json()[1])
    assert len(found) == 1 and "`img.png`" in found[0][2]


def test_a_symlink_out_of_the_knowledge_base_is_not_a_file_of_the_site(kb, tmp_path):
    outside = write(tmp_path / "outside.png", "x")
    (kb / "postmortems/assets").mkdir(parents=True)
    (kb / "postmortems/assets/linked.png").symlink_to(outside)
    assert len(broken(lint_text(kb, with_body("![l](assets/linked.png)"))[1])) == 1


def test_rule_can_be_switched_off(kb):
    findings = lint_text(kb, with_body("[x](nope.md)"), config="rules:\n  broken-link: off\n")[1]
    assert by_rule(findings, "broken-link") == []


def test_find_local_links_gives_kind_target_and_line():
    text = "x\n\n[a](a%20b.md#t) ![i](img.png \"t\")\nnext [c](<c d.pdf>) [e](http://x/e.md)\n"
    links = find_local_links(text)
    assert [(link.kind, link.path, link.line) for link in links] == [
        ("link", "a b.md", 2), ("image", "img.png", 2), ("link", "c d.pdf", 3)]
    assert links[0].is_markdown and not links[1].is_markdown


def test_site_assets_leave_out_markdown_and_hidden_files():
    assert is_site_asset("assets/x/graph.png") and is_site_asset("notes.txt")
    assert not is_site_asset("assets/x/page.md") and not is_site_asset(".git/x.png") and not is_site_asset("_a/b.png")


def test_lint_fails_where_the_strict_build_fails(kb, tmp_path):
    """The same postmortems through lint and through `mkdocs build --strict`: the same links are broken."""
    from site_helpers import mkdocs_build

    write(kb / "postmortems" / OTHER, CLEAN.replace("2024-01-09", "2023-11-02"))
    text = with_body("[ok](2023-11-02-kv-crash.md) [typo](2023-11-02-kv-crsh.md) ![gone](assets/x/gone.png)\n"
                     "[folder](elsewhere/) [docs](../writing.md) [out](https://example.com/x.md)")
    findings = lint_text(kb, text)[1]
    linted = sorted(re.search(r"`([^`]+)`", m).group(1) for _, _, m in broken(findings))
    build = mkdocs_build(kb, tmp_path / "site")
    assert build.returncode != 0
    built = sorted(re.findall(r"contains a link '([^']+)', but the target", build.stderr))
    assert linted == built == ["2023-11-02-kv-crsh.md", "assets/x/gone.png"]
    # Fixed, both pass.
    write(kb / "postmortems/2024-01-09-cache-stampede.md", with_body("[ok](2023-11-02-kv-crash.md) [folder](elsewhere/)"))
    assert broken(lint_json()[1]) == []
    build = mkdocs_build(kb, tmp_path / "site")
    assert build.returncode == 0, build.stderr


def test_site_assets_lists_what_the_site_publishes(kb, tmp_path):
    from postmortem_kb.published import site_assets

    folder = kb / "postmortems"
    write(folder / "2024-01-09-x.md", CLEAN)
    write(folder / "assets/2024-01-09-x/graph.png", "png")
    write(folder / "notes.txt", "txt")
    write(folder / "_drafts/draft.png", "no")
    write(folder / ".git/config", "no")
    (folder / "assets/outside.png").symlink_to(write(tmp_path / "elsewhere.png", "no"))
    assert [relative for relative, _ in site_assets(folder, kb)] == ["assets/2024-01-09-x/graph.png", "notes.txt"]

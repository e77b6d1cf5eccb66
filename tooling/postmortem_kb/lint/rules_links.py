"""Link rules: a relative link or image points at something the site will have.

A postmortem's page is generated at `postmortems/<id>.md` of the site,
whatever folder its file sits in, so MkDocs resolves its relative links
against `postmortems/`. There the site has the other postmortems' pages and,
published by the plugin, every file under the postmortems folder that is not
markdown (`postmortems/assets/<id>/graph.png`, where `postmortem import`
puts the images it copies). `mkdocs build --strict` fails on a relative link
whose target has a file extension and is not among the site's files; this
rule fails lint on the same links, so CI says so before the build does.

Links are found with markdown-it (a link inside code is not a link). A link
that leaves `postmortems/` (`../tutorial.md`, `../tags/x.md`) points at a
hand-written or generated page and is not checked here; neither is a link
without an extension (`other/`), which MkDocs leaves as it is.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable
from urllib.parse import unquote

from postmortem_kb.lint.registry import Hit, LintContext, rule
from postmortem_kb.model import ERROR, Postmortem
from postmortem_kb.published import MARKDOWN_SUFFIXES, SITE_FOLDER, is_site_asset

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
# A cheap look for something that could be a relative destination, so that
# a postmortem without one (most of them) costs no inline parse. It only
# decides whether to parse; markdown-it decides what is a link.
_MAYBE_LOCAL = re.compile(r"\]\(\s*<?(?![a-z][a-z0-9+.-]*:|#|/)|^ {0,3}\[[^\]\n]+\]:\s*<?(?![a-z][a-z0-9+.-]*:|#|/)",
                          re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class LocalLink:
    """A link or image whose destination is a relative path."""

    kind: str  # "link" or "image"
    target: str  # the destination as markdown-it normalised it (percent-encoded)
    line: int  # 0-based line of the parsed text where the link is written

    @property
    def path(self) -> str:
        """The file part, decoded: `img/my%20graph.png#x` -> `img/my graph.png`."""
        return unquote(re.split(r"[#?]", self.target, maxsplit=1)[0])

    @property
    def suffix(self) -> str:
        return posixpath.splitext(self.path)[1].lower()

    @property
    def is_markdown(self) -> bool:
        return self.suffix in MARKDOWN_SUFFIXES

    def written_forms(self) -> tuple[str, ...]:
        """How the destination may be spelled in the text: as normalised, and decoded."""
        return tuple(dict.fromkeys((self.target, unquote(self.target))))


def is_local(target: str) -> bool:
    """A relative path: no scheme, not protocol- or site-absolute, not a bare #anchor."""
    return bool(target) and not _SCHEME.match(target) and not target.startswith(("/", "#", "\\"))


def may_have_local_links(markdown: str) -> bool:
    return ("](" in markdown or "]:" in markdown) and _MAYBE_LOCAL.search(markdown) is not None


def find_local_links(markdown: str) -> list[LocalLink]:
    """Every link and image with a relative destination, with its line, in text order.

    A reference link is found where it is used, not at its definition (an
    unused definition is not rendered, so nothing can be broken by it).
    """
    from postmortem_kb.loader import markdown_parser

    found: list[LocalLink] = []
    for token in markdown_parser().parse(markdown):
        if token.type != "inline" or not token.children or not token.map:
            continue
        line = token.map[0]
        for child in token.children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "link_open":
                target = str(child.attrs.get("href", ""))
                if is_local(target):
                    found.append(LocalLink("link", target, line))
            elif child.type == "image":
                target = str(child.attrs.get("src", ""))
                if is_local(target):
                    found.append(LocalLink("image", target, line))
    return found


def site_problem(link: LocalLink, postmortems_dir: Path, known_ids: Iterable[str] | set[str],
                 exists=None) -> str | None:
    """Why the site would not find the link's target, or None when it would (or it is not ours to judge)."""
    path = link.path
    if not path:
        return None  # `?query` or `#anchor` only: the page itself
    site_path = posixpath.normpath(posixpath.join(SITE_FOLDER, path))
    if not site_path.startswith(SITE_FOLDER + "/"):
        return None  # another part of the site: a hand-written or generated page
    inner = site_path[len(SITE_FOLDER) + 1:]
    if not posixpath.splitext(inner)[1]:
        return None  # MkDocs leaves a link without an extension as it is; strict does not fail on it
    what = "image" if link.kind == "image" else "link"
    if link.is_markdown:
        postmortem_id = posixpath.splitext(inner)[0]
        if "/" not in postmortem_id and postmortem_id in known_ids:
            return None
        return (f"{what} to `{path}`: the site has no page there (a link to another postmortem is "
                f"`<id>.md`, beside this one); fix or remove it")
    if not is_site_asset(inner):
        return f"{what} to `{path}`: the site does not publish files in hidden or `_` folders"
    present = exists(inner) if exists is not None else (postmortems_dir / inner).is_file()
    if present:
        return None
    return (f"{what} to `{path}`: no file `{SITE_FOLDER}/{inner}`; the site resolves a postmortem's links "
            f"from the postmortems folder (copy the file to `{SITE_FOLDER}/assets/<id>/` and link `assets/<id>/...`)")


def _column(line_text: str, link: LocalLink) -> int:
    for form in link.written_forms():
        at = line_text.find(form)
        if at != -1:
            return at + 1
    return 1


@rule("broken-link", ERROR, "Every relative link and image points at a postmortem or a file the site publishes.")
def broken_link(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    if not may_have_local_links(pm.body):
        return
    from postmortem_kb.kb import inside

    folder, root = ctx.config.postmortems_dir, ctx.config.root
    seen: dict[str, bool] = ctx.once("broken-link-files", dict)

    def exists(inner: str) -> bool:
        if inner not in seen:
            path = folder / inner
            seen[inner] = path.is_file() and inside(path, root)
        return seen[inner]

    facts = ctx.facts(pm)
    for link in find_local_links(pm.body):
        problem = site_problem(link, folder, ctx.known_ids, exists)
        if problem:
            line = pm.body_line + link.line
            yield Hit(line, problem, _column(facts.line_text(line), link))

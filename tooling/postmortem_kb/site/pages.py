"""Small pages of their own: the stylesheet, the list of files that could not be loaded, a broken file's page.

And the files published as they are: images and attachments beside the
postmortems (`postmortems/assets/<id>/`, where `postmortem import` copies
them), at the same place under the site's postmortems folder, so that a
postmortem's relative link works on the site as in the editor.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from postmortem_kb.config import KBConfig
from postmortem_kb.markdown_text import md_text
from postmortem_kb.model import ERROR, Diagnostic, Postmortem
from postmortem_kb.site.blocks import page_title
from postmortem_kb.site.fragments import fragment
from postmortem_kb.site.parts import TOP, Block, PageSource


def published_assets(config: KBConfig) -> list[tuple[str, Path]]:
    """(docs-relative site path, real file) of every file published as it is, sorted by path.

    Only what the file policy allows (regular files whose real path is
    inside the postmortems folder), as lint's link check sees them.
    """
    from postmortem_kb.published import SITE_FOLDER, site_assets

    return [(f"{SITE_FOLDER}/{relative}", path)
            for relative, path in site_assets(config.postmortems_dir, config.root)]


def stylesheet() -> str:
    return resources.files("postmortem_kb.site").joinpath("assets/postmortem-kb.css").read_text(encoding="utf-8")


def render_load_errors(errors: list[Diagnostic]) -> str:
    """The page that names every file the site had to leave out, and why."""
    rows = "\n".join(f"| {md_text(e.path)} | {e.line} | {md_text(e.message)} |" for e in errors)
    return (
        page_title("Postmortems that could not be loaded")
        + "# Postmortems that could not be loaded\n\n"
        "These files are not on the site until they are fixed. Run `postmortem lint` for details.\n\n"
        "| File | Line | Problem |\n|---|---|---|\n" + rows + "\n"
    )


def render_failed_postmortem(pm: Postmortem, path: str) -> PageSource:
    """A broken file's page during a live preview: where and why it failed, at the URL its page will have."""
    errors = [d for d in pm.diagnostics if d.severity == ERROR] or pm.diagnostics
    return PageSource([
        page_title(f"{pm.id} could not be loaded"), f"# {md_text(pm.id)}", "",
        Block(fragment("load_error.html", path=path, errors=errors), TOP), "",
    ], after_h1=True)
